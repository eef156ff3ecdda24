import { randomOctets } from '../util/random-pool.js';
import { constantTimeEqual } from './crypto/constant-time.js';
import { PSK_RAND_LENGTH, PSK3_NONCE, PskResult, PskT } from './methods/psk/constants.js';
import {
  computeMacP,
  computeMacS,
  derivePskKeys,
  deriveSessionKeys,
  keyContext,
  pskSessionId,
  type PskKeyContext,
  type PskKeys,
} from './methods/psk/keys.js';
import { buildPsk2, expectedPsk4Header, parsePsk1, parsePsk3, pskMessageT } from './methods/psk/messages.js';
import { pchannelContent, pchannelPlaintext } from './methods/psk/pchannel.js';
import { buildSealedPsk4, PeerPchannel } from './methods/psk/peer-pchannel.js';
import { buildIdentity, buildNak, EapCode, EapType, parseEapPacket, type EapPacket } from './packet.js';

/** Why the peer dropped a request without answering (RFC 4764 §5.3: silently discard). */
export const PeerErrorCode = {
  Malformed: 'malformed',
  Unexpected: 'unexpected',
  BadRandS: 'bad_rand_s',
  BadMacS: 'bad_mac_s',
  BadNonce: 'bad_nonce',
  BadPchannel: 'bad_pchannel',
} as const;
export type PeerErrorCode = (typeof PeerErrorCode)[keyof typeof PeerErrorCode];

export type PeerStep =
  | { kind: 'response'; packet: Buffer }
  | { kind: 'success'; msk: Buffer; emsk: Buffer; sessionId: Buffer }
  | { kind: 'failure'; detail: string }
  | { kind: 'discard'; code: PeerErrorCode; message: string };

export type EapPskPeerOptions = {
  /** ID_P (RFC 4764 §5.2). */
  peerId: string;
  /** The PSK, or the already derived keys. */
  psk?: Buffer;
  keys?: PskKeys;
  /** The EAP Identity to answer with; ID_P by default. */
  identity?: string;
  /** RAND_P's source; by default the process-wide pool over the CSPRNG (util/random-pool). */
  random?: (n: number) => Buffer;
};

const PeerState = {
  Idle: 'IDLE',
  AwaitPsk3: 'AWAIT_PSK_3',
  AwaitResult: 'AWAIT_RESULT',
  Success: 'SUCCESS',
  Failure: 'FAILURE',
} as const;
type PeerState = (typeof PeerState)[keyof typeof PeerState];

/**
 * The EAP-PSK peer side of a whole conversation (for the NAS simulator and tests): Identity
 * response, PSK-2, PSK-4, then EAP-Success/Failure. Behaves like wpa_supplicant's eap_psk.c, with
 * a stricter PSK-3 (Nonce must be 0). A retransmitted request gets the same response again.
 */
export class EapPskPeer {
  readonly #idP: Buffer;
  readonly #identity: string;
  readonly #ctx: PskKeyContext;
  readonly #random: (n: number) => Buffer;

  #state: PeerState = PeerState.Idle;
  #randS: Buffer | undefined;
  #randP: Buffer | undefined;
  #idS: Buffer | undefined;
  #keys: { msk: Buffer; emsk: Buffer; sessionId: Buffer } | undefined;
  #lastRequest: Buffer | undefined;
  #lastResponse: Buffer | undefined;

  constructor(opts: EapPskPeerOptions) {
    const keys = opts.keys ?? (opts.psk === undefined ? undefined : derivePskKeys(opts.psk));
    if (keys === undefined) throw new TypeError('EapPskPeer needs psk or keys');
    this.#ctx = keyContext(keys);
    this.#idP = Buffer.from(opts.peerId, 'utf8');
    this.#identity = opts.identity ?? opts.peerId;
    this.#random = opts.random ?? randomOctets;
  }

  get msk(): Buffer | undefined {
    return this.#state === PeerState.Success ? this.#keys?.msk : undefined;
  }

  get emsk(): Buffer | undefined {
    return this.#state === PeerState.Success ? this.#keys?.emsk : undefined;
  }

  get sessionId(): Buffer | undefined {
    return this.#state === PeerState.Success ? this.#keys?.sessionId : undefined;
  }

  /** ID_S from PSK-1. */
  get serverId(): string | undefined {
    return this.#idS?.toString('utf8');
  }

