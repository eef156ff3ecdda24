import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { appChannels } from '../../../src/app/events.js';
import { auditRecord, createAuditLog, type AuditLog } from '../../../src/ops/audit.js';
import { createLogger, type Logger } from '../../../src/ops/logging.js';

/** A JSON logger writing into an array of parsed lines. */
function capture(level: 'info' | 'warn' = 'info'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n'))
        if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level, format: 'json', stream }), lines };
}

const flush = () => new Promise((r) => setImmediate(r));
const open: AuditLog[] = [];
afterEach(() => {
  for (const a of open.splice(0)) a.close();
});

const event = {
  method: 'psk',
  result: 'failure',
  transport: 'radius',
  reason: 'bad_mac_p',
  rounds: 2,
  durationSeconds: 0.034,
  identity: 'meter-000417@devices.example',
  nas: 'ap-floor-1',
  calledStationId: '00-11-22-33-44-55:iot-net',
  callingStationId: '02-aa-bb-cc-dd-ee',
  detail: 'MAC_P mismatch',
} as const;

describe('audit log', () => {
  test('writes one JSON line per authentication with identity, result, reason, NAS, AP, MAC, rounds and duration', async () => {
    const { logger, lines } = capture();
    open.push(createAuditLog(logger));
    appChannels.authResult.publish(event);
    appChannels.authResult.publish({ ...event, result: 'success', reason: 'ok', detail: undefined });
    await flush();
    assert.equal(lines.length, 2);
    const [first] = lines;
    assert.equal(first!['audit'], true);
    assert.equal(first!['level'], 'info');
    assert.equal(first!['message'], 'authentication');
    assert.equal(first!['identity'], 'meter-000417@devices.example');
    assert.equal(first!['result'], 'failure');
    assert.equal(first!['reason'], 'bad_mac_p');
    assert.equal(first!['transport'], 'radius');
    assert.equal(first!['nas'], 'ap-floor-1');
    assert.equal(first!['ap'], '00-11-22-33-44-55:iot-net');
    assert.equal(first!['mac'], '02-aa-bb-cc-dd-ee');
    assert.equal(first!['rounds'], 2);
    assert.equal(first!['durationSeconds'], 0.034);
    assert.equal(first!['detail'], 'MAC_P mismatch');
    assert.equal(lines[1]!['result'], 'success');
    assert.equal('detail' in lines[1]!, false);
  });

  test('never copies a key that a publisher put on the event', async () => {
    const { logger, lines } = capture();
    open.push(createAuditLog(logger));
    const msk = 'a1'.repeat(64);
    appChannels.authResult.publish({ ...event, msk, psk: Buffer.alloc(16, 7), key: 'k-9f8e7d', emsk: msk });
    await flush();
    assert.equal(lines.length, 1);
    const text = JSON.stringify(lines[0]);
    assert.ok(!text.includes(msk));
    assert.ok(!text.includes('k-9f8e7d'));
    for (const k of ['msk', 'psk', 'key', 'emsk']) assert.equal(k in lines[0]!, false, k);
  });

  test('neutralises control characters so an identity cannot forge log lines', () => {
    const r = auditRecord({ ...event, identity: 'evil\n{"audit":true,"result":"success"}\u0007' });
    assert.ok(!r.identity!.includes('\n') && !r.identity!.includes('\u0007'));
    assert.ok(r.identity!.startsWith('evil\uFFFD'));
  });

  test('caps field length at 253 characters and tolerates missing fields', () => {
    const r = auditRecord({ identity: 'x'.repeat(1000) });
    assert.equal(r.identity!.length, 253);
    assert.equal(r.result, 'unknown');
    assert.equal(r.mac, null);
    assert.equal(r.rounds, null);
    assert.doesNotThrow(() => auditRecord(null));
  });

  test('builds no audit line when the logger says info is below its level', async () => {
    const seen: string[] = [];
    const quiet = {
      error() {},
      warn() {},
      debug() {},
      info: (message: string) => void seen.push(message),
      isLevelEnabled: (level: string) => level === 'error' || level === 'warn',
      child: (): Logger => quiet,
    };
    open.push(createAuditLog(quiet));
    appChannels.authResult.publish(event);
    await flush();
    assert.deepEqual(seen, []);
  });

  test('writes nothing through a winston logger at warn', async () => {
    const { logger, lines } = capture('warn');
    open.push(createAuditLog(logger));
    appChannels.authResult.publish(event);
    await flush();
    assert.equal(lines.length, 0);
  });

  test('asks the logger once per level, and follows a change of level', async () => {
    const { logger, lines } = capture('warn');
    const winstonLike = logger as Logger & { level: string; isLevelEnabled(level: string): boolean };
    let asked = 0;
    const ask = winstonLike.isLevelEnabled.bind(winstonLike);
    winstonLike.isLevelEnabled = (level) => {
      asked += 1;
      return ask(level);
    };
    open.push(createAuditLog(logger));
    for (let i = 0; i < 5; i++) appChannels.authResult.publish(event);
    await flush();
    assert.equal(asked, 1, 'one question for five authentications at the same level');
    assert.equal(lines.length, 0);
    winstonLike.level = 'info';
    appChannels.authResult.publish(event);
    await flush();
    assert.equal(asked, 2);
    assert.equal(lines.length, 1, 'the level change takes effect at the next authentication');
  });

  test('writes through a logger that cannot tell its level', async () => {
    const seen: string[] = [];
    const plain: Logger = {
      error() {},
      warn() {},
      debug() {},
      info: (message) => void seen.push(message),
      child: () => plain,
    };
    open.push(createAuditLog(plain));
    appChannels.authResult.publish(event);
    await flush();
    assert.deepEqual(seen, ['authentication']);
  });

  test('stops writing after close()', async () => {
    const { logger, lines } = capture();
    const audit = createAuditLog(logger);
    audit.close();
    audit.close();
    appChannels.authResult.publish(event);
    await flush();
    assert.equal(lines.length, 0);
  });
});
