import type { EapFailureReason, EapInvalidReason } from './failure-reason.js';

/**
 * What the EAP authenticator tells its lower layer to do after one input (RFC 4137 §4 outputs
 * eapReq / eapSuccess / eapFail / eapNoReq). The fronts map them:
 * - request → Diameter DEA 1001 DIAMETER_MULTI_ROUND_AUTH / RADIUS Access-Challenge;
 * - success → DEA 2001 with EAP-Master-Session-Key / Access-Accept with MS-MPPE keys;
 * - failure → DEA 4001 / Access-Reject, both carrying `packet` (EAP-Failure);
 * - invalid → RFC 4072 §2.4: 1001 without EAP-Payload, EAP-Reissued-Payload = `reissue`
 *   (undefined when there is nothing to reissue: send no EAP payload at all).
 * Key material (msk, emsk) must never be logged.
 */
export type EapStep =
  | { kind: 'request'; packet: Buffer }
  | {
      kind: 'success';
      packet: Buffer;
      msk: Buffer;
      emsk: Buffer;
      /** RFC 5247 EAP Session-Id (the Diameter EAP-Key-Name value). */
      sessionId: Buffer;
      peerId: string;
      /** The EAP method type that succeeded (47 for EAP-PSK). */
      method: number;
    }
  | { kind: 'failure'; packet: Buffer; reason: EapFailureReason; detail?: string; peerId?: string }
  | { kind: 'invalid'; reason: EapInvalidReason; detail?: string; reissue: Buffer | undefined };
