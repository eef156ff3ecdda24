import { benchDevices } from '../lib/bench-devices.js';
import { DiameterLoadGenerator } from '../lib/diameter-generator.js';
import { processRssBytes } from '../lib/proc-stats.js';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/scenario.js';
import { ratio, round3 } from '../lib/stats.js';
import { withEapd } from '../lib/with-eapd.js';

const CONNECTIONS = 4;
const IN_FLIGHT = 500;
const TARGET_BYTES = 2048;
/** Let the server settle (and V8 collect young garbage) before reading RSS. */
const SETTLE_MS = 1_500;
/** Conversations must outlive the measurement (RFC 4072 Multi-Round-Time-Out). */
const MULTI_ROUND_TIMEOUT_SECONDS = 600;

/** (5) Memory per in-flight conversation: N conversations opened and left after PSK-1. */
export const memoryScenario: Scenario = {
  id: 'memory',
  title: '5. Memory per in-flight conversation (N conversations stopped after PSK-1)',
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const n = ctx.quick ? 10_000 : 100_000;
    const devices = benchDevices(ctx.quick ? 2_000 : 10_000);
    const env = {
      EAPD_MAX_SESSIONS: String(n * 2),
      EAPD_MULTI_ROUND_TIMEOUT_SECONDS: String(MULTI_ROUND_TIMEOUT_SECONDS),
    };
    return withEapd(
      ctx,
      'memory',
      devices.length,
      async (server) => {
        const gen = await DiameterLoadGenerator.connect(
          '127.0.0.1',
          server.diameterPort,
          CONNECTIONS,
          devices,
        );
        // Baseline: the connections up and the code paths warm (a few whole authentications).
        await gen.closedLoop({ inFlight: 50, count: 2_000, durationMs: 10_000 });
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        const before = processRssBytes(server.pid);
        const run = await gen.closedLoop({ inFlight: IN_FLIGHT, count: n, durationMs: 120_000, op: 'open' });
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        const after = processRssBytes(server.pid);
        await gen.close();
        const perConversation = (after - before) / run.succeeded;
        ctx.log(
          `  ${run.succeeded} conversations open: RSS ${(before / 2 ** 20).toFixed(1)} → ${(after / 2 ** 20).toFixed(1)} MiB, ${perConversation.toFixed(0)} B each`,
        );
        return {
          id: 'memory',
          title: memoryScenario.title,
          baseline: 'eapd RSS with the connections up after 2,000 whole authentications, same run',
          figures: {
            conversationsOpened: run.succeeded,
            failed: run.failed,
            rssBeforeMiB: round3(before / 2 ** 20),
            rssAfterMiB: round3(after / 2 ** 20),
            rssRatioToBaseline: ratio(after, before),
            bytesPerConversation: Math.round(perConversation),
          },
          targets: [
            {
              target: `≤ ${TARGET_BYTES} B per in-flight conversation`,
              measured: `${Math.round(perConversation)} B`,
              met: perConversation <= TARGET_BYTES,
            },
          ],
          notes: [
            'RSS delta / N is an upper bound: it includes garbage V8 has not collected yet and heap growth headroom.',
            ...(run.firstError === undefined ? [] : [`first failure: ${run.firstError}`]),
          ],
        };
      },
      { env },
    );
  },
};
