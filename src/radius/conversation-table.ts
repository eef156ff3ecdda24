// EAP conversations keyed by the State attribute eapd issues (RFC 2865 §5.24: the NAS echoes
// State unmodified in the next Access-Request), bounded in size and in idle time.
import type { Clock } from '../util/clock.js';
import { ConversationEnd, type EapConversation, type NasContext } from './eap-backend.js';
import { randomOctets } from '../util/random-pool.js';

/** 16 random octets (128 bits): unguessable, so a State names exactly one conversation. */
export const STATE_LENGTH = 16;

export interface Conversation {
  /** The State value (a private copy). */
  readonly state: Buffer;
  /** `state` as a latin1 string (one character per octet, lossless): the table's key, computed once. */
  readonly key: string;
  readonly clientName: string;
  readonly context: NasContext;
  readonly eap: EapConversation;
  /** Some Access-Request of this conversation carried EAP-Key-Name (RFC 4072 §4.1.4). */
  keyNameRequested: boolean;
  /** A request is being processed: a second one for the same State is dropped meanwhile. */
  busy: boolean;
  /** Clock reading after which the conversation is forgotten. */
  expiresAt: number;
  /** The authenticated or claimed peer identity once the engine has told it (for events). */
  peerId: string | undefined;
}

export interface ConversationTableOptions {
  readonly idleMs: number;
  readonly maxEntries: number;
  readonly clock: Clock;
  /** Told about every conversation that ends, whatever the reason. */
  readonly onEnd?: (conversation: Conversation, reason: ConversationEnd) => void;
}

/**
 * Conversations in order of last use (a Map re-inserted on touch), so expiry and eviction both
 * take from the front. Every removal calls `EapConversation.close` exactly once.
 */
export class ConversationTable {
  readonly #byState = new Map<string, Conversation>();
  readonly #options: ConversationTableOptions;

  constructor(options: ConversationTableOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#byState.size;
  }

  /** Stores a new conversation under a fresh random State. */
  create(clientName: string, context: NasContext, eap: EapConversation): Conversation {
    this.sweep();
    while (this.#byState.size >= this.#options.maxEntries) {
      const oldest = this.#byState.values().next().value;
      if (oldest === undefined) break;
      this.end(oldest, ConversationEnd.Evicted);
    }
    let state = randomOctets(STATE_LENGTH);
    let key = state.toString('latin1');
    while (this.#byState.has(key)) {
      state = randomOctets(STATE_LENGTH);
      key = state.toString('latin1');
    }
    const conversation: Conversation = {
      state,
      key,
      clientName,
      context,
      eap,
      keyNameRequested: false,
      busy: false,
      expiresAt: this.#options.clock.now() + this.#options.idleMs,
      peerId: undefined,
    };
    this.#byState.set(key, conversation);
    return conversation;
  }

  /** The live conversation for this State and client, or undefined (unknown, expired, other client). */
  find(state: Buffer, clientName: string): Conversation | undefined {
    if (state.length !== STATE_LENGTH) return undefined;
    const key = state.toString('latin1');
    const conversation = this.#byState.get(key);
    if (conversation === undefined) return undefined;
    if (conversation.expiresAt <= this.#options.clock.now()) {
      this.end(conversation, ConversationEnd.Timeout);
      return undefined;
    }
    return conversation.clientName === clientName ? conversation : undefined;
  }

  /** Restarts the idle timer and moves the conversation to the back of the order. */
  touch(conversation: Conversation): void {
    const { key } = conversation;
    if (this.#byState.get(key) !== conversation) return;
    this.#byState.delete(key);
    conversation.expiresAt = this.#options.clock.now() + this.#options.idleMs;
    this.#byState.set(key, conversation);
  }

  /** Forgets the conversation and closes it with `reason` (no-op if already gone). */
  end(conversation: Conversation, reason: ConversationEnd): void {
    const { key } = conversation;
    if (this.#byState.get(key) !== conversation) return;
    this.#byState.delete(key);
    conversation.eap.close(reason);
    this.#options.onEnd?.(conversation, reason);
  }

  /** Ends every conversation idle past its deadline; returns how many. */
  sweep(): number {
    const now = this.#options.clock.now();
    let ended = 0;
    for (const conversation of this.#byState.values()) {
      if (conversation.expiresAt > now) break;
      if (conversation.busy) continue;
      this.end(conversation, ConversationEnd.Timeout);
      ended++;
    }
    return ended;
  }

  /** Ends every conversation (server shutdown). */
  clear(reason: ConversationEnd): void {
    for (const conversation of [...this.#byState.values()]) this.end(conversation, reason);
  }
}
