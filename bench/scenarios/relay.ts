import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { benchDevices } from '../lib/bench-devices.js';
import { DiameterLoadGenerator, type GeneratorRun } from '../lib/diameter-generator.js';
import { BENCH_SERVER_HOST, freePort } from '../lib/eapd-server.js';
import { startFreeDiameterdRelay } from '../lib/free-diameterd-relay.js';
import { CpuMeter } from '../lib/proc-stats.js';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/scenario.js';
import { ratio, round3 } from '../lib/stats.js';
import { withEapd } from '../lib/with-eapd.js';

const CONNECTIONS = 4;
const IN_FLIGHT = 200;
/** DER/DEA pairs per EAP-PSK authentication (RFC 4072 §3.1: Identity, PSK-1/2, PSK-3/4). */
const ROUNDS_PER_AUTH = 3;
const US_PER_S = 1e6;

function sizes(quick: boolean): { devices: number; warmupMs: number; runMs: number } {
  return quick
    ? { devices: 2_000, warmupMs: 1_000, runMs: 2_000 }
    : { devices: 10_000, warmupMs: 2_000, runMs: 5_000 };
}

interface Step {
  readonly run: GeneratorRun;
  /** CPU seconds of each measured process, in the order given. */
  readonly cpuSeconds: readonly number[];
}

async function step(
  gen: DiameterLoadGenerator,
  pids: readonly number[],
  warmupMs: number,
  runMs: number,
): Promise<Step> {
  await gen.closedLoop({ inFlight: IN_FLIGHT, count: Number.MAX_SAFE_INTEGER, durationMs: warmupMs });
  const meters = pids.map((pid) => new CpuMeter(pid));
  for (const m of meters) m.start();
  const run = await gen.closedLoop({
    inFlight: IN_FLIGHT,
    count: Number.MAX_SAFE_INTEGER,
    durationMs: runMs,
  });
  return { run, cpuSeconds: meters.map((m) => m.read().cpuSeconds) };
}

function perRequestUs(cpuSeconds: number, run: GeneratorRun): number {
  return (cpuSeconds / (run.succeeded * ROUNDS_PER_AUTH)) * US_PER_S;
}

/** (3) freeDiameterd relaying the Diameter generator to eapd: the relay's CPU per request next to eapd's. */
export const relayScenario: Scenario = {
  id: 'relay',
  title: '3b. Diameter through a freeDiameterd relay: freeDiameterd CPU per request next to eapd',
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const s = sizes(ctx.quick);
    const devices = benchDevices(s.devices);
    return withEapd(ctx, 'relay', s.devices, async (server) => {
      // Baseline: the same generator straight to the same eapd.
      const direct = await DiameterLoadGenerator.connect(
        '127.0.0.1',
        server.diameterPort,
        CONNECTIONS,
        devices,
      );
      const directStep = await step(direct, [server.pid], s.warmupMs, s.runMs);
      await direct.close();

      const dir = join(ctx.workDir, 'relay-fd');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const relay = await startFreeDiameterdRelay({
        dir,
        port: await freePort(),
        serverHost: BENCH_SERVER_HOST,
        serverPort: server.diameterPort,
        nasPeers: CONNECTIONS,
        cpu: ctx.serverCpu,
      });
      let relayed: Step;
      try {
        const gen = await DiameterLoadGenerator.connect('127.0.0.1', relay.port, CONNECTIONS, devices);
        relayed = await step(gen, [server.pid, relay.pid], s.warmupMs, s.runMs);
        await gen.close();
      } finally {
        await relay.stop();
      }
      const eapdDirectUs = perRequestUs(directStep.cpuSeconds[0]!, directStep.run);
      const eapdRelayedUs = perRequestUs(relayed.cpuSeconds[0]!, relayed.run);
      const fdUs = perRequestUs(relayed.cpuSeconds[1]!, relayed.run);
      ctx.log(
        `  direct: ${directStep.run.ratePerSecond.toFixed(0)} auth/s, eapd ${eapdDirectUs.toFixed(1)} µs/DER; via freeDiameterd: ${relayed.run.ratePerSecond.toFixed(0)} auth/s, eapd ${eapdRelayedUs.toFixed(1)} µs/DER, freeDiameterd ${fdUs.toFixed(1)} µs/DER`,
      );
      const r = relayed.run;
      return {
        id: 'relay',
        title: relayScenario.title,
        baseline: 'the same generator straight to the same eapd process, same run',
        figures: {
          devices: s.devices,
          connections: CONNECTIONS,
          inFlight: IN_FLIGHT,
          directAuthPerSecond: Math.round(directStep.run.ratePerSecond),
          directFailures: directStep.run.failed,
          directEapdCpuUsPerRequest: round3(eapdDirectUs),
          relayedRunSeconds: round3(r.wallSeconds),
          relayedAuthentications: r.succeeded,
          relayedFailures: r.failed,
          relayedAuthPerSecond: Math.round(r.ratePerSecond),
          relayedRequestsPerSecond: Math.round(r.ratePerSecond * ROUNDS_PER_AUTH),
          relayedLatencyP50Ms: r.latencyMs.p50,
          relayedLatencyP99Ms: r.latencyMs.p99,
          relayedEapdCpuUsPerRequest: round3(eapdRelayedUs),
          freeDiameterdCpuUsPerRequest: round3(fdUs),
          freeDiameterdCpuUsPerAuth: round3(fdUs * ROUNDS_PER_AUTH),
          freeDiameterdCpuSeconds: round3(relayed.cpuSeconds[1]!),
          eapdCpuSeconds: round3(relayed.cpuSeconds[0]!),
          freeDiameterdToEapdCpuPerRequest: ratio(fdUs, eapdRelayedUs),
          relayedToDirectRate: ratio(r.ratePerSecond, directStep.run.ratePerSecond),
        },
        targets: [],
        notes: [
          'A request is one DER and its DEA; freeDiameterd forwards both (relay, rt_default routing to eapd, acl_wl for the NAS peers).',
          `freeDiameterd and eapd are pinned to the same core (${ctx.serverCpu ?? 'unpinned'}), the generator to the other: the relayed rate is that of both servers sharing one core; CPU per request is each process's own (/proc/<pid>/stat).`,
          ...(r.firstError === undefined ? [] : [`relayed first failure: ${r.firstError}`]),
          ...(directStep.run.firstError === undefined
            ? []
            : [`direct first failure: ${directStep.run.firstError}`]),
        ],
      };
    });
  },
};
