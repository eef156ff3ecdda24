import { setTimeout as sleep } from 'node:timers/promises';

import type { ManagedProcess } from './managed-process.js';
import { LOOPBACK } from './ports.js';
import type { Rig } from './rig.js';
import { requireTool } from './tools.js';

export interface PrometheusOptions {
  /** Its own HTTP port on 127.0.0.1 (from freePort). */
  readonly port: number;
  /** host:port of the /metrics endpoint to scrape. */
  readonly target: string;
  /** Default /metrics. */
  readonly metricsPath?: string;
  /** Default 1s. */
  readonly scrapeInterval?: string;
  readonly startTimeoutMs?: number;
}

/** One series of an instant vector. */
export interface PromSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The scrape job every rig Prometheus uses. */
export const PROM_JOB = 'target';
const DEFAULT_START_TIMEOUT_MS = 20_000;
const POLL_MS = 250;

interface ApiResponse {
  status?: string;
  error?: string;
  errorType?: string;
  data?: {
    resultType?: string;
    result?: unknown;
    activeTargets?: {
      labels?: Record<string, string>;
      health?: string;
      lastError?: string;
      scrapeUrl?: string;
    }[];
  };
}

/** A throw-away Prometheus (temp storage in the rig's dir) that scrapes one target. */
export class Prometheus {
  readonly process: ManagedProcess;
  readonly baseUrl: string;

  constructor(process: ManagedProcess, baseUrl: string) {
    this.process = process;
    this.baseUrl = baseUrl;
  }

  async #api(path: string): Promise<ApiResponse> {
    const response = await fetch(this.baseUrl + path);
    return (await response.json()) as ApiResponse;
  }

  /** Waits until the target is up and has been scraped at least minScrapes times. */
  async waitForScrapes(minScrapes: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      try {
        const targets = await this.#api('/api/v1/targets?state=active');
        const target = targets.data?.activeTargets?.find((t) => t.labels?.['job'] === PROM_JOB);
        if (target === undefined) last = 'target not listed yet';
        else {
          last = `health=${target.health} lastError=${JSON.stringify(target.lastError)}`;
          if (target.health === 'up') {
            const scrapes = await this.query(`count_over_time(up{job="${PROM_JOB}"}[1h])`);
            const count = scrapes[0]?.value ?? 0;
            last += ` scrapes=${count}`;
            if (count >= minScrapes) return;
          }
        }
      } catch (err) {
        last = (err as Error).message;
      }
      await sleep(POLL_MS);
    }
    throw new Error(
      `prometheus: target not scraped ${minScrapes} times within ${timeoutMs} ms (${last}); ${this.process.describe()}`,
    );
  }

  /** Runs an instant PromQL query; throws if Prometheus reports an error. */
  async query(promql: string): Promise<PromSample[]> {
    const r = await this.#api(`/api/v1/query?query=${encodeURIComponent(promql)}`);
    if (r.status !== 'success') throw new Error(`prometheus query ${promql}: ${r.errorType}: ${r.error}`);
    const type = r.data?.resultType;
    const result = r.data?.result;
    if (type === 'scalar') {
      const [, value] = result as [number, string];
      return [{ metric: {}, value: Number(value) }];
    }
    if (type !== 'vector') throw new Error(`prometheus query ${promql}: unexpected result type ${type}`);
    return (result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => ({
      metric: s.metric,
      value: Number(s.value[1]),
    }));
  }
}

/** Starts Prometheus scraping options.target and waits until its HTTP API is ready. */
export async function startPrometheus(rig: Rig, options: PrometheusOptions): Promise<Prometheus> {
  const binary = requireTool('prometheus');
  const interval = options.scrapeInterval ?? '1s';
  const config = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    'scrape_configs:',
    `  - job_name: ${PROM_JOB}`,
    `    metrics_path: ${options.metricsPath ?? '/metrics'}`,
    '    static_configs:',
    `      - targets: ['${options.target}']`,
    '',
  ].join('\n');
  const stem = `prometheus-${options.port}`;
  const configFile = rig.writeFile(`${stem}.yml`, config);
  const proc = await rig.start({
    name: stem,
    command: binary,
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${rig.path(`${stem}-data`)}`,
      `--web.listen-address=${LOOPBACK}:${options.port}`,
      '--log.level=warn',
    ],
  });
  const baseUrl = `http://${LOOPBACK}:${options.port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (proc.exitStatus !== undefined || Date.now() >= deadline) {
      throw new Error(`prometheus not ready on ${baseUrl}: ${proc.describe()}`);
    }
    await sleep(POLL_MS);
  }
  return new Prometheus(proc, baseUrl);
}
