import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { answerSkeleton, buildErrorAnswer } from '../../../../src/diameter/codec/answer.js';
import { MessageView } from '../../../../src/diameter/codec/message-view.js';
import { validateMessage } from '../../../../src/diameter/codec/validate.js';
import { derFrame, testDictionary } from '../../../helpers/diameter-frames.js';

const dict = testDictionary();
const local = { originHost: 'aaa.example.org', originRealm: 'example.org' };

/** Validation and error answers on any frame: a value or undefined, never a throw. */
function exercise(frame: Buffer): void {
  const view = new MessageView(frame);
  const err = validateMessage(dict, view);
  if (err !== undefined) {
    assert.ok(err.resultCode >= 3000 && err.resultCode < 6000);
    assert.equal(err.errorBit, err.resultCode < 4000);
    if (frame.length >= 20) {
      const ans = new MessageView(buildErrorAnswer(view, err, local));
      // A 3xxx answer uses the generic answer-message grammar: it must itself be valid (unless it
      // echoes a Session-Id value that is not UTF-8).
      const sid = ans.find(263);
      const sidOk = sid === undefined || isUtf8(sid.data);
      if (err.errorBit && sidOk && dict.command(ans.commandCode) !== undefined)
        assert.equal(validateMessage(dict, ans), undefined, 'the 3xxx answer is itself valid');
    }
  } else {
    for (const a of view.avps()) void a.data;
    answerSkeleton(view);
  }
}

describe('validator fuzzing', () => {
  test('mutated valid DERs never make the validator or answer builder throw', () => {
    const base = derFrame();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
        (edits) => {
          const f = Buffer.from(base);
          for (const [i, v] of edits) if (i >= 4 || i === 0) f[i] = v; // keep the length field so the frame stays whole
          exercise(f);
        },
      ),
      // The first example is a counterexample the fuzzer once found (seed 1066777738): Session-Id
      // with reserved flag bits (3009) and Destination-Realm turned into a Proxy-Info holding text.
      {
        numRuns: 2000,
        examples: [
          [
            [
              [24, 129],
              [127, 28],
              [28, 0],
            ],
          ],
        ],
      },
    );
  });
  test('random frames with a consistent header never make the validator throw', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 200 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 400 }),
        (body, flags, code) => {
          const len = 20 + (body.length & ~3);
          const f = Buffer.alloc(len);
          f[0] = 1;
          f.writeUIntBE(len, 1, 3);
          f[4] = flags;
          f.writeUIntBE(code, 5, 3);
          Buffer.from(body).copy(f, 20, 0, len - 20);
          exercise(f);
        },
      ),
      { numRuns: 2000 },
    );
  });
  test('raw random bytes never make the validator throw', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        (b) => void validateMessage(dict, new MessageView(Buffer.from(b))),
      ),
    );
  });
});
