import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchContext, ScenarioResult } from '../../../bench/lib/scenario.js';
import { SCENARIOS } from '../../../bench/scenarios/index.js';
import { missingServeNodeFlags, SERVE_NODE_FLAGS } from '../serve/node-flags.js';
import { packageRoot } from '../version.js';
import { fileURLToPath } from 'node:url';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';

export const BENCH_USAGE = `usage: eapd bench [--quick] [--only ID[,ID...]] [--out DIR] [--no-pin] [--profile DIR] [--list]
  Runs the benchmark scenarios on loopback (each stops by itself) and writes, per scenario,
  DIR/<id>.json and DIR/<id>.md, and DIR/summary.md. eapd runs as its own process (dist/src/main.js
  serve) pinned to core 0 with taskset, the generator (this process) to core 1.
options:
  --quick        smaller counts and shorter runs (a smoke run)
  --only IDS     comma-separated scenario ids (see --list)
  --out DIR      where results go (default bench/results)
  --no-pin       do not pin with taskset
  --profile DIR  run eapd with node --cpu-prof, writing its .cpuprofile files into DIR
  --list         print the scenario ids and exit
exit: 0 when every scenario ran (targets missed are reported, not failures), 1 when one failed, 2 usage`;

/** Pinning needs two cores: the server's and the generator's. */
const SERVER_CPU = 0;
const GENERATOR_CPU = 1;
const PINNING_CORES = 2;

export interface BenchArgs {
  readonly quick: boolean;
  readonly only: readonly string[] | undefined;
  readonly outDir: string;
  readonly pin: boolean;
  readonly list: boolean;
  readonly help: boolean;
  readonly profileDir: string | undefined;
}

/** Parses `eapd bench` arguments; a string is a usage error. */
export function parseBenchArgs(
  args: readonly string[],
  defaultOutDir: string,
  known: readonly string[],
): BenchArgs | string {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean' },
        only: { type: 'string' },
        out: { type: 'string' },
        'no-pin': { type: 'boolean' },
        profile: { type: 'string' },
        list: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return (e as Error).message;
  }
  const o = parsed.values;
  let only: string[] | undefined;
  if (o.only !== undefined) {
    only = o.only
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const unknown = only.filter((id) => !known.includes(id));
    if (only.length === 0) return '--only needs at least one scenario id';
    if (unknown.length > 0) return `unknown scenario ${unknown.join(', ')} (known: ${known.join(', ')})`;
  }
  if (o.out === '') return '--out needs a directory';
  if (o.profile === '') return '--profile needs a directory';
  return {
    quick: o.quick === true,
    only,
    outDir: o.out ?? defaultOutDir,
    pin: o['no-pin'] !== true,
    list: o.list === true,
    help: o.help === true,
    profileDir: o.profile,
  };
}

function cell(v: number | string): string {
  return typeof v === 'number' ? String(v) : v.replace(/\|/g, '\\|');
}

/** One scenario's Markdown summary. */
export function renderScenarioMarkdown(r: ScenarioResult): string {
  const lines = [
    `## ${r.title}`,
    '',
    `Baseline (same run): ${r.baseline}`,
    '',
    '| figure | value |',
    '| --- | --- |',
  ];
  for (const [k, v] of Object.entries(r.figures)) lines.push(`| ${k} | ${cell(v)} |`);
  if (r.targets.length > 0) {
    lines.push('', '| target | measured | met |', '| --- | --- | --- |');
    for (const t of r.targets)
      lines.push(`| ${cell(t.target)} | ${cell(t.measured)} | ${t.met ? 'yes' : '**no**'} |`);
  }
  if (r.notes.length > 0) lines.push('', ...r.notes.map((n) => `- ${n}`));
  return lines.join('\n') + '\n';
}

/** The machine a run was made on, for the results. */
export interface BenchMachine {
  readonly node: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly pinned: boolean;
  readonly quick: boolean;
  readonly date: string;
  /** 1-minute load average when the run started: the machine may be shared. */
  readonly loadAverageAtStart: number;
}

/** Writes DIR/<id>.json and DIR/<id>.md per scenario and DIR/summary.md; returns the paths written. */
export function writeBenchResults(
  outDir: string,
  machine: BenchMachine,
  results: readonly ScenarioResult[],
  failures: readonly string[],
): string[] {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const r of results) {
    const json = join(outDir, `${r.id}.json`);
    writeFileSync(json, JSON.stringify({ machine, ...r }, null, 2) + '\n');
    const md = join(outDir, `${r.id}.md`);
    writeFileSync(md, renderScenarioMarkdown(r));
    written.push(json, md);
  }
  const head = [
    '# eapd benchmark summary',
    '',
    `${machine.date} · node ${machine.node} · ${machine.cpuModel} × ${machine.cores} · ${machine.pinned ? 'eapd pinned to core 0, generator to core 1' : 'not pinned'}${machine.quick ? ' · --quick' : ''} · load average ${machine.loadAverageAtStart} at start`,
    '',
  ];
  const failed =
    failures.length === 0
      ? []
      : ['## Scenarios that did not complete', '', ...failures.map((f) => `- ${f}`), ''];
  const summary = join(outDir, 'summary.md');
  writeFileSync(
    summary,
    head.join('\n') + failed.join('\n') + results.map(renderScenarioMarkdown).join('\n'),
  );
  written.push(summary);
  return written;
}

