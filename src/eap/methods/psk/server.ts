import { constantTimeEqual } from '../../crypto/constant-time.js';
import { EapFailureReason } from '../../failure-reason.js';
import type { EapServerMethod, MethodCheck, MethodDecision, MethodKeys } from '../../method.js';
import { EapType, type EapPacket } from '../../packet.js';
import { PCHANNEL_FLAGS_LENGTH, PSK_RAND_LENGTH, PSK4_NONCE, PskResult } from './constants.js';
import {
  computeMacP,
  computeMacS,
  deriveSessionKeys,
  isValidPskKeys,
  keyContext,
  pskSessionId,
  type PskKeyContext,
} from './keys.js';
import {
  buildPsk1,
  buildUnsealedPsk3,
  expectedPsk4Header,
  parsePsk2,
  parsePsk4,
  PSK3_PCHANNEL_OFFSET,
  type Psk2,
  type Psk4,
} from './messages.js';
import { pchannelContent } from './pchannel.js';
import { ServerPchannel } from './server-pchannel.js';
import type { PeerLookup } from './peer-lookup.js';

const EMPTY = Buffer.alloc(0);
/** The decision of every conversation still running: one shared object, not one per conversation. */
const CONTINUE: MethodDecision = Object.freeze({ kind: 'continue' });

/** Server states (as hostapd's eap_server_psk.c): which request was sent last. */
const PskServerState = { Psk1: 'PSK_1', Psk3: 'PSK_3', Done: 'DONE' } as const;
type PskServerState = (typeof PskServerState)[keyof typeof PskServerState];

export type PskServerOptions = {
  /** ID_S, already encoded (one ID_S for every dialogue). */
  serverId: Buffer;
  lookup: PeerLookup;
  random: (n: number) => Buffer;
};

/**
 * EAP-PSK server side (RFC 4764 §5): PSK-1 out, PSK-2 in (lookup ID_P, verify MAC_P), PSK-3 out
 * (MAC_S, PCHANNEL Nonce 0, R = DONE_SUCCESS), PSK-4 in (Nonce must be 1, tag, then R).
 *
 * Choices (docs/eap-psk.md): a bad MAC_P or PCHANNEL ends with a failure decision (as hostapd) rather
 * than the RFC's silent discard; a wrong RAND_S or a short message fails check() and is discarded;
 * a PSK-4 with E set or R = CONT fails (eapd never sends extensions).
 */
export class PskServerMethod implements EapServerMethod {
  readonly type = EapType.Psk;
  readonly #idS: Buffer;
  readonly #lookup: PeerLookup;
  readonly #random: (n: number) => Buffer;

  #state: PskServerState = PskServerState.Psk1;
  #randS: Buffer = EMPTY;
  #randP: Buffer | undefined;
  #peerId: string | undefined;
  #ctx: PskKeyContext | undefined;
  #tek: ServerPchannel | undefined;
  #keys: MethodKeys | undefined;
  #decision: MethodDecision = CONTINUE;
  /** The response accepted by check(), consumed by process(): parsed once. */
  #checked: Psk2 | Psk4 | undefined;

  constructor(opts: PskServerOptions) {
    this.#idS = opts.serverId;
    this.#lookup = opts.lookup;
    this.#random = opts.random;
  }

  init(_identity: string): void {
    this.#state = PskServerState.Psk1;
    this.#randS = Buffer.from(this.#random(PSK_RAND_LENGTH).subarray(0, PSK_RAND_LENGTH));
    this.#randP = undefined;
    this.#peerId = undefined;
    this.#ctx = undefined;
    this.#tek = undefined;
    this.#keys = undefined;
    this.#checked = undefined;
    this.#decision = CONTINUE;
  }

