/**
 * The test namespace fixture: test files run side by side, and two veths with the same /30 in the
 * root namespace send one test's replies out of the other's veth (the CI failure of 852cdb5: the
 * SCTP simulator's INIT-ACKs never came back). Needs root and iproute2.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

import { VethNamespace } from './netns-fixture.js';

/** Draws from a fixed list, as the fixture's random draw would in the worst case. */
function sequence(...subnets: number[]): () => number {
  let i = 0;
  return () => subnets[i++ % subnets.length]!;
}

test('a subnet held by a live test namespace is never handed out again', () => {
  const first = new VethNamespace(sequence(201));
  try {
    const second = new VethNamespace(sequence(201, 202));
    try {
      assert.equal(first.hostAddress, '10.254.201.1');
      assert.equal(second.hostAddress, '10.254.202.1');
      assert.equal(second.peerAddress, '10.254.202.2');
    } finally {
      second.remove();
    }
  } finally {
    first.remove();
  }
});

test('a subnet already routed in the root namespace is skipped, and its draw leaves nothing behind', () => {
  // A veth pair left in the root namespace (this kernel has no dummy links).
  const dummy = 'eapd-probe-a';
  execFileSync('ip', ['link', 'add', dummy, 'type', 'veth', 'peer', 'name', 'eapd-probe-b']);
  try {
    execFileSync('ip', ['addr', 'add', '10.254.203.1/30', 'dev', dummy]);
    execFileSync('ip', ['link', 'set', dummy, 'up']);
    const ns = new VethNamespace(sequence(203, 204));
    try {
      assert.equal(ns.hostAddress, '10.254.204.1');
      const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
      assert.doesNotMatch(namespaces, /^eapd-sctp-203\b/m);
    } finally {
      ns.remove();
    }
  } finally {
    execFileSync('ip', ['link', 'del', dummy]);
  }
});

test('remove() frees the subnet for the next test', () => {
  new VethNamespace(sequence(205)).remove();
  const again = new VethNamespace(sequence(205));
  try {
    assert.equal(again.hostAddress, '10.254.205.1');
  } finally {
    again.remove();
  }
});
