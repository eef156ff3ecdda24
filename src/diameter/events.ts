import { channel } from 'node:diagnostics_channel';

/**
 * What the Diameter layers publish for observers (metrics, audit). Publishing costs nothing when
 * nobody subscribes (`hasSubscribers` is checked first). Only `src/ops` subscribes; no label
 * here ever holds a device identity, a Session-Id or an address.
 */

/** A Diameter message crossed a peer connection. `command` is the short name (DER, CEA, …). */
export interface DiameterMessageEvent {
  readonly peer: string;
  readonly direction: 'in' | 'out';
  readonly command: string;
  readonly type: 'request' | 'answer';
}

/** We sent an answer to a request; `durationSeconds` is request arrival to answer written. */
export interface DiameterAnswerEvent {
  readonly command: string;
  readonly resultCode: number;
  readonly durationSeconds: number;
}

/** RFC 6733 §5.6 state of a peer; `up` is true in I-Open/R-Open. */
export interface DiameterPeerStateEvent {
  readonly peer: string;
  readonly state: string;
  readonly up: boolean;
}

/** RFC 3539 watchdog transition. */
export interface DiameterWatchdogEvent {
  readonly peer: string;
  readonly from: string;
  readonly to: string;
}

/** A message could not be decoded or validated; `reason` is a result-code name or `framing`. */
export interface DiameterDecodeErrorEvent {
  readonly reason: string;
}

export interface DiameterDuplicateEvent {
  readonly peer: string;
}

/** A connection was refused at capabilities exchange (unknown peer, TLS name mismatch, …). */
export interface DiameterPeerRefusedEvent {
  readonly reason: string;
  readonly transport: string;
}

export const diameterChannels = {
  message: channel('eapd:diameter:message'),
  answer: channel('eapd:diameter:answer'),
  peerState: channel('eapd:diameter:peer-state'),
  watchdog: channel('eapd:diameter:watchdog'),
  decodeError: channel('eapd:diameter:decode-error'),
  duplicate: channel('eapd:diameter:duplicate'),
  peerRefused: channel('eapd:diameter:peer-refused'),
} as const;
