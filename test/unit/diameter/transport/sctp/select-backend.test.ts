import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseSctpBackend,
  selectSctpBackend,
  type SctpProbes,
} from '../../../../../src/diameter/transport/sctp/select-backend.js';
import { TransportKind, type Transport } from '../../../../../src/diameter/transport/transport.js';

const fake = (name: string): Transport =>
  ({
    kind: TransportKind.SCTP,
    name,
    listen: () => Promise.reject(new Error()),
    connect: () => Promise.reject(new Error()),
  }) as Transport;

function probes(kernel: boolean, rawIp: boolean): SctpProbes & { userspaceMade: number } {
  const p = {
    userspaceMade: 0,
    kernel: () =>
      kernel ? { transport: fake('kernel') } : { reason: 'kernel SCTP unavailable: EPROTONOSUPPORT' },
    userspaceUnavailable: () => (rawIp ? undefined : 'raw IP sockets need root or CAP_NET_RAW'),
    userspace: () => {
      p.userspaceMade++;
      return fake('userspace');
    },
  };
  return p;
}

function logger(): {
  lines: Array<[string, string, Record<string, unknown> | undefined]>;
  info: (m: string, x?: Record<string, unknown>) => void;
  warn: (m: string, x?: Record<string, unknown>) => void;
} {
  const lines: Array<[string, string, Record<string, unknown> | undefined]> = [];
  return { lines, info: (m, x) => lines.push(['info', m, x]), warn: (m, x) => lines.push(['warn', m, x]) };
}

describe('selectSctpBackend', () => {
  test('auto picks the kernel when it has SCTP', () => {
    const s = selectSctpBackend('auto', logger(), probes(true, true));
    assert.equal(s.backend, 'kernel');
  });
  test('auto falls back to userspace when the kernel has none and raw IP is permitted', () => {
    const s = selectSctpBackend('auto', logger(), probes(false, true));
    assert.equal(s.backend, 'userspace');
    assert.match(s.reason, /EPROTONOSUPPORT/);
  });
  test('auto is off with a warning naming both reasons when neither works', () => {
    const log = logger();
    const s = selectSctpBackend('auto', log, probes(false, false));
    assert.equal(s.backend, 'off');
    assert.equal(log.lines[0]?.[0], 'warn');
    assert.equal(log.lines[0]?.[1], 'sctp backend: off');
    assert.match(String(log.lines[0]?.[2]?.['reason']), /EPROTONOSUPPORT.*CAP_NET_RAW/);
  });
  test('kernel requested without kernel SCTP is off, never userspace', () => {
    const p = probes(false, true);
    assert.equal(selectSctpBackend('kernel', logger(), p).backend, 'off');
    assert.equal(p.userspaceMade, 0);
  });
  test('userspace requested where the kernel has SCTP is refused', () => {
    const s = selectSctpBackend('userspace', logger(), probes(true, true));
    assert.equal(s.backend, 'off');
    assert.match(s.reason, /kernel has SCTP/);
  });
  test('userspace requested without raw IP permission is off', () => {
    assert.equal(selectSctpBackend('userspace', logger(), probes(false, false)).backend, 'off');
  });
  test('off is off and logged at info', () => {
    const log = logger();
    assert.equal(selectSctpBackend('off', log, probes(true, true)).backend, 'off');
    assert.equal(log.lines[0]?.[0], 'info');
  });
  test('parseSctpBackend accepts the four values (any case) and rejects others', () => {
    assert.equal(parseSctpBackend(undefined), 'auto');
    assert.equal(parseSctpBackend(' Kernel '), 'kernel');
    assert.throws(() => parseSctpBackend('sctp'), /auto\|kernel\|userspace\|off/);
  });
});
