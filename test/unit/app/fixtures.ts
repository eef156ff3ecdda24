// Shared set-up for the application tests: a real temp SQLite device store, the application
// under test, and an exchange helper that turns handler results into answers the way the node
// does (buildErrorAnswer for `error`) and validates every frame against the dictionary.
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { join } from 'node:path';
import { after } from 'node:test';
import { buildErrorAnswer, MessageView, validateMessage } from '../../../src/diameter/codec/index.js';
import { AvpCode } from '../../../src/diameter/dict/constants.gen.js';
import type { HandlerResult, RequestContext } from '../../../src/diameter/node/handler.js';
import { createDeviceLookup } from '../../../src/app/device-lookup.js';
import { EapApplication, type EapApplicationOptions } from '../../../src/app/eap-application.js';
import type { AuthResultEvent } from '../../../src/app/events.js';
import type { NasClientOptions } from '../../../src/app/nas-client.js';
import { EapPskPeer } from '../../../src/eap/index.js';
import { openStore } from '../../../src/store/open-store.js';
import type { DeviceStore } from '../../../src/store/device-store.js';
import { ManualClock } from '../../../src/util/manual-clock.js';
import { testDictionary } from '../../helpers/diameter-frames.js';
import { OTHER_PSK, PSK, tempDir } from '../store/temp-store.js';

export { OTHER_PSK, PSK };

let sessionCounter = 0;
/** Unique Session-Ids across the test file (RFC 6733 §8.8 shape). */
export function nextSessionId(): string {
  sessionCounter++;
  return `${NAS_HOST};1;${sessionCounter}`;
}
export const SERVER_HOST = 'aaa.eapd.test';
export const SERVER_REALM = 'eapd.test';
export const NAS_HOST = 'nas1.example.net';
export const NAS_REALM = 'example.net';
export const RELAY_HOST = 'dra.example.net';

export const DEVICE = 'sensor-0001@iot.example';
export const DISABLED = 'disabled@iot.example';
export const AP_LOCKED = 'ap-locked@iot.example';
export const MAC_LOCKED = 'mac-locked@iot.example';
export const ALLOWED_AP = '00-11-22-33-44-55';
export const ALLOWED_MAC = 'AA-BB-CC-DD-EE-FF';

/** A store with the four test devices, closed when the test file ends. */
export async function deviceStore(): Promise<DeviceStore> {
  const dir = tempDir();
  const store = await openStore({
    url: `sqlite:${join(dir, 'devices.db')}`,
    masterKeyFile: join(dir, 'keys', 'master.key'),
  });
  after(() => store.close());
  await store.add({ identity: DEVICE, psk: PSK });
  await store.add({ identity: DISABLED, psk: PSK, enabled: false });
  await store.add({ identity: AP_LOCKED, psk: PSK, allowedAps: [ALLOWED_AP] });
  await store.add({ identity: MAC_LOCKED, psk: PSK, allowedMacs: [ALLOWED_MAC] });
  return store;
}

export const context: RequestContext = {
  peer: { originHost: RELAY_HOST, originRealm: NAS_REALM, transport: 'tcp', remoteAddress: '192.0.2.10' },
  receivedAt: 0,
};

export interface Rig {
  readonly app: EapApplication;
  readonly clock: ManualClock;
  readonly store: DeviceStore;
  /** Runs one request through the handler; answers are validated against the dictionary. */
  exchange(frame: Buffer): Promise<MessageView>;
  /** The raw handler result (for discard / error checks). */
  handle(frame: Buffer): Promise<HandlerResult>;
}

export async function rig(overrides: Partial<EapApplicationOptions> = {}, store?: DeviceStore): Promise<Rig> {
  const s = store ?? (await deviceStore());
  const clock = new ManualClock(1_000);
  const app = new EapApplication({
    originHost: SERVER_HOST,
    originRealm: SERVER_REALM,
    serverId: SERVER_HOST,
    lookupFor: createDeviceLookup({ store: s, keyCacheSize: 16 }),
    multiRoundTimeoutSeconds: 30,
    maxSessions: 100,
    sessionTimeoutSeconds: 3600,
    authorizationLifetimeSeconds: 7200,
    clock,
    ...overrides,
  });
  const handle = async (frame: Buffer): Promise<HandlerResult> => {
    const req = new MessageView(frame);
    const bad = validateMessage(testDictionary(), req);
    assert.equal(bad, undefined, `request invalid: ${bad?.message}`);
    const handler = app.handlers.get(req.applicationId);
    assert.ok(handler, `no handler for application ${req.applicationId}`);
    return handler(req, context);
  };
  return {
    app,
    clock,
    store: s,
    handle,
    async exchange(frame: Buffer): Promise<MessageView> {
      const result = await handle(frame);
      const req = new MessageView(frame);
      let out: Buffer;
      if (result.kind === 'answer') out = result.answer;
      else if (result.kind === 'error')
        out = buildErrorAnswer(
          req,
          result.error,
          { originHost: SERVER_HOST, originRealm: SERVER_REALM },
          result.extra,
        );
      else throw new Error(`request discarded: ${result.reason}`);
      const view = new MessageView(out);
      const bad = validateMessage(testDictionary(), view);
      assert.equal(bad, undefined, `answer invalid: ${bad?.message}`);
      assert.equal(view.isRequest, false);
      assert.equal(view.hopByHop, req.hopByHop);
      assert.equal(view.endToEnd, req.endToEnd);
      return view;
    },
  };
}

/** Collects the auth results published while `fn` runs. */
export async function authResults<T>(fn: () => Promise<T>): Promise<{ value: T; events: AuthResultEvent[] }> {
  const events: AuthResultEvent[] = [];
  const listener = (m: unknown): void => {
    events.push(m as AuthResultEvent);
  };
  subscribe('eapd:auth:result', listener);
  try {
    return { value: await fn(), events };
  } finally {
    unsubscribe('eapd:auth:result', listener);
  }
}

export function resultCode(m: MessageView): number | undefined {
  return m.find(AvpCode.ResultCode)?.asUnsigned32();
}

/** NAS client options for one device run against the rig. */
export function nasOptions(peer: EapPskPeer, extra: Partial<NasClientOptions> = {}): NasClientOptions {
  return {
    originHost: NAS_HOST,
    originRealm: NAS_REALM,
    destinationRealm: SERVER_REALM,
    nextSessionId,
    peer,
    ...extra,
  };
}

export function devicePeer(identity: string = DEVICE, psk: Buffer = PSK): EapPskPeer {
  return new EapPskPeer({ peerId: identity, psk });
}
