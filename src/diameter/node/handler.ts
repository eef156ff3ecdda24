import type { MessageView, ValidationError } from '../codec/index.js';
import type { AvpSpec } from '../codec/index.js';
import type { TransportKind } from '../transport/transport.js';

/** The peer a request came from (after CER/CEA), as applications may see it. */
export interface PeerInfo {
  readonly originHost: string;
  readonly originRealm: string;
  readonly transport: TransportKind;
  readonly remoteAddress: string;
}

export interface RequestContext {
  readonly peer: PeerInfo;
  /** performance.now() when the request arrived, for durations. */
  readonly receivedAt: number;
}

/**
 * What an application handler may return (the Erlang diameter contract): an answer it encoded,
 * an error the node turns into an answer (3xxx with the E bit in the answer-message layout,
 * others without it, `extra` AVPs appended, e.g. Auth-Application-Id for a DEA), or nothing.
 * Anything thrown becomes 5012 DIAMETER_UNABLE_TO_COMPLY in the dispatcher.
 */
export type HandlerResult =
  | { readonly kind: 'answer'; readonly answer: Buffer; readonly resultCode: number }
  | { readonly kind: 'error'; readonly error: ValidationError; readonly extra?: readonly AvpSpec[] }
  | { readonly kind: 'discard'; readonly reason: string };

export type RequestHandler = (
  request: MessageView,
  context: RequestContext,
) => HandlerResult | Promise<HandlerResult>;
