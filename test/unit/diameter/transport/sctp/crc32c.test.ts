import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c } from '../../../../../src/diameter/transport/sctp/userspace/crc32c.js';

describe('crc32c (RFC 9260 Appendix A)', () => {
  test('matches the RFC 3720 §B.4 known answers', () => {
    assert.equal(crc32c(Buffer.alloc(32, 0)), 0x8a9136aa);
    assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
    assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i))), 0x46dd794e);
  });
  test('matches the common check value for "123456789"', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  });
});
