import { benchDevices } from '../lib/bench-devices.js';
import { DiameterLoadGenerator, type GeneratorRun } from '../lib/diameter-generator.js';
import { CpuMeter } from '../lib/proc-stats.js';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/scenario.js';
import { ratio, round3 } from '../lib/stats.js';
import { withEapd } from '../lib/with-eapd.js';

const CONNECTIONS = 4;
const IN_FLIGHT = 400;
/** Distinct devices authenticating in both runs (spread over the whole registry). */
const ACTIVE_DEVICES = 10_000;
const SMALL = 10_000;
const TARGET_COST = 0.1;
const US_PER_S = 1e6;

async function measure(
  ctx: BenchContext,
  registry: number,
  runMs: number,
): Promise<{ run: GeneratorRun; cpuUsPerAuth: number }> {
  const active = Math.min(ACTIVE_DEVICES, registry);
  const devices = benchDevices(active, Math.floor(registry / active));
  return withEapd(ctx, `registry-${registry}`, registry, async (server) => {
    const gen = await DiameterLoadGenerator.connect('127.0.0.1', server.diameterPort, CONNECTIONS, devices);
    await gen.closedLoop({ inFlight: IN_FLIGHT, count: Number.MAX_SAFE_INTEGER, durationMs: 1_000 });
    const meter = new CpuMeter(server.pid);
    meter.start();
    const run = await gen.closedLoop({
      inFlight: IN_FLIGHT,
      count: Number.MAX_SAFE_INTEGER,
      durationMs: runMs,
    });
    const cpu = meter.read();
    await gen.close();
    return { run, cpuUsPerAuth: (cpu.cpuSeconds / run.succeeded) * US_PER_S };
  });
}

/** (6) Registry scale: authentication cost with 1M devices in SQLite against 10k. */
export const registryScaleScenario: Scenario = {
  id: 'registry',
  title: '6. Registry scale: 1M devices in SQLite against 10k (authentication rate and CPU)',
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const large = ctx.quick ? 100_000 : 1_000_000;
    const runMs = ctx.quick ? 2_000 : 4_000;
    const small = await measure(ctx, SMALL, runMs);
    const big = await measure(ctx, large, runMs);
    const capacitySmall = US_PER_S / small.cpuUsPerAuth;
    const capacityBig = US_PER_S / big.cpuUsPerAuth;
    const cost = 1 - capacityBig / capacitySmall;
    ctx.log(
      `  ${SMALL}: ${small.cpuUsPerAuth.toFixed(1)} µs/auth; ${large}: ${big.cpuUsPerAuth.toFixed(1)} µs/auth; cost ${(cost * 100).toFixed(1)}%`,
    );
    return {
      id: 'registry',
      title: registryScaleScenario.title,
      baseline: `the same run with a registry of ${SMALL} devices`,
      figures: {
        smallRegistry: SMALL,
        largeRegistry: large,
        activeDevices: ACTIVE_DEVICES,
        smallAuthPerSecond: Math.round(small.run.ratePerSecond),
        largeAuthPerSecond: Math.round(big.run.ratePerSecond),
        smallEapdCpuUsPerAuth: round3(small.cpuUsPerAuth),
        largeEapdCpuUsPerAuth: round3(big.cpuUsPerAuth),
        capacityRatioLargeToSmall: ratio(capacityBig, capacitySmall),
        reachedRateRatioLargeToSmall: ratio(big.run.ratePerSecond, small.run.ratePerSecond),
        failures: small.run.failed + big.run.failed,
      },
      targets: [
        {
          target: `${large} devices cost < ${TARGET_COST * 100} % of the rate (per eapd CPU-second)`,
          measured: `${(cost * 100).toFixed(1)} %`,
          met: cost < TARGET_COST,
        },
      ],
      notes: [
        `${ACTIVE_DEVICES} distinct devices authenticate in both runs, spread evenly over the registry (stride registry/${ACTIVE_DEVICES}).`,
        'The rate is compared per eapd CPU-second (capacity); the reached rates are listed too but depend on the generator and on the shared machine.',
      ],
    };
  },
};
