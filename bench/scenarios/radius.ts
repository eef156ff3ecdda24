import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { benchDevices, type BenchDevice } from '../lib/bench-devices.js';
import { BENCH_SECRET, freePort } from '../lib/eapd-server.js';
import { startHostapdServer } from '../lib/hostapd-server.js';
import { CpuMeter } from '../lib/proc-stats.js';
import { udpReceiveBufferErrors } from '../lib/udp-stats.js';
import { startRadiusCannedProcess } from '../lib/radius-canned-process.js';
import { RadiusLoadGenerator, type RadiusGeneratorRun } from '../lib/radius-generator.js';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/scenario.js';
import { ratio, round3 } from '../lib/stats.js';
import { withEapd } from '../lib/with-eapd.js';

/**
 * eapd and the canned server. eapd's RADIUS socket asks for a 4 MiB receive buffer
 * (radius.recvBufferSize; the kernel default of 208 KiB overflowed above ~200 in flight), so
 * enough requests are outstanding to keep eapd's core busy while the generator's core works.
 */
const IN_FLIGHT = 512;
const MIN_SOCKETS = 4;
/**
 * hostapd 2.10's RADIUS server keeps at most 1,000 sessions (RADIUS_MAX_SESSION) and keeps a
 * finished one 5 s (RADIUS_SESSION_MAINTAIN) to answer retransmissions: it cannot sustain more
 * than 200 new authentications/s, and drops a request it has no room for. Paced below that.
 */
const HOSTAPD_IN_FLIGHT = 16;
const HOSTAPD_PACED_RATE = 150;
const HOSTAPD_SESSION_CEILING = 200;
/** hostapd's user lookup is a linear list: a small user file gives its per-authentication floor. */
const HOSTAPD_FLOOR_DEVICES = 100;
/** RFC 5080 §2.2.1-style retransmission of the same datagram; a lost request is retried twice. */
const RETRANSMIT_MS = 1_000;
const RETRIES = 2;
const ROUNDS_PER_AUTH = 3;
const TARGET_RATIO = 5;
const TARGET_RATE = 10_000;
const US_PER_S = 1e6;
const READY_TIMEOUT_MS = 10_000;
const READY_POLL_MS = 100;

function sizes(quick: boolean): { devices: number; warmupMs: number; runMs: number; hostapdRunMs: number } {
  return quick
    ? { devices: 2_000, warmupMs: 1_000, runMs: 2_000, hostapdRunMs: 3_000 }
    : { devices: 10_000, warmupMs: 2_000, runMs: 5_000, hostapdRunMs: 10_000 };
}

async function openGenerator(
  port: number,
  devices: readonly BenchDevice[],
  inFlight: number,
): Promise<RadiusLoadGenerator> {
  return RadiusLoadGenerator.open({
    host: '127.0.0.1',
    port,
    secret: Buffer.from(BENCH_SECRET, 'utf8'),
    devices,
    sockets: RadiusLoadGenerator.socketsFor(inFlight, MIN_SOCKETS),
    retransmitMs: RETRANSMIT_MS,
    retries: RETRIES,
  });
}

/** Waits until one authentication succeeds (the server's UDP socket may bind after its TCP one). */
async function untilReady(gen: RadiusLoadGenerator, name: string): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  let last = '';
  while (performance.now() < deadline) {
    const r = await gen.closedLoop({ inFlight: 1, count: 1, durationMs: READY_TIMEOUT_MS });
    if (r.succeeded === 1) return;
    last = r.firstError ?? 'MSK mismatch';
    await new Promise((res) => setTimeout(res, READY_POLL_MS));
  }
  throw new Error(`${name} never completed an authentication over RADIUS: ${last}`);
}

interface Measured {
  readonly run: RadiusGeneratorRun;
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
  readonly cpuUsPerAuth: number;
  /** Datagrams dropped on a full receive buffer during the step (system-wide). */
  readonly udpDrops: number;
}

async function measure(
  gen: RadiusLoadGenerator,
  pid: number,
  o: { inFlight: number; durationMs: number; maxRatePerSecond?: number },
): Promise<Measured> {
  const meter = new CpuMeter(pid);
  const drops0 = udpReceiveBufferErrors();
  meter.start();
  const run = await gen.closedLoop({ ...o, count: Number.MAX_SAFE_INTEGER });
  const { cpuSeconds, wallSeconds } = meter.read();
  return {
    run,
    cpuSeconds,
    wallSeconds,
    cpuUsPerAuth: (cpuSeconds / run.succeeded) * US_PER_S,
    udpDrops: udpReceiveBufferErrors() - drops0,
  };
}

