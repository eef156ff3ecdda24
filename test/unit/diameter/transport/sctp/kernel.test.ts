import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadAddon } from '../../../../../src/util/native-addon.js';
import { KernelSctpTransport, probeKernelSctp } from '../../../../../src/diameter/transport/sctp/kernel.js';

/**
 * The machine these tests run on has a kernel without SCTP (socket(…, IPPROTO_SCTP) fails with
 * EPROTONOSUPPORT, in network namespaces too): only the "unavailable" branch can be exercised.
 */
interface KernelAddon {
  probe(family: number): number;
  listen(addresses: string[], port: number, backlog: number, o: number, i: number): number;
  connect(address: string, port: number, timeoutMs: number, o: number, i: number): Promise<number>;
  setDiameterPpid(fd: number): void;
}

describe('kernel SCTP addon on a kernel without SCTP', () => {
  const load = loadAddon<KernelAddon>('sctp_kernel');

  test('the addon is built and loads', () => {
    assert.ok(load.ok, load.ok ? '' : load.reason);
  });
  test('probe reports "kernel SCTP unavailable" with EPROTONOSUPPORT', () => {
    const probe = probeKernelSctp();
    assert.equal(probe.available, false);
    assert.match(probe.available ? '' : probe.reason, /^kernel SCTP unavailable: .*EPROTONOSUPPORT/);
  });
  test('KernelSctpTransport.create refuses with the reason instead of throwing', () => {
    const made = KernelSctpTransport.create();
    assert.ok('reason' in made);
    assert.match(made.reason, /EPROTONOSUPPORT/);
  });
  test('listen and connect fail cleanly with code EPROTONOSUPPORT', async () => {
    assert.ok(load.ok);
    assert.throws(
      () => load.addon.listen(['127.0.0.1'], 0, 1, 0, 0),
      (e: NodeJS.ErrnoException) => e.code === 'EPROTONOSUPPORT',
    );
    await assert.rejects(
      load.addon.connect('127.0.0.1', 3868, 100, 0, 0),
      (e: NodeJS.ErrnoException) => e.code === 'EPROTONOSUPPORT',
    );
  });
  test('bad arguments throw a TypeError instead of crashing', async () => {
    assert.ok(load.ok);
    assert.throws(() => load.addon.listen(['not an address'], 0, 1, 0, 0), TypeError);
    assert.throws(() => load.addon.connect('999.1.1.1', 1, 1, 0, 0), TypeError);
    assert.throws(
      () => load.addon.setDiameterPpid(-1),
      (e: NodeJS.ErrnoException) => e.code === 'EBADF',
    );
  });
});