  buildReq(identifier: number): Buffer {
    if (this.#state === PskServerState.Psk1) return buildPsk1(identifier, this.#randS, this.#idS);
    if (
      this.#state === PskServerState.Psk3 &&
      this.#ctx !== undefined &&
      this.#tek !== undefined &&
      this.#randP !== undefined
    ) {
      // RFC 4764 §5.3: MAC_S = CMAC(AK, ID_S ‖ RAND_P); PCHANNEL Nonce 0, R = DONE_SUCCESS, no EXT.
      const macS = computeMacS(this.#ctx.ak, this.#idS, this.#randP);
      const packet = buildUnsealedPsk3(identifier, this.#randS, macS, PCHANNEL_FLAGS_LENGTH);
      const psk4Header = expectedPsk4Header(identifier, this.#randS);
      this.#tek.sealPsk3(packet, PSK3_PCHANNEL_OFFSET, PskResult.DoneSuccess, psk4Header);
      return packet;
    }
    throw new Error(`EAP-PSK buildReq in state ${this.#state}`); // authenticator bug, never peer input
  }

  check(response: EapPacket): MethodCheck {
    this.#checked = undefined;
    const parsed =
      this.#state === PskServerState.Psk1
        ? parsePsk2(response)
        : this.#state === PskServerState.Psk3
          ? parsePsk4(response)
          : undefined;
    if (parsed === undefined) return { ok: false, detail: 'EAP-PSK exchange already decided' };
    if (!parsed.ok) return { ok: false, detail: parsed.error };
    // RFC 4764 §5.2/§5.4: RAND_S must echo ours (a public value: a plain compare is fine).
    if (!parsed.value.randS.equals(this.#randS)) return { ok: false, detail: 'RAND_S does not match' };
    this.#checked = parsed.value;
    return { ok: true };
  }

  async process(response: EapPacket): Promise<void> {
    const msg = this.#checked;
    this.#checked = undefined;
    if (msg === undefined) return;
    if ('macP' in msg) await this.#processPsk2(msg);
    else this.#processPsk4(msg, response.raw);
  }

  isDone(): boolean {
    return this.#decision.kind !== 'continue';
  }

  decision(): MethodDecision {
    return this.#decision;
  }

  getKey(): MethodKeys | undefined {
    return this.#decision.kind === 'success' ? this.#keys : undefined;
  }

  async #processPsk2(msg: Psk2): Promise<void> {
    const idP = Buffer.from(msg.idP);
    const peerId = idP.toString('utf8');
    this.#peerId = peerId;
    let result;
    try {
      result = await this.#lookup(idP);
    } catch (err) {
      this.#fail(EapFailureReason.LookupError, err instanceof Error ? err.message : String(err));
      return;
    }
    if (result.kind === 'unknown') return this.#fail(EapFailureReason.UnknownPeer);
    if (result.kind === 'rejected') return this.#fail(EapFailureReason.PolicyRejected, result.reason);
    if (!isValidPskKeys(result.keys))
      return this.#fail(EapFailureReason.LookupError, 'AK/KDK of the wrong length');
    const ctx = keyContext(result.keys);
    // RFC 4764 §5.2: MAC_P = CMAC(AK, ID_P ‖ ID_S ‖ RAND_S ‖ RAND_P), compared in constant time.
    const expected = computeMacP(ctx.ak, msg.idP, this.#idS, this.#randS, msg.randP);
    if (!constantTimeEqual(expected, msg.macP)) return this.#fail(EapFailureReason.BadMacP);
    const randP = Buffer.from(msg.randP);
    const session = deriveSessionKeys(ctx.kdk, randP);
    this.#ctx = ctx;
    this.#randP = randP;
    this.#tek = new ServerPchannel(session.tek);
    this.#keys = { msk: session.msk, emsk: session.emsk, sessionId: pskSessionId(randP, this.#randS) };
    this.#state = PskServerState.Psk3;
  }

  #processPsk4(msg: Psk4, raw: Buffer): void {
    const tek = this.#tek;
    if (tek === undefined || this.#peerId === undefined) return;
    // RFC 4764 §5.4, in order: Nonce (must be ours + 1 = 1; hostapd only rejects 0), tag, then R.
    if (msg.pchannel.nonce !== PSK4_NONCE)
      return this.#fail(EapFailureReason.BadNonce, `Nonce ${msg.pchannel.nonce}`);
    const plain = tek.openPsk4(raw, msg.pchannel);
    if (plain === undefined) return this.#fail(EapFailureReason.BadPchannel);
    const { r, e } = pchannelContent(plain);
    if (r === PskResult.DoneFailure) return this.#fail(EapFailureReason.PeerReportedFailure);
    if (e || r === PskResult.Cont)
      return this.#fail(EapFailureReason.UnsupportedExtension, e ? 'E flag set' : 'R = CONT');
    if (r !== PskResult.DoneSuccess) return this.#fail(EapFailureReason.ProtocolError, `R = ${r}`);
    this.#state = PskServerState.Done;
    this.#decision = { kind: 'success', peerId: this.#peerId };
  }

  #fail(reason: EapFailureReason, detail?: string): void {
    this.#state = PskServerState.Done;
    this.#keys = undefined;
    this.#decision = {
      kind: 'failure',
      reason,
      ...(detail === undefined ? {} : { detail }),
      ...(this.#peerId === undefined ? {} : { peerId: this.#peerId }),
    };
  }
}
