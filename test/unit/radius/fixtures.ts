// Test fixtures for the RADIUS front: a scripted stand-in for eapd's own EAP engine (not an
// external program) and a tiny RADIUS client built with the codec under test.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import assert from 'node:assert/strict';
import type { RadiusAttribute } from '../../../src/radius/attribute.js';
import { verifyResponse } from '../../../src/radius/authenticators.js';
import { RadiusAttr } from '../../../src/radius/constants.js';
import type {
  ConversationEnd,
  EapBackend,
  EapConversation,
  EapStep,
  NasContext,
} from '../../../src/radius/eap-backend.js';
import { eapMessageAttributes } from '../../../src/radius/eap-message.js';
import { buildAccessRequest } from '../../../src/radius/packet-builder.js';
import { RadiusPacket } from '../../../src/radius/packet.js';

export const SECRET = Buffer.from('a-long-test-shared-secret');

/** EAP packet: Code, Identifier, Length, then `body` (Type and data). */
export function eapPacket(code: number, identifier: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.from([code, identifier, 0, 0]);
  header.writeUInt16BE(header.length + body.length, 2);
  return Buffer.concat([header, body]);
}
const EAP_RESPONSE = 2;
const EAP_REQUEST = 1;
const EAP_SUCCESS = 3;
const EAP_FAILURE = 4;
const TYPE_IDENTITY = 1;
const TYPE_PSK = 47;
export const identityResponse = (identifier: number, identity: string): Buffer =>
  eapPacket(EAP_RESPONSE, identifier, Buffer.concat([Buffer.from([TYPE_IDENTITY]), Buffer.from(identity)]));
export const pskRequest = (identifier: number, size = 29): Buffer =>
  eapPacket(EAP_REQUEST, identifier, Buffer.concat([Buffer.from([TYPE_PSK]), Buffer.alloc(size - 5, 0xab)]));
export const pskResponse = (identifier: number, size = 77): Buffer =>
  eapPacket(EAP_RESPONSE, identifier, Buffer.concat([Buffer.from([TYPE_PSK]), Buffer.alloc(size - 5, 0xcd)]));
export const eapSuccess = (identifier: number): Buffer => eapPacket(EAP_SUCCESS, identifier);
export const eapFailure = (identifier: number): Buffer => eapPacket(EAP_FAILURE, identifier);

export const MSK = Buffer.from(Array.from({ length: 64 }, (_, i) => i));
export const EMSK = Buffer.alloc(64, 0xee);
export const SESSION_ID = Buffer.concat([Buffer.from([TYPE_PSK]), Buffer.alloc(32, 0x5a)]);

export const successStep = (identifier: number): EapStep => ({
  kind: 'success',
  packet: eapSuccess(identifier),
  msk: MSK,
  emsk: EMSK,
  sessionId: SESSION_ID,
  peerId: 'sensor-0001@iot.example',
  method: TYPE_PSK,
});

/** A scripted EAP engine: round n of each conversation returns script(eap, n). */
export class FakeBackend implements EapBackend {
  readonly opened: NasContext[] = [];
  readonly processed: Buffer[] = [];
  readonly closed: ConversationEnd[] = [];
  readonly #script: (eap: Buffer, round: number) => EapStep | Promise<EapStep>;

  constructor(script: (eap: Buffer, round: number) => EapStep | Promise<EapStep>) {
    this.#script = script;
  }

  open(context: NasContext): EapConversation {
    this.opened.push(context);
    let round = 0;
    return {
      process: (eap) => {
        this.processed.push(Buffer.from(eap));
        return this.#script(eap, round++);
      },
      close: (reason) => {
        this.closed.push(reason);
      },
    };
  }
}

/** The usual two-round script: PSK-1 for the identity, then success (or `last`). */
export function twoRoundScript(last: (eap: Buffer) => EapStep = (eap) => successStep(eap[1]!)) {
  return (eap: Buffer, round: number): EapStep =>
    round === 0 ? { kind: 'request', packet: pskRequest(eap.length === 0 ? 1 : eap[1]! + 1) } : last(eap);
}

export interface SentRequest {
  readonly datagram: Buffer;
  readonly authenticator: Buffer;
  readonly identifier: number;
}

/** An Access-Request with Message-Authenticator (first), EAP-Message(s), State and extras. */
export function accessRequest(options: {
  identifier: number;
  eap?: Buffer;
  state?: Buffer;
  secret?: Buffer;
  attributes?: readonly RadiusAttribute[];
}): SentRequest {
  const attributes: RadiusAttribute[] = [
    { type: RadiusAttr.UserName, value: Buffer.from('sensor-0001@iot.example') },
  ];
  if (options.eap !== undefined) attributes.push(...eapMessageAttributes(options.eap));
  if (options.state !== undefined) attributes.push({ type: RadiusAttr.State, value: options.state });
  attributes.push(...(options.attributes ?? []));
  const datagram = buildAccessRequest({
    identifier: options.identifier,
    secret: options.secret ?? SECRET,
    attributes,
  });
  return { datagram, authenticator: datagram.subarray(4, 20), identifier: options.identifier };
}

/** Parses a response and checks its Response Authenticator and Message-Authenticator. */
export function readResponse(
  response: Buffer | undefined,
  request: SentRequest,
  secret = SECRET,
): RadiusPacket {
  assert.ok(response, 'expected a response');
  const parsed = RadiusPacket.parse(response);
  assert.ok(parsed.ok, 'response parses');
  assert.equal(parsed.packet.identifier, request.identifier);
  assert.ok(verifyResponse(parsed.packet, request.authenticator, secret), 'response authenticators verify');
  return parsed.packet;
}

/** Collects what is published on a diagnostics channel while `fn` runs. */
export async function collect<T>(name: string, fn: () => Promise<void> | void): Promise<T[]> {
  const seen: T[] = [];
  const listener = (message: unknown): void => {
    seen.push(message as T);
  };
  subscribe(name, listener);
  try {
    await fn();
  } finally {
    unsubscribe(name, listener);
  }
  return seen;
}
