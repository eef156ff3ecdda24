import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { CommandCode, ResultCode } from '../../../src/diameter/dict/constants.gen.js';
import { derFrame } from '../../helpers/diameter-frames.js';
import { RawDiameterClient, baseRequest, cerFrame, resultCodeOf } from '../../helpers/diameter-client.js';
import { startNode, type NodeFixture } from '../../helpers/node-fixture.js';

/**
 * Bad input over a real connection: every mutated or random message ends in an answer or in the
 * connection being closed, never in a hang or a crash, and the node keeps serving afterwards.
 */
/** What became of a connection within `ms`: an answer arrived, it was closed, or nothing. */
async function outcomeOf(c: RawDiameterClient, ms: number): Promise<'answer' | 'closed' | 'nothing'> {
  try {
    await c.next(ms);
    return 'answer';
  } catch {
    return c.closed ? 'closed' : 'nothing';
  }
}

describe('a live Diameter connection under random and mutated input', () => {
  let f: NodeFixture;
  before(async () => {
    f = await startNode();
  });
  after(async () => {
    await f.stop();
  });

  async function open(host: string): Promise<RawDiameterClient> {
    const c = await RawDiameterClient.open(f.port);
    c.write(cerFrame(host, 'edge.example'));
    assert.equal(resultCodeOf(await c.next()), ResultCode.DIAMETER_SUCCESS);
    return c;
  }

  test('each mutated DER gets an answer or a close; the node still answers DWR afterwards', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: 400 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
        async (mutations) => {
          const c = await open(`fuzz${n++}.edge.example`);
          const frame = derFrame();
          for (const [pos, value] of mutations) if (pos < frame.length) frame[pos] = value;
          c.write(frame);
          const outcome = await outcomeOf(c, 3000);
          c.close();
          // RFC 6733 §6.2: an answer (R clear) whose Hop-by-Hop id we never sent is discarded.
          const isAnswer = (frame[4]! & 0x80) === 0;
          // A declared length beyond what was sent: the rest may still come (the framer waits).
          const incomplete = frame.readUIntBE(1, 3) > frame.length;
          return outcome !== 'nothing' || isAnswer || incomplete;
        },
      ),
      { numRuns: 60 },
    );
    const c = await open('after-fuzz.edge.example');
    c.write(baseRequest(CommandCode.DeviceWatchdog, 'after-fuzz.edge.example', 'edge.example'));
    assert.equal(resultCodeOf(await c.next()), ResultCode.DIAMETER_SUCCESS);
    c.close();
  });

  test('random bytes as the first message close the connection without an answer to act on', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => {
        const c = await RawDiameterClient.open(f.port);
        c.write(Buffer.from(bytes));
        const outcome = await outcomeOf(c, 1500);
        c.close();
        // Fewer bytes than a header may simply wait for more (then the CER timer closes it).
        return outcome !== 'answer' || bytes.length >= 20;
      }),
      { numRuns: 40 },
    );
  });
});
