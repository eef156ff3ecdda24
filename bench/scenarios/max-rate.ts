import { benchDevices } from '../lib/bench-devices.js';
import { startCannedProcess } from '../lib/canned-process.js';
import { DiameterLoadGenerator, type GeneratorRun } from '../lib/diameter-generator.js';
import { CpuMeter, processRssBytes } from '../lib/proc-stats.js';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/scenario.js';
import { ratio, round3 } from '../lib/stats.js';
import { fillToSteadyState, STEADY_STATE_NOTE } from '../lib/steady-state.js';
import { withEapd } from '../lib/with-eapd.js';

const CONNECTIONS = 4;
const IN_FLIGHT = 400;
const TARGET_CPU_US_PER_AUTH = 50;
const TARGET_AUTH_PER_CORE = 20_000;
const US_PER_S = 1e6;
const MIB = 1024 * 1024;
const ROUNDS_PER_AUTH = 3;

function sizes(quick: boolean): { devices: number; warmupMs: number; runMs: number } {
  return quick
    ? { devices: 2_000, warmupMs: 1_000, runMs: 2_000 }
    : { devices: 10_000, warmupMs: 2_000, runMs: 5_000 };
}

/** (1) Closed-loop maximum EAP-PSK authentications/s over Diameter TCP, eapd on one core. */
export const maxRateScenario: Scenario = {
  id: 'max-rate',
  title: '1. Maximum EAP-PSK authentications/s over Diameter TCP (eapd pinned to one core)',
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const s = sizes(ctx.quick);
    const devices = benchDevices(s.devices);

    // Baseline in the same run: the generator's own ceiling against a canned answering server.
    const canned = await startCannedProcess(ctx.repoRoot, ctx.serverCpu);
    let cannedRun: GeneratorRun;
    let cannedCpuPerDer: number;
    try {
      const gen = await DiameterLoadGenerator.connect('127.0.0.1', canned.port, CONNECTIONS, devices);
      await gen.closedLoop({
        inFlight: IN_FLIGHT,
        count: Number.MAX_SAFE_INTEGER,
        durationMs: s.warmupMs,
        op: 'open',
      });
      const meter = new CpuMeter(canned.pid);
      meter.start();
      cannedRun = await gen.closedLoop({
        inFlight: IN_FLIGHT,
        count: Number.MAX_SAFE_INTEGER,
        durationMs: s.runMs,
        op: 'open',
      });
      cannedCpuPerDer = (meter.read().cpuSeconds / cannedRun.succeeded) * US_PER_S;
      await gen.close();
    } finally {
      await canned.stop();
    }
    ctx.log(`  generator vs canned server: ${cannedRun.ratePerSecond.toFixed(0)} DER/DEA pairs/s`);

    return withEapd(ctx, 'max-rate', s.devices, async (server) => {
      const gen = await DiameterLoadGenerator.connect('127.0.0.1', server.diameterPort, CONNECTIONS, devices);
      await gen.closedLoop({ inFlight: IN_FLIGHT, count: Number.MAX_SAFE_INTEGER, durationMs: s.warmupMs });
      // Measured with eapd's bounded tables full, each authentication also evicting (steady-state.ts).
      const fill = ctx.quick ? {} : await fillToSteadyState(gen, ctx.log);
      const meter = new CpuMeter(server.pid);
      meter.start();
      const run = await gen.closedLoop({
        inFlight: IN_FLIGHT,
        count: Number.MAX_SAFE_INTEGER,
        durationMs: s.runMs,
      });
      const { cpuSeconds, wallSeconds } = meter.read();
      const rss = processRssBytes(server.pid);
      await gen.close();
      const cpuUsPerAuth = (cpuSeconds / run.succeeded) * US_PER_S;
      const authPerCore = US_PER_S / cpuUsPerAuth;
      const genUsPerAuth = (run.generatorCpuSeconds / run.succeeded) * US_PER_S;
      const serverBusy = cpuSeconds / wallSeconds;
      const generatorBusy = run.generatorCpuSeconds / run.wallSeconds;
      ctx.log(
        `  eapd: ${run.ratePerSecond.toFixed(0)} auth/s, ${cpuUsPerAuth.toFixed(1)} µs CPU/auth, busy ${(serverBusy * 100).toFixed(0)}%; generator busy ${(generatorBusy * 100).toFixed(0)}%`,
      );
      return {
        id: 'max-rate',
        title: maxRateScenario.title,
        baseline: 'the same generator against a canned answering server (DER/DEA pairs/s), same run',
        figures: {
          devices: s.devices,
          ...fill,
          connections: CONNECTIONS,
          inFlight: IN_FLIGHT,
          runSeconds: round3(run.wallSeconds),
          authentications: run.succeeded,
          failures: run.failed,
          authPerSecond: Math.round(run.ratePerSecond),
          derPerSecond: Math.round(run.ratePerSecond * ROUNDS_PER_AUTH),
          eapdCpuUsPerAuth: round3(cpuUsPerAuth),
          eapdAuthPerCpuSecond: Math.round(authPerCore),
          eapdCoreBusy: round3(serverBusy),
          eapdRssMiB: round3(rss / MIB),
          generatorCpuUsPerAuth: round3(genUsPerAuth),
          generatorCoreBusy: round3(generatorBusy),
          latencyP50Ms: run.latencyMs.p50,
          latencyP99Ms: run.latencyMs.p99,
          cannedDerPerSecond: Math.round(cannedRun.ratePerSecond),
          cannedServerCpuUsPerDer: round3(cannedCpuPerDer),
          generatorCpuUsPerDerVsCanned: round3(
            (cannedRun.generatorCpuSeconds / cannedRun.succeeded) * US_PER_S,
          ),
          derRateRatioToGeneratorCeiling: ratio(run.ratePerSecond * ROUNDS_PER_AUTH, cannedRun.ratePerSecond),
          eapdCpuPerDerRatioToCanned: ratio(cpuUsPerAuth / ROUNDS_PER_AUTH, cannedCpuPerDer),
        },
        targets: [
          {
            target: `≤ ${TARGET_CPU_US_PER_AUTH} µs eapd CPU per authentication`,
            measured: `${cpuUsPerAuth.toFixed(1)} µs`,
            met: cpuUsPerAuth <= TARGET_CPU_US_PER_AUTH,
          },
          {
            target: `≥ ${TARGET_AUTH_PER_CORE} authentications/s per core (from CPU per auth)`,
            measured: `${Math.round(authPerCore)}/s`,
            met: authPerCore >= TARGET_AUTH_PER_CORE,
          },
        ],
        notes: [
          STEADY_STATE_NOTE,
          `Highest rate reached on this machine: ${Math.round(run.ratePerSecond)} auth/s with eapd at ${(serverBusy * 100).toFixed(0)}% of its core and the generator at ${(generatorBusy * 100).toFixed(0)}% of the other.`,
          generatorBusy > serverBusy
            ? 'The generator core is the busier one: the reached rate is bounded by the generator (its EAP-PSK peer does as much crypto as the server); eapd capacity is read from its CPU per authentication.'
            : "eapd's core is the busier one: the reached rate is eapd's.",
          ...(run.firstError === undefined ? [] : [`first failure: ${run.firstError}`]),
        ],
      };
    });
  },
};
