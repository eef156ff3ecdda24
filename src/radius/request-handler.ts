// The RADIUS authentication front without sockets: one datagram in, at most one datagram out.
// RFC 2865 (Access-Request/Accept/Reject/Challenge), RFC 3579 (EAP over RADIUS), RFC 5080 §2.2.2
// (duplicates), RFC 5997 (Status-Server), the Blast-RADIUS advisory (Message-Authenticator
// required on every request, sent first in every response).
import { monotonicClock, type Clock } from '../util/clock.js';
import { integerAttribute, type RadiusAttribute } from './attribute.js';
import { checkRequestMessageAuthenticator, MessageAuthenticatorCheck } from './authenticators.js';
import type { ClientTable, RadiusClient } from './client-table.js';
import { MAX_ATTRIBUTE_VALUE_LENGTH, RadiusAttr, RadiusCode } from './constants.js';
import { ConversationTable, type Conversation } from './conversation-table.js';
import { ConversationEnd, type EapBackend, type EapStep, type NasContext } from './eap-backend.js';
import { eapFailureFor, startsConversation } from './eap-first-message.js';
import { eapMessageAttributes, reassembleEapMessage } from './eap-message.js';
import { DropReason, publishConversation, publishDrop, publishRequest, publishResponse } from './events.js';
import { mppeKeyAttributes, MSK_MIN_LENGTH } from './mppe-key.js';
import { nasContextFrom } from './nas-context.js';
import { buildResponse } from './packet-builder.js';
import { RadiusPacket } from './packet.js';
import { ResponseCache } from './response-cache.js';

/** The UDP source of a datagram. */
export interface RemoteInfo {
  readonly address: string;
  readonly port: number;
}

/** What the engine established, for the policy hook. */
export interface AcceptedPeer {
  readonly peerId: string;
  readonly method: number;
}

/** Attributes eapd itself owns in a response: a policy hook cannot add these. */
const RESERVED_POLICY_TYPES: ReadonlySet<number> = new Set([
  RadiusAttr.EapMessage,
  RadiusAttr.MessageAuthenticator,
  RadiusAttr.State,
  RadiusAttr.ProxyState,
  RadiusAttr.EapKeyName,
  RadiusAttr.UserName,
]);

export const RequestHandlerDefaults = {
  /** RFC 2865 §5.27 in an Access-Challenge: how long the NAS waits for the peer's answer. */
  challengeTimeoutSeconds: 30,
  /** A conversation with no request for this long is forgotten (hostapd uses 60 s too). */
  conversationIdleSeconds: 60,
  maxConversations: 10_000,
  /** RFC 5080 §2.2.2: long enough to cover the NAS's retransmissions of one request. */
  responseCacheSeconds: 30,
  maxCachedResponses: 10_000,
} as const;

const MS_PER_SECOND = 1000;

export interface RequestHandlerOptions {
  readonly clients: ClientTable;
  readonly backend: EapBackend;
  readonly challengeTimeoutSeconds?: number;
  readonly conversationIdleSeconds?: number;
  readonly maxConversations?: number;
  readonly responseCacheSeconds?: number;
  readonly maxCachedResponses?: number;
  /**
   * Extra attributes for an Access-Accept (VLAN per RFC 3580 §3.31, Session-Timeout for
   * re-authentication, Class...). Types eapd owns (EAP-Message, Message-Authenticator, State,
   * Proxy-State, EAP-Key-Name, User-Name) are ignored.
   */
  readonly acceptAttributes?: (context: NasContext, peer: AcceptedPeer) => readonly RadiusAttribute[];
  /** Expiry clock; monotonic by default, a ManualClock in tests. */
  readonly clock?: Clock;
}