async function measureHostapd(
  ctx: BenchContext,
  devices: readonly BenchDevice[],
  userFileDevices: number,
  s: { warmupMs: number; runMs: number; hostapdRunMs: number },
  unpaced: boolean,
): Promise<{ paced: Measured; unpaced: Measured | undefined }> {
  const dir = join(ctx.workDir, `radius-hostapd-${userFileDevices}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const hostapd = await startHostapdServer({
    dir,
    port: await freePort(),
    secret: BENCH_SECRET,
    devices: userFileDevices,
    cpu: ctx.serverCpu,
  });
  try {
    const gen = await openGenerator(hostapd.port, devices, HOSTAPD_IN_FLIGHT);
    await untilReady(gen, 'hostapd');
    await gen.closedLoop({
      inFlight: HOSTAPD_IN_FLIGHT,
      count: Number.MAX_SAFE_INTEGER,
      durationMs: s.warmupMs,
      maxRatePerSecond: HOSTAPD_PACED_RATE,
    });
    const paced = await measure(gen, hostapd.pid, {
      inFlight: HOSTAPD_IN_FLIGHT,
      durationMs: s.hostapdRunMs,
      maxRatePerSecond: HOSTAPD_PACED_RATE,
    });
    const rest = unpaced
      ? await measure(gen, hostapd.pid, { inFlight: HOSTAPD_IN_FLIGHT, durationMs: s.runMs })
      : undefined;
    await gen.close();
    ctx.log(
      `  hostapd (${userFileDevices} users): ${paced.run.ratePerSecond.toFixed(0)} auth/s paced (${failures(paced.run)}), ${paced.cpuUsPerAuth.toFixed(1)} µs CPU/auth${rest === undefined ? '' : `; unpaced ${rest.run.ratePerSecond.toFixed(0)} auth/s (${failures(rest.run)})`}`,
    );
    return { paced, unpaced: rest };
  } finally {
    await hostapd.stop();
  }
}

function failures(r: RadiusGeneratorRun): string {
  return `${r.failed} failed, ${r.retransmissions} retransmissions, ${r.timeouts} timeouts${r.firstError === undefined ? '' : ` (first: ${r.firstError})`}`;
}

/** (3) RADIUS mode: the RADIUS generator against hostapd and against eapd's RADIUS front. */
export const radiusScenario: Scenario = {
  id: 'radius',
  title: '3. RADIUS EAP-PSK: eapd RADIUS front against hostapd (rate, failures, CPU per authentication)',
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const s = sizes(ctx.quick);
    const devices = benchDevices(s.devices);

    // Baseline of the generator's own ceiling: first rounds against a canned answering server.
    const canned = await startRadiusCannedProcess(ctx.repoRoot, ctx.serverCpu, BENCH_SECRET);
    let cannedRun: RadiusGeneratorRun;
    let cannedDrops: number;
    try {
      const gen = await openGenerator(canned.port, devices, IN_FLIGHT);
      await gen.closedLoop({
        inFlight: IN_FLIGHT,
        count: Number.MAX_SAFE_INTEGER,
        durationMs: s.warmupMs,
        op: 'open',
      });
      const drops0 = udpReceiveBufferErrors();
      cannedRun = await gen.closedLoop({
        inFlight: IN_FLIGHT,
        count: Number.MAX_SAFE_INTEGER,
        durationMs: s.runMs,
        op: 'open',
      });
      cannedDrops = udpReceiveBufferErrors() - drops0;
      await gen.close();
    } finally {
      await canned.stop();
    }
    ctx.log(
      `  generator vs canned RADIUS server: ${cannedRun.ratePerSecond.toFixed(0)} request/response pairs/s`,
    );

    // hostapd, paced to a rate its session table sustains, then unpaced to show where it breaks;
    // once with the same devices as eapd, once with a small user file (its floor: see notes).
    const hostapdSame = await measureHostapd(ctx, devices, s.devices, s, true);
    const hostapdFloor = await measureHostapd(
      ctx,
      devices.slice(0, HOSTAPD_FLOOR_DEVICES),
      HOSTAPD_FLOOR_DEVICES,
      s,
      false,
    );
    const hostapdPaced = hostapdSame.paced;
    const hostapdUnpaced = hostapdSame.unpaced!;

    const eapd = await withEapd(
      ctx,
      'radius-eapd',
      s.devices,
      async (server) => {
        const gen = await openGenerator(server.radiusPort!, devices, IN_FLIGHT);
        await untilReady(gen, 'eapd');
        await gen.closedLoop({ inFlight: IN_FLIGHT, count: Number.MAX_SAFE_INTEGER, durationMs: s.warmupMs });
        const m = await measure(gen, server.pid, { inFlight: IN_FLIGHT, durationMs: s.runMs });
        await gen.close();
        return m;
      },
      { radius: true },
    );
    ctx.log(
      `  eapd: ${eapd.run.ratePerSecond.toFixed(0)} auth/s (${failures(eapd.run)}), ${eapd.cpuUsPerAuth.toFixed(1)} µs CPU/auth, busy ${((eapd.cpuSeconds / eapd.wallSeconds) * 100).toFixed(0)}%`,
    );

    const eapdPerCpu = US_PER_S / eapd.cpuUsPerAuth;
    const hostapdPerCpu = US_PER_S / hostapdPaced.cpuUsPerAuth;
    const cpuRatio = ratio(eapdPerCpu, hostapdPerCpu);
    const hostapdFloorPerCpu = US_PER_S / hostapdFloor.paced.cpuUsPerAuth;
    const floorRatio = ratio(eapdPerCpu, hostapdFloorPerCpu);
    const generatorUsPerAuth = (eapd.run.generatorCpuSeconds / eapd.run.succeeded) * US_PER_S;
    const generatorBusy = eapd.run.generatorCpuSeconds / eapd.run.wallSeconds;
    const eapdBusy = eapd.cpuSeconds / eapd.wallSeconds;
    const eapdClean = eapd.run.failed === 0 && eapd.run.retransmissions === 0;
    return {
      id: 'radius',
      title: radiusScenario.title,
      baseline:
        'hostapd 2.10 (integrated EAP-PSK server, RADIUS server) with the same devices and generator, and the generator against a canned RADIUS server, same run',
      figures: {
        devices: s.devices,
        eapdInFlight: IN_FLIGHT,
        eapdRunSeconds: round3(eapd.run.wallSeconds),
        eapdAuthentications: eapd.run.succeeded,
        eapdFailures: eapd.run.failed,
        eapdRetransmissions: eapd.run.retransmissions,
        eapdUdpReceiveBufferDrops: eapd.udpDrops,
        eapdAuthPerSecond: Math.round(eapd.run.ratePerSecond),
        eapdCpuUsPerAuth: round3(eapd.cpuUsPerAuth),
        eapdAuthPerCpuSecond: Math.round(eapdPerCpu),
        eapdCoreBusy: round3(eapdBusy),
        eapdLatencyP50Ms: eapd.run.latencyMs.p50,
        eapdLatencyP99Ms: eapd.run.latencyMs.p99,
        hostapdInFlight: HOSTAPD_IN_FLIGHT,
        hostapdPacedRate: HOSTAPD_PACED_RATE,
        hostapdRunSeconds: round3(hostapdPaced.run.wallSeconds),
        hostapdAuthentications: hostapdPaced.run.succeeded,
        hostapdFailures: hostapdPaced.run.failed,
        hostapdRetransmissions: hostapdPaced.run.retransmissions,
        hostapdUdpReceiveBufferDrops: hostapdPaced.udpDrops,
        hostapdAuthPerSecond: Math.round(hostapdPaced.run.ratePerSecond),
        hostapdCpuSeconds: round3(hostapdPaced.cpuSeconds),
        hostapdCpuUsPerAuth: round3(hostapdPaced.cpuUsPerAuth),
        hostapdAuthPerCpuSecond: Math.round(hostapdPerCpu),
        hostapdUnpacedAuthPerSecond: Math.round(hostapdUnpaced.run.ratePerSecond),
        hostapdUnpacedFailures: hostapdUnpaced.run.failed,
        hostapdUnpacedRetransmissions: hostapdUnpaced.run.retransmissions,
        hostapdUnpacedCpuUsPerAuth: round3(hostapdUnpaced.cpuUsPerAuth),
        hostapdFloorUsers: HOSTAPD_FLOOR_DEVICES,
        hostapdFloorAuthentications: hostapdFloor.paced.run.succeeded,
        hostapdFloorFailures: hostapdFloor.paced.run.failed,
        hostapdFloorCpuUsPerAuth: round3(hostapdFloor.paced.cpuUsPerAuth),
        hostapdFloorAuthPerCpuSecond: Math.round(hostapdFloorPerCpu),
        eapdToHostapdAuthPerCpuSecond: cpuRatio,
        eapdToHostapdFloorAuthPerCpuSecond: floorRatio,
        generatorCpuUsPerAuth: round3(generatorUsPerAuth),
        generatorCoreBusy: round3(generatorBusy),
        cannedPairsPerSecond: Math.round(cannedRun.ratePerSecond),
        cannedFailures: cannedRun.failed,
        cannedRetransmissions: cannedRun.retransmissions,
        cannedUdpReceiveBufferDrops: cannedDrops,
        generatorCpuUsPerPairVsCanned: round3(
          (cannedRun.generatorCpuSeconds / cannedRun.succeeded) * US_PER_S,
        ),
        eapdPairRateRatioToGeneratorCeiling: ratio(
          eapd.run.ratePerSecond * ROUNDS_PER_AUTH,
          cannedRun.ratePerSecond,
        ),
      },
      targets: [
        {
          target: `eapd authentications per CPU-second ≥ ${TARGET_RATIO}× hostapd's, both with ${s.devices} devices`,
          measured: `${cpuRatio}× (${Math.round(eapdPerCpu)} vs ${Math.round(hostapdPerCpu)})`,
          met: cpuRatio >= TARGET_RATIO,
        },
        {
          target: `the same against hostapd holding ${HOSTAPD_FLOOR_DEVICES} users`,
          measured: `${floorRatio}× (${Math.round(eapdPerCpu)} vs ${Math.round(hostapdFloorPerCpu)})`,
          met: floorRatio >= TARGET_RATIO,
        },
        {
          target: `eapd ≥ ${TARGET_RATE} authentications/s sustained over RADIUS, no failure`,
          measured: `${Math.round(eapd.run.ratePerSecond)}/s, ${failures(eapd.run)}`,
          met: eapd.run.ratePerSecond >= TARGET_RATE && eapdClean,
        },
      ],
      notes: [
        `hostapd is paced to ${HOSTAPD_PACED_RATE} auth/s with ${HOSTAPD_IN_FLIGHT} in flight: its RADIUS server holds at most 1,000 sessions and keeps each finished one 5 s, so about ${HOSTAPD_SESSION_CEILING} auth/s is its ceiling whatever the CPU; the unpaced run (same in flight) shows what happens above it. Its CPU per authentication is read from the paced run (${round3(hostapdPaced.cpuSeconds)} CPU-s, summed over its threads' schedstat run time).`,
        `eapd runs ${IN_FLIGHT} in flight: its RADIUS socket asks for a 4 MiB receive buffer (radius.recvBufferSize, capped by net.core.rmem_max; the kernel default of 208 KiB overflowed above about 200 outstanding requests); UDP receive-buffer drops are counted system-wide during each step.`,
        `hostapd walks the list read from its eap_user file to find a user; it is measured with the same ${s.devices} devices as eapd (the like-for-like ratio) and with ${HOSTAPD_FLOOR_DEVICES} users (${round3(hostapdFloor.paced.cpuUsPerAuth)} µs against ${round3(hostapdPaced.cpuUsPerAuth)} µs per authentication: compare the two to see how much the list costs; on a shared machine they differ by noise as much as by size).`,
        `Each authentication is ${ROUNDS_PER_AUTH} Access-Request/response round trips; responses are verified (Response Authenticator, Message-Authenticator) and the MS-MPPE keys compared with the peer's MSK.`,
        generatorBusy > eapdBusy
          ? "The generator core is the busier one: eapd's reached rate is bounded by the generator (its EAP-PSK peer does as much crypto as the server); eapd capacity is read from its CPU per authentication."
          : "eapd's core is the busier one: the reached rate is eapd's.",
        ...(eapd.run.firstError === undefined ? [] : [`eapd first failure: ${eapd.run.firstError}`]),
      ],
    };
  },
};
