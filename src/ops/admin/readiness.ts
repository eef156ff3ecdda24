/** A readiness check: true (or resolves true) when the dependency it watches is usable. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

export interface ReadinessResult {
  readonly ready: boolean;
  readonly checks: readonly { readonly name: string; readonly ok: boolean }[];
  /** Names of the checks that failed, threw or timed out. */
  readonly failing: readonly string[];
}

/** A check slower than this counts as failed: /readyz must answer before the prober gives up. */
export const READINESS_TIMEOUT_MS = 2000;

/** Named checks run together by /readyz ("store reachable", "listeners up"). */
export class ReadinessChecks {
  readonly #checks = new Map<string, ReadinessCheck>();
  readonly #timeoutMs: number;

  constructor(timeoutMs = READINESS_TIMEOUT_MS) {
    this.#timeoutMs = timeoutMs;
  }

  add(name: string, check: ReadinessCheck): void {
    if (this.#checks.has(name)) throw new RangeError(`readiness check "${name}" is already registered`);
    this.#checks.set(name, check);
  }

  async run(): Promise<ReadinessResult> {
    const entries = [...this.#checks];
    const results = await Promise.all(
      entries.map(async ([name, check]) => ({ name, ok: await this.#runOne(check) })),
    );
    const failing = results.filter((r) => !r.ok).map((r) => r.name);
    return { ready: failing.length === 0, checks: results, failing };
  }

  async #runOne(check: ReadinessCheck): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.#timeoutMs);
      timer.unref();
    });
    try {
      return (await Promise.race([Promise.resolve().then(check), timeout])) === true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
