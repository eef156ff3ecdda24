/**
 * The node options `eapd serve` runs with: `npm start`, the systemd unit in docs/operations.md and
 * the benchmark all pass exactly these (a unit test checks the first two against this list).
 *
 * `--initial-old-space-size=256` (MB): V8 starts a full collection as soon as the old generation's
 * headroom is smaller than the young generation, which with a small starting heap meant one every
 * 1-5 s under load, each stalling the event loop 20-70 ms. With 256 MB to start from, the full
 * collections left are the ones external memory (Buffers) asks for, about every 20 s at 5,000
 * authentications/s. In the benchmark's steady state at 5,000/s: p99 83.6 and 95.5 ms without,
 * 24.9 and 21.0 ms with, CPU at saturation unchanged, RSS per in-flight conversation (an upper bound
 * that counts uncollected garbage) 1,700 → 1,906 B (docs/performance.md, round 4).
 */
export const SERVE_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=256'];

/**
 * The SERVE_NODE_FLAGS whose option this process was not started with (command line or
 * NODE_OPTIONS). An option given with another value counts as given: that is the operator's choice.
 */
export function missingServeNodeFlags(execArgv: readonly string[], nodeOptions = ''): string[] {
  const name = (option: string): string => option.split('=')[0]!;
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/).filter(Boolean)].map(name));
  return SERVE_NODE_FLAGS.filter((flag) => !given.has(name(flag)));
}
