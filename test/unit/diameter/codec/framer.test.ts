import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Framer } from '../../../../src/diameter/codec/framer.js';
import type { FramerError } from '../../../../src/diameter/codec/framer.js';
import { F, avpBytes, derFrame, frameBytes, textData } from '../../../helpers/diameter-frames.js';

function collect(options = {}): { framer: Framer; frames: Buffer[] } {
  const frames: Buffer[] = [];
  return { framer: new Framer((f) => frames.push(f), options), frames };
}

const dwr = (n: number): Buffer =>
  frameBytes({
    flags: F.R,
    code: 280,
    hopByHop: n,
    avps: [avpBytes({ code: 264, data: textData(`peer-${n}.example`) })],
  });

describe('Framer', () => {
  test('yields a whole message in one chunk as a subarray of that chunk (no copy)', () => {
    const { framer, frames } = collect();
    const chunk = derFrame();
    assert.equal(framer.push(chunk), undefined);
    assert.equal(frames.length, 1);
    assert.equal(frames[0]!.buffer, chunk.buffer);
    assert.equal(frames[0]!.byteOffset, chunk.byteOffset);
  });
  test('splits coalesced messages into frames, in order', () => {
    const { framer, frames } = collect();
    const a = dwr(1);
    const b = derFrame();
    const c = dwr(3);
    framer.push(Buffer.concat([a, b, c]));
    assert.deepEqual(frames, [a, b, c]);
    assert.equal(framer.buffered, 0);
  });
  test('joins a message split into single bytes', () => {
    const { framer, frames } = collect();
    const m = derFrame();
    for (let i = 0; i < m.length; i++) assert.equal(framer.push(m.subarray(i, i + 1)), undefined);
    assert.deepEqual(frames, [m]);
  });
  test('holds a partial message until the rest arrives', () => {
    const { framer, frames } = collect();
    const m = derFrame();
    framer.push(m.subarray(0, 30));
    assert.equal(frames.length, 0);
    assert.equal(framer.buffered, 30);
    framer.push(m.subarray(30));
    assert.deepEqual(frames, [m]);
  });
  test('reports version 2 as fatal with 5011', () => {
    const { framer } = collect();
    const m = derFrame();
    m[0] = 2;
    assert.deepEqual(framer.push(m), {
      fatal: true,
      resultCode: 5011,
      message: 'unsupported Diameter version 2',
    });
  });
  test('reports a length under 20 as fatal with 5015', () => {
    const { framer } = collect();
    assert.equal(framer.push(Buffer.from([1, 0, 0, 16, 0, 0, 0, 0]))?.resultCode, 5015);
  });
  test('reports a length not a multiple of 4 as fatal with 5015', () => {
    const { framer } = collect();
    assert.equal(framer.push(frameBytes({ flags: F.R, code: 280, avps: [], length: 22 }))?.resultCode, 5015);
  });
  test('reports a length over the configured maximum as fatal with 5015', () => {
    const { framer } = collect({ maxMessageLength: 64 });
    assert.equal(framer.push(derFrame())?.resultCode, 5015);
  });
  test('reports a bad prefix split over chunks, after yielding the frames before it', () => {
    const { framer, frames } = collect();
    const good = dwr(1);
    assert.equal(framer.push(Buffer.concat([good, Buffer.from([1, 0])])), undefined);
    assert.equal(frames.length, 1);
    assert.equal(framer.push(Buffer.from([0, 3]))?.resultCode, 5015);
  });
  test('stays failed: never resynchronises after a fatal error (RFC 6733 §2.1)', () => {
    const { framer, frames } = collect();
    const first = framer.push(Buffer.from([9, 0, 0, 20]));
    assert.equal(framer.push(dwr(1)), first);
    assert.equal(frames.length, 0);
  });
});

describe('Framer properties', () => {
  const messages = fc
    .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 8 })
    .map((ns) => ns.map((n) => (n % 2 === 0 ? dwr(n) : derFrame())));

  test('random splits of a stream of valid messages reassemble to the same frames', () => {
    fc.assert(
      fc.property(messages, fc.array(fc.integer({ min: 1, max: 600 }), { maxLength: 50 }), (msgs, cuts) => {
        const stream = Buffer.concat(msgs);
        const { framer, frames } = collect();
        let off = 0;
        for (const c of cuts) {
          if (off >= stream.length) break;
          assert.equal(framer.push(stream.subarray(off, off + c)), undefined);
          off += c;
        }
        if (off < stream.length) framer.push(stream.subarray(off));
        assert.deepEqual(frames, msgs);
        assert.equal(framer.buffered, 0);
      }),
    );
  });

  test('random bytes end in frames, a held partial frame or a fatal error, never a throw', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (chunks) => {
        const { framer, frames } = collect({ maxMessageLength: 4096 });
        let error: FramerError | undefined;
        for (const c of chunks) error ??= framer.push(Buffer.from(c));
        for (const f of frames) {
          assert.equal(f[0], 1);
          assert.equal(f.readUIntBE(1, 3), f.length);
        }
        if (error !== undefined) assert.ok(error.resultCode === 5011 || error.resultCode === 5015);
      }),
    );
  });
});