  /** One packet from the authenticator. */
  receive(request: Buffer): PeerStep {
    const parsed = parseEapPacket(request);
    if (!parsed.ok) return discard(PeerErrorCode.Malformed, parsed.error);
    const p = parsed.value;
    if (p.code === EapCode.Success) return this.#success();
    if (p.code === EapCode.Failure) {
      this.#state = PeerState.Failure;
      return { kind: 'failure', detail: 'EAP-Failure received' };
    }
    if (p.code !== EapCode.Request) return discard(PeerErrorCode.Unexpected, `code ${p.code}`);
    // RFC 3748 §4.1: a retransmitted request (same Identifier, same content) gets the same response.
    if (
      this.#lastResponse !== undefined &&
      this.#lastRequest !== undefined &&
      p.raw.equals(this.#lastRequest)
    ) {
      return { kind: 'response', packet: this.#lastResponse };
    }
    const step = this.#request(p);
    if (step.kind === 'response') {
      this.#lastRequest = Buffer.from(p.raw);
      this.#lastResponse = step.packet;
    }
    return step;
  }

  #request(p: EapPacket): PeerStep {
    if (p.type === EapType.Identity)
      return respond(buildIdentity(EapCode.Response, p.identifier, this.#identity));
    // RFC 3748 §5.3.1: any other method → Nak proposing EAP-PSK.
    if (p.type !== EapType.Psk) return respond(buildNak(p.identifier, [EapType.Psk]));
    const t = pskMessageT(p);
    if (t === PskT.Psk1 && this.#state === PeerState.Idle) return this.#psk1(p);
    if (t === PskT.Psk3 && this.#state === PeerState.AwaitPsk3) return this.#psk3(p);
    return discard(PeerErrorCode.Unexpected, `EAP-PSK T=${String(t)} in state ${this.#state}`);
  }

  /** RFC 4764 §5.2: answer PSK-1 with PSK-2. */
  #psk1(p: EapPacket): PeerStep {
    const m = parsePsk1(p);
    if (!m.ok) return discard(PeerErrorCode.Malformed, m.error);
    const randS = Buffer.from(m.value.randS);
    const idS = Buffer.from(m.value.idS);
    const randP = Buffer.from(this.#random(PSK_RAND_LENGTH).subarray(0, PSK_RAND_LENGTH));
    const macP = computeMacP(this.#ctx.ak, this.#idP, idS, randS, randP);
    this.#randS = randS;
    this.#idS = idS;
    this.#randP = randP;
    this.#state = PeerState.AwaitPsk3;
    return respond(buildPsk2(p.identifier, { randS, randP, macP, idP: this.#idP }));
  }

  /** RFC 4764 §5.3/§5.4: verify PSK-3 (RAND_S, MAC_S, Nonce, tag), answer PSK-4 with Nonce + 1. */
  #psk3(p: EapPacket): PeerStep {
    const m = parsePsk3(p);
    if (!m.ok) return discard(PeerErrorCode.Malformed, m.error);
    const randS = this.#randS!;
    const randP = this.#randP!;
    const idS = this.#idS!;
    if (!m.value.randS.equals(randS))
      return discard(PeerErrorCode.BadRandS, 'PSK-3 RAND_S differs from PSK-1');
    if (!constantTimeEqual(computeMacS(this.#ctx.ak, idS, randP), m.value.macS))
      return discard(PeerErrorCode.BadMacS, 'PSK-3 MAC_S does not verify');
    const { nonce } = m.value.pchannel;
    if (nonce !== PSK3_NONCE)
      return discard(PeerErrorCode.BadNonce, `PSK-3 PCHANNEL Nonce ${nonce}, expected ${PSK3_NONCE}`);
    const session = deriveSessionKeys(this.#ctx.kdk, randP);
    // PSK-3's PCHANNEL opened and PSK-4's prepared in batched AES calls (peer-pchannel.ts).
    const pchannel = new PeerPchannel(session.tek);
    const plain = pchannel.openPsk3(p.raw, m.value.pchannel, expectedPsk4Header(p.identifier, randS));
    if (plain === undefined) return discard(PeerErrorCode.BadPchannel, 'PSK-3 PCHANNEL tag does not verify');
    const content = pchannelContent(plain);
    let answer: Buffer;
    if (content.e) {
      // RFC 4764 §5.3: unsupported EXT → DONE_FAILURE with E set, the same EXT_Type and an empty payload.
      answer =
        content.extType === undefined
          ? pchannelPlaintext(PskResult.DoneFailure)
          : pchannelPlaintext(PskResult.DoneFailure, { type: content.extType, payload: Buffer.alloc(0) });
    } else {
      answer = pchannelPlaintext(
        content.r === PskResult.DoneSuccess ? PskResult.DoneSuccess : PskResult.DoneFailure,
      );
    }
    const succeeded = !content.e && content.r === PskResult.DoneSuccess;
    this.#state = succeeded ? PeerState.AwaitResult : PeerState.Failure;
    if (succeeded)
      this.#keys = { msk: session.msk, emsk: session.emsk, sessionId: pskSessionId(randP, randS) };
    return respond(buildSealedPsk4(p.identifier, randS, pchannel, nonce + 1, answer));
  }

  #success(): PeerStep {
    // RFC 3748 §4.2: an EAP-Success before the method has finished is not accepted.
    if (this.#state !== PeerState.AwaitResult || this.#keys === undefined) {
      return discard(PeerErrorCode.Unexpected, `EAP-Success in state ${this.#state}`);
    }
    this.#state = PeerState.Success;
    return { kind: 'success', ...this.#keys };
  }
}

function respond(packet: Buffer): PeerStep {
  return { kind: 'response', packet };
}

function discard(code: PeerErrorCode, message: string): PeerStep {
  return { kind: 'discard', code, message };
}
