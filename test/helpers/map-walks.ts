/**
 * Runs `fn` and counts the calls of `Map.prototype.keys` meanwhile: how an eviction that takes a
 * Map's first key shows itself (V8 walks one hole per earlier deletion to find it).
 */
export function countMapKeyWalks(fn: () => void): number {
  const keys = Map.prototype.keys;
  let walks = 0;
  Map.prototype.keys = function (this: Map<unknown, unknown>) {
    walks += 1;
    return keys.call(this);
  };
  try {
    fn();
  } finally {
    Map.prototype.keys = keys;
  }
  return walks;
}
