// The narrow boundary between the RADIUS front and the EAP engine (src/eap). The RADIUS front
// codes against this interface only; src/main.ts adapts the real engine to it.

/** What the EAP engine answers to one EAP packet (mapped by RFC 3579 §2.6 / RFC 2865 §4). */
export type EapStep =
  /** An EAP-Request to send: Access-Challenge. */
  | { readonly kind: 'request'; readonly packet: Buffer }
  /** EAP-Success and keys: Access-Accept. */
  | {
      readonly kind: 'success';
      readonly packet: Buffer;
      readonly msk: Buffer;
      readonly emsk: Buffer;
      readonly sessionId: Buffer;
      readonly peerId: string;
      readonly method: number;
    }
  /** EAP-Failure: Access-Reject. */
  | { readonly kind: 'failure'; readonly packet: Buffer; readonly reason: string; readonly peerId?: string }
  /** A response the engine discarded: re-send the last request (`reissue`) or stay silent. */
  | { readonly kind: 'invalid'; readonly reason: string; readonly reissue: Buffer | undefined };

/**
 * What the NAS told us about the device (RFC 2865 §5, RFC 3580 §3), handed to the engine when a
 * conversation starts so the capture policy can be applied. Strings are copies, not views.
 */
export interface NasContext {
  /** The configured name of the RADIUS client the request came from. */
  readonly clientName: string;
  /** The UDP source address of the request. */
  readonly sourceAddress: string;
  readonly nasIpAddress?: string;
  readonly nasIpv6Address?: string;
  readonly nasIdentifier?: string;
  /** RFC 3580 §3.20: the authenticator's MAC (and SSID) */
  readonly calledStationId?: string;
  /** RFC 3580 §3.21: the supplicant's MAC address */
  readonly callingStationId?: string;
  readonly userName?: string;
  readonly nasPortType?: number;
  /** RFC 3579 §2.1 / RFC 3580 §3.10: the largest EAP packet the NAS can carry to the peer. */
  readonly framedMtu?: number;
}

/** Why a conversation ended, as told to the engine. */
export const ConversationEnd = {
  Success: 'success',
  Failure: 'failure',
  /** No request for the conversation's State within the idle timeout. */
  Timeout: 'timeout',
  /** Pushed out by the conversation table's size bound. */
  Evicted: 'evicted',
  /** The engine threw or returned something unusable. */
  Error: 'error',
  /** The server is shutting down. */
  Shutdown: 'shutdown',
} as const;
export type ConversationEnd = (typeof ConversationEnd)[keyof typeof ConversationEnd];

/** One EAP authentication in progress. */
export interface EapConversation {
  /**
   * Feeds one EAP packet from the peer: the reassembled EAP-Message, empty for EAP-Start. The
   * Buffer is only valid during the call: copy what must be kept.
   */
  process(eap: Buffer): EapStep | Promise<EapStep>;
  /** Called exactly once when the RADIUS front forgets the conversation. */
  close(reason: ConversationEnd): void;
}

/** The EAP engine as the RADIUS front sees it. */
export interface EapBackend {
  /** Starts a conversation for a first Access-Request (no State). */
  open(context: NasContext): EapConversation;
}