/** What to do with a request; a final answer also names the conversation it ends once sent. */
type Outcome =
  | {
      readonly kind: 'send';
      readonly code: number;
      readonly attributes: readonly RadiusAttribute[];
      readonly ends?: { readonly conversation: Conversation; readonly reason: ConversationEnd };
    }
  | { readonly kind: 'drop'; readonly reason: DropReason; readonly detail?: string };

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class RadiusRequestHandler {
  readonly #clients: ClientTable;
  readonly #backend: EapBackend;
  /** RFC 2865 §5.27 Session-Timeout of every Access-Challenge (the same value each time). */
  readonly #challengeTimeout: RadiusAttribute;
  readonly #acceptAttributes: RequestHandlerOptions['acceptAttributes'];
  readonly #conversations: ConversationTable;
  readonly #cache: ResponseCache;

  constructor(options: RequestHandlerOptions) {
    const clock = options.clock ?? monotonicClock;
    this.#clients = options.clients;
    this.#backend = options.backend;
    this.#challengeTimeout = integerAttribute(
      RadiusAttr.SessionTimeout,
      options.challengeTimeoutSeconds ?? RequestHandlerDefaults.challengeTimeoutSeconds,
    );
    this.#acceptAttributes = options.acceptAttributes;
    this.#conversations = new ConversationTable({
      idleMs:
        (options.conversationIdleSeconds ?? RequestHandlerDefaults.conversationIdleSeconds) * MS_PER_SECOND,
      maxEntries: options.maxConversations ?? RequestHandlerDefaults.maxConversations,
      clock,
      onEnd: (conversation, reason) =>
        publishConversation({
          client: conversation.clientName,
          outcome: reason,
          ...(conversation.peerId === undefined ? {} : { peerId: conversation.peerId }),
        }),
    });
    this.#cache = new ResponseCache({
      ttlMs: (options.responseCacheSeconds ?? RequestHandlerDefaults.responseCacheSeconds) * MS_PER_SECOND,
      maxEntries: options.maxCachedResponses ?? RequestHandlerDefaults.maxCachedResponses,
      clock,
    });
  }

  /** Live conversations (for tests and a gauge). */
  get conversationCount(): number {
    return this.#conversations.size;
  }

  /**
   * Handles one datagram; resolves to the response to send back to `remote`, or undefined for
   * silence. Never rejects: every failure becomes a drop event.
   */
  async handle(datagram: Buffer, remote: RemoteInfo): Promise<Buffer | undefined> {
    const client = this.#clients.lookup(remote.address);
    if (client === undefined) return this.#drop(remote, undefined, DropReason.UnknownClient);
    const parsed = RadiusPacket.parse(datagram);
    if (!parsed.ok) return this.#drop(remote, client, DropReason.Malformed, parsed.error);
    const packet = parsed.packet;
    if (packet.code !== RadiusCode.AccessRequest && packet.code !== RadiusCode.StatusServer) {
      return this.#drop(remote, client, DropReason.UnsupportedCode, `code ${packet.code}`);
    }
    // Blast-RADIUS: every request must carry a valid Message-Authenticator, EAP or not.
    switch (checkRequestMessageAuthenticator(packet, client.secret)) {
      case MessageAuthenticatorCheck.Valid:
        break;
      case MessageAuthenticatorCheck.Missing:
        return this.#drop(remote, client, DropReason.MissingMessageAuthenticator);
      case MessageAuthenticatorCheck.Malformed:
        return this.#drop(remote, client, DropReason.BadMessageAuthenticator, 'repeated or not 16 octets');
      case MessageAuthenticatorCheck.Mismatch:
        return this.#drop(remote, client, DropReason.BadMessageAuthenticator, 'mismatch');
    }
    publishRequest({
      client: client.name,
      code: packet.code,
      identifier: packet.identifier,
      address: remote.address,
      port: remote.port,
    });

    if (packet.code === RadiusCode.StatusServer) {
      // RFC 5997 §3: answer with Access-Accept; responses are not cached.
      return this.#send(packet, client, remote, {
        kind: 'send',
        code: RadiusCode.AccessAccept,
        attributes: [],
      });
    }

    // RFC 5080 §2.2.2: a duplicate gets the same answer and does not touch the EAP state.
    const { address, port } = remote;
    const cached = this.#cache.lookup(address, port, packet.identifier, packet.authenticator);
    if (cached.kind === 'hit') {
      publishResponse({
        client: client.name,
        code: cached.code,
        identifier: packet.identifier,
        address: remote.address,
        port: remote.port,
        replayed: true,
      });
      return cached.response;
    }
    if (cached.kind === 'pending') return this.#drop(remote, client, DropReason.DuplicateInProgress);

    this.#cache.begin(address, port, packet.identifier, packet.authenticator);
    let outcome: Outcome;
    try {
      outcome = await this.#answer(packet, client, remote);
    } catch (error) {
      outcome = { kind: 'drop', reason: DropReason.BackendError, detail: errorText(error) };
    }
    const response = this.#send(packet, client, remote, outcome);
    if (response === undefined) this.#cache.abandon(address, port, packet.identifier, packet.authenticator);
    else
      this.#cache.complete(
        address,
        port,
        packet.identifier,
        packet.authenticator,
        response,
        outcome.kind === 'send' ? outcome.code : 0,
      );
    return response;
  }

  /** Forgets idle conversations and old cached responses (the server calls this on a timer). */
  sweep(): void {
    this.#conversations.sweep();
    this.#cache.sweep();
  }

  /** Ends every conversation (shutdown). */
  close(): void {
    this.#conversations.clear(ConversationEnd.Shutdown);
  }

  /** RFC 3579 §2: runs the EAP packet of an Access-Request through its conversation. */
  async #answer(packet: RadiusPacket, client: RadiusClient, remote: RemoteInfo): Promise<Outcome> {
    const eap = reassembleEapMessage(packet);
    // Not EAP: this front authenticates nothing else.
    if (eap === undefined) return { kind: 'send', code: RadiusCode.AccessReject, attributes: [] };

    const state = packet.get(RadiusAttr.State);
    let conversation: Conversation | undefined;
    if (state === undefined) {
      // RFC 3579 §2.1: a conversation opens with EAP-Start or EAP-Response/Identity.
      if (!startsConversation(eap)) return reject(eap);
      const context = nasContextFrom(packet, client.name, remote.address);
      conversation = this.#conversations.create(client.name, context, this.#backend.open(context));
    } else {
      conversation = this.#conversations.find(state, client.name);
      // Unknown, expired or another client's State: tell the NAS at once rather than time out.
      if (conversation === undefined) return reject(eap);
    }
    if (conversation.busy) return { kind: 'drop', reason: DropReason.ConversationBusy };
    if (packet.has(RadiusAttr.EapKeyName)) conversation.keyNameRequested = true;

    conversation.busy = true;
    this.#conversations.touch(conversation);
    let step: EapStep;
    try {
      step = await conversation.eap.process(eap);
    } catch (error) {
      this.#conversations.end(conversation, ConversationEnd.Error);
      return { kind: 'drop', reason: DropReason.BackendError, detail: errorText(error) };
    } finally {
      conversation.busy = false;
    }
    try {
      return this.#outcomeOf(step, packet, client, conversation);
    } catch (error) {
      // The policy hook threw, or the engine gave something unusable.
      this.#conversations.end(conversation, ConversationEnd.Error);
      throw error;
    }
  }

  /**
   * Maps the engine's step to the answer: EAP-Request → Access-Challenge (RFC 3579 §2.1),
   * EAP-Success → Access-Accept, EAP-Failure → Access-Reject (RFC 3579 §2.6.3).
   */
  #outcomeOf(step: EapStep, packet: RadiusPacket, client: RadiusClient, conversation: Conversation): Outcome {
    switch (step.kind) {
      case 'request':
        return this.#challenge(step.packet, conversation);
      case 'invalid':
        // RFC 3579 §2.2: an invalid EAP packet changes no state; re-send the previous EAP-Request
        // (RADIUS has no EAP-Reissued-Payload) or stay silent and let the NAS retransmit.
        return step.reissue === undefined
          ? { kind: 'drop', reason: DropReason.EapInvalid, detail: step.reason }
          : this.#challenge(step.reissue, conversation);
      case 'failure':
        if (step.peerId !== undefined) conversation.peerId = step.peerId;
        return {
          kind: 'send',
          code: RadiusCode.AccessReject,
          attributes: eapMessageAttributes(step.packet),
          ends: { conversation, reason: ConversationEnd.Failure },
        };
      case 'success': {
        conversation.peerId = step.peerId;
        const unusable =
          step.msk.length < MSK_MIN_LENGTH
            ? 'MSK shorter than 64 octets'
            : conversation.keyNameRequested && step.sessionId.length > MAX_ATTRIBUTE_VALUE_LENGTH
              ? 'EAP Session-Id longer than 253 octets'
              : undefined;
        if (unusable !== undefined) {
          this.#conversations.end(conversation, ConversationEnd.Error);
          return { kind: 'drop', reason: DropReason.BackendError, detail: unusable };
        }
        const attributes: RadiusAttribute[] = [];
        // RFC 2865 §5.1: User-Name in an Access-Accept names the session for accounting.
        const userName = packet.get(RadiusAttr.UserName);
        if (userName !== undefined) attributes.push({ type: RadiusAttr.UserName, value: userName });
        attributes.push(...eapMessageAttributes(step.packet));
        attributes.push(...mppeKeyAttributes(step.msk, client.secret, packet.authenticator));
        // RFC 4072 §4.1.4 / RFC 7268: the EAP Session-Id, only when the NAS asked for it.
        if (conversation.keyNameRequested)
          attributes.push({ type: RadiusAttr.EapKeyName, value: step.sessionId });
        const policy =
          this.#acceptAttributes?.(conversation.context, { peerId: step.peerId, method: step.method }) ?? [];
        attributes.push(...policy.filter((a) => !RESERVED_POLICY_TYPES.has(a.type)));
        return {
          kind: 'send',
          code: RadiusCode.AccessAccept,
          attributes,
          ends: { conversation, reason: ConversationEnd.Success },
        };
      }
    }
  }

  /** EAP-Request → Access-Challenge with State (RFC 2865 §5.24) and Session-Timeout (§5.27). */
  #challenge(eap: Buffer, conversation: Conversation): Outcome {
    return {
      kind: 'send',
      code: RadiusCode.AccessChallenge,
      attributes: [
        ...eapMessageAttributes(eap),
        { type: RadiusAttr.State, value: conversation.state },
        this.#challengeTimeout,
      ],
    };
  }

  /**
   * Builds and reports the response, or reports the drop; ends the conversation a final answer
   * closes only once that answer exists. Proxy-State is echoed (RFC 2865 §5.33).
   */
  #send(
    packet: RadiusPacket,
    client: RadiusClient,
    remote: RemoteInfo,
    outcome: Outcome,
  ): Buffer | undefined {
    if (outcome.kind === 'drop') return this.#drop(remote, client, outcome.reason, outcome.detail);
    const proxyStates = packet.has(RadiusAttr.ProxyState) ? packet.all(RadiusAttr.ProxyState) : [];
    let response: Buffer;
    try {
      response = buildResponse({
        code: outcome.code,
        identifier: packet.identifier,
        requestAuthenticator: packet.authenticator,
        secret: client.secret,
        attributes: proxyStates.length === 0 ? outcome.attributes : [...outcome.attributes, ...proxyStates],
      });
    } catch (error) {
      if (outcome.ends !== undefined)
        this.#conversations.end(outcome.ends.conversation, ConversationEnd.Error);
      return this.#drop(remote, client, DropReason.BackendError, errorText(error));
    }
    if (outcome.ends !== undefined) this.#conversations.end(outcome.ends.conversation, outcome.ends.reason);
    publishResponse({
      client: client.name,
      code: outcome.code,
      identifier: packet.identifier,
      address: remote.address,
      port: remote.port,
      replayed: false,
    });
    return response;
  }

  #drop(
    remote: RemoteInfo,
    client: RadiusClient | undefined,
    reason: DropReason,
    detail?: string,
  ): undefined {
    publishDrop({
      reason,
      address: remote.address,
      port: remote.port,
      ...(client === undefined ? {} : { client: client.name }),
      ...(detail === undefined ? {} : { detail }),
    });
    return undefined;
  }
}

/** Access-Reject with EAP-Failure for a request no conversation can answer. */
function reject(eap: Buffer): Outcome {
  return {
    kind: 'send',
    code: RadiusCode.AccessReject,
    attributes: eapMessageAttributes(eapFailureFor(eap)),
  };
}
