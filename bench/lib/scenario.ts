/** What every scenario gets from the runner. */
export interface BenchContext {
  readonly repoRoot: string;
  /** A scratch directory for this scenario (stores, keys). */
  readonly workDir: string;
  /** Smaller counts and shorter runs (a smoke run). */
  readonly quick: boolean;
  /** The core eapd (and the other servers) are pinned to; undefined when not pinning. */
  readonly serverCpu: number | undefined;
  /** The core the generator (this process) runs on. */
  readonly generatorCpu: number | undefined;
  /** Extra node flags for eapd (e.g. --cpu-prof). */
  readonly eapdNodeFlags: readonly string[];
  log(line: string): void;
}

/** One figure against its target, reported whether met or not. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  /** The baseline the ratios are against, measured in the same run. */
  readonly baseline: string;
  /** Named figures (numbers in the unit their name says). */
  readonly figures: Readonly<Record<string, number | string>>;
  readonly targets: readonly TargetCheck[];
  readonly notes: readonly string[];
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  run(ctx: BenchContext): Promise<ScenarioResult>;
}
