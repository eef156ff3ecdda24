// Events of the RADIUS front for metrics and audit, published on node:diagnostics_channel so the
// front costs nothing when nobody listens (the undici pattern). Subscribe with
// `diagnostics_channel.subscribe(RadiusChannel.Drop, (message) => ...)`.
//
//   eapd:radius:request       RadiusRequestEvent       a datagram from a known client that parsed
//                                                      and passed Message-Authenticator
//   eapd:radius:response      RadiusResponseEvent      a response handed to the socket
//                                                      (`replayed` for a retransmission answer)
//   eapd:radius:drop          RadiusDropEvent          a datagram answered with nothing, and why
//   eapd:radius:conversation  RadiusConversationEvent  an EAP conversation ended
//   eapd:radius:socket-error  RadiusSocketErrorEvent   the UDP socket reported an error
//
// No event carries a secret, key, State value or EAP payload.
import { channel } from 'node:diagnostics_channel';
import type { ConversationEnd } from './eap-backend.js';

export const RadiusChannel = {
  Request: 'eapd:radius:request',
  Response: 'eapd:radius:response',
  Drop: 'eapd:radius:drop',
  Conversation: 'eapd:radius:conversation',
  SocketError: 'eapd:radius:socket-error',
} as const;
export type RadiusChannel = (typeof RadiusChannel)[keyof typeof RadiusChannel];

/** Why a datagram got no answer. */
export const DropReason = {
  /** Source address matches no configured client (RFC 2865 §3: silently discard). */
  UnknownClient: 'unknown-client',
  /** Not a RADIUS packet (length, attribute framing). */
  Malformed: 'malformed',
  /** A code this listener does not serve (Accounting, CoA, responses...). */
  UnsupportedCode: 'unsupported-code',
  /** No Message-Authenticator: required on every request (Blast-RADIUS). */
  MissingMessageAuthenticator: 'missing-message-authenticator',
  /** Message-Authenticator repeated, of the wrong length, or wrong (bad secret or forgery). */
  BadMessageAuthenticator: 'bad-message-authenticator',
  /** A retransmission of a request still being processed. */
  DuplicateInProgress: 'duplicate-in-progress',
  /** A new request for a conversation that is still processing the previous one. */
  ConversationBusy: 'conversation-busy',
  /** The engine discarded the EAP packet and had nothing to re-send. */
  EapInvalid: 'eap-invalid',
  /** The engine threw or returned an unusable step. */
  BackendError: 'backend-error',
} as const;
export type DropReason = (typeof DropReason)[keyof typeof DropReason];

export interface RadiusRequestEvent {
  readonly client: string;
  readonly code: number;
  readonly identifier: number;
  readonly address: string;
  readonly port: number;
}

export interface RadiusResponseEvent {
  readonly client: string;
  readonly code: number;
  readonly identifier: number;
  readonly address: string;
  readonly port: number;
  readonly replayed: boolean;
}

export interface RadiusDropEvent {
  readonly reason: DropReason;
  /** Absent when the source is no client or the datagram did not parse far enough. */
  readonly client?: string;
  readonly address: string;
  readonly port: number;
  /** Free text for logs, e.g. the parse error or the engine's reason. */
  readonly detail?: string;
}

export interface RadiusConversationEvent {
  readonly client: string;
  readonly outcome: ConversationEnd;
  /** Known once the engine reported success or failure with an identity. */
  readonly peerId?: string;
}

export interface RadiusSocketErrorEvent {
  readonly error: Error;
  /** Set when sending a response to this destination failed. */
  readonly address?: string;
  readonly port?: number;
}

const requestChannel = channel(RadiusChannel.Request);
const responseChannel = channel(RadiusChannel.Response);
const dropChannel = channel(RadiusChannel.Drop);
const conversationChannel = channel(RadiusChannel.Conversation);
const socketErrorChannel = channel(RadiusChannel.SocketError);

export function publishRequest(event: RadiusRequestEvent): void {
  if (requestChannel.hasSubscribers) requestChannel.publish(event);
}
export function publishResponse(event: RadiusResponseEvent): void {
  if (responseChannel.hasSubscribers) responseChannel.publish(event);
}
export function publishDrop(event: RadiusDropEvent): void {
  if (dropChannel.hasSubscribers) dropChannel.publish(event);
}
export function publishConversation(event: RadiusConversationEvent): void {
  if (conversationChannel.hasSubscribers) conversationChannel.publish(event);
}
export function publishSocketError(event: RadiusSocketErrorEvent): void {
  if (socketErrorChannel.hasSubscribers) socketErrorChannel.publish(event);
}