function canPin(): boolean {
  if (availableParallelism() < PINNING_CORES) return false;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Set in the rerun's environment, so that it never reruns itself again. */
const RERUN_ENV = 'EAPD_BENCH_RERUN';

/** node's arguments for the rerun: SERVE_NODE_FLAGS, this process's node options, its script and arguments. */
export function benchRerunArgs(execArgv: readonly string[], argv: readonly string[]): string[] {
  return [...SERVE_NODE_FLAGS, ...execArgv, ...argv.slice(1)];
}

/**
 * The generator runs in this process, so it runs with the node options eapd runs with
 * (SERVE_NODE_FLAGS): without them its own full GCs, every few seconds under load, stood in the
 * latencies it measures (`latency`, p99 at 5,000/s: 14.1 and 16.8 ms without, 3.6 and 3.8 ms with,
 * docs/performance.md round 4). Started without them, `eapd bench` runs itself again with them.
 */
function rerunWithServeNodeFlags(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, benchRerunArgs(process.execArgv, process.argv), {
      stdio: 'inherit',
      env: { ...process.env, [RERUN_ENV]: '1' },
    });
    child.once('error', () => resolve(ExitCode.FAILURE));
    child.once('exit', (code) => resolve(code ?? ExitCode.FAILURE));
  });
}

/** `eapd bench`: runs the scenarios of bench/ and writes their results. */
export async function runBenchCommand(args: string[], io: CliIo): Promise<number> {
  const root = fileURLToPath(packageRoot());
  const ids = SCENARIOS.map((s) => s.id);
  const parsed = parseBenchArgs(args, join(root, 'bench', 'results'), ids);
  if (typeof parsed === 'string') {
    io.err(`eapd bench: ${parsed}\n${BENCH_USAGE}`);
    return ExitCode.USAGE;
  }
  if (parsed.help) {
    io.out(BENCH_USAGE);
    return ExitCode.OK;
  }
  if (parsed.list) {
    for (const s of SCENARIOS) io.out(`${s.id}\t${s.title}`);
    return ExitCode.OK;
  }
  if (missingServeNodeFlags(process.execArgv, process.env.NODE_OPTIONS).length > 0) {
    if (process.env[RERUN_ENV] === undefined) return rerunWithServeNodeFlags();
    io.err(
      `eapd bench: running without ${SERVE_NODE_FLAGS.join(' ')}: the generator's own GC pauses will show in the latencies`,
    );
  }
  const cores = cpus().length;
  const loadAverageAtStart = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const pinned = parsed.pin && canPin();
  if (parsed.pin && !pinned) io.err('eapd bench: taskset or a second core is missing: running unpinned');
  if (pinned)
    execFileSync('taskset', ['-a', '-p', '-c', String(GENERATOR_CPU), String(process.pid)], {
      stdio: 'ignore',
    });
  const workDir = mkdtempSync(join(tmpdir(), 'eapd-bench-'));
  const ctx: BenchContext = {
    repoRoot: root,
    workDir,
    quick: parsed.quick,
    serverCpu: pinned ? SERVER_CPU : undefined,
    generatorCpu: pinned ? GENERATOR_CPU : undefined,
    eapdNodeFlags: parsed.profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', parsed.profileDir],
    log: (line) => io.out(line),
  };
  const results: ScenarioResult[] = [];
  const failures: string[] = [];
  try {
    for (const s of SCENARIOS) {
      if (parsed.only !== undefined && !parsed.only.includes(s.id)) continue;
      io.out(`${s.title}`);
      try {
        results.push(await s.run(ctx));
      } catch (e) {
        failures.push(`${s.id}: ${(e as Error).message}`);
        io.err(`eapd bench: scenario ${s.id} failed: ${(e as Error).stack ?? (e as Error).message}`);
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const machine: BenchMachine = {
    node: process.version,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores,
    pinned,
    quick: parsed.quick,
    date: new Date().toISOString(),
    loadAverageAtStart,
  };
  const written = writeBenchResults(parsed.outDir, machine, results, failures);
  io.out(`results: ${written.join(', ')}`);
  return failures.length === 0 ? ExitCode.OK : ExitCode.FAILURE;
}
