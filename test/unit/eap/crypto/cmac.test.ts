import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cmac } from '../../../../src/eap/crypto/cmac.js';
import { hex } from '../fixtures.js';

// RFC 4493 §4 test vectors (= NIST SP 800-38B D.1).
const KEY = hex('2b7e151628aed2a6abf7158809cf4f3c');
const MESSAGE = hex(`6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
                     30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710`);
const EXAMPLES = [
  { name: 'Example 1 (empty message)', length: 0, mac: 'bb1d6929e95937287fa37d129b756746' },
  { name: 'Example 2 (16 octets)', length: 16, mac: '070a16b46b4d4144f79bdd9dd04a287c' },
  { name: 'Example 3 (40 octets)', length: 40, mac: 'dfa66747de9ae63030ca32611497c827' },
  { name: 'Example 4 (64 octets)', length: 64, mac: '51f0bebf7e3b9d92fc49741779363cfe' },
] as const;

describe('AES-CMAC (RFC 4493)', () => {
  const cmac = new Cmac(KEY);
  for (const ex of EXAMPLES) {
    test(`reproduces RFC 4493 ${ex.name}`, () => {
      assert.equal(cmac.mac([MESSAGE.subarray(0, ex.length)]).toString('hex'), ex.mac);
    });
  }

  test('gives the same MAC however the message is split into parts', () => {
    const whole = cmac.mac([MESSAGE.subarray(0, 40)]);
    for (const cut of [0, 1, 15, 16, 17, 39, 40]) {
      assert.deepEqual(
        cmac.mac([MESSAGE.subarray(0, cut), MESSAGE.subarray(cut, 40)]),
        whole,
        `cut at ${cut}`,
      );
    }
  });

  test('gives the same answers when one key object is reused many times in any order', () => {
    for (let round = 0; round < 3; round++) {
      for (const ex of [...EXAMPLES].reverse()) {
        assert.equal(cmac.mac([MESSAGE.subarray(0, ex.length)]).toString('hex'), ex.mac);
      }
    }
  });

  test('keeps its subkeys while later keys and buffers are carved from the same pool', () => {
    const early = new Cmac(KEY);
    for (let i = 0; i < 1_000; i++) {
      new Cmac(Buffer.alloc(16, i)).mac([MESSAGE]);
      Buffer.allocUnsafe(32).fill(0xa5);
    }
    for (const ex of EXAMPLES) {
      assert.equal(early.mac([MESSAGE.subarray(0, ex.length)]).toString('hex'), ex.mac);
    }
  });

  test('rejects a key that is not 16 octets', () => {
    assert.throws(() => new Cmac(Buffer.alloc(15)), RangeError);
  });
});
