#!/usr/bin/env bash
# eapd's whole test suite: what `npm test` and .ci/run run.
#   1. scripts/install-deps.sh (Debian packages of the interop peers, node_modules)
#   2. tsc build into dist/ (any type error fails), stale compiled tests removed
#   3. eslint
#   4. node --test on dist/test/unit, dist/test/integration, dist/test/interop, test files run
#      side by side (--test-concurrency), TAP output with the "# pass N" / "# fail N" summary
# Exits non-zero if any step fails, a test fails, or a test is skipped / todo.
#
# Usage: scripts/test.sh [NODE_TEST_OPTION...] [dist/test/PATH...]
#   With paths, only those run (e.g. dist/test/interop/hostapd-reference.test.js); options such as
#   --test-name-pattern=... go to node --test (skipped tests are then allowed).
# Environment:
#   EAPD_TEST_CONCURRENCY  test files run at once (default 4; node 20's own default is
#                          availableParallelism()-1, i.e. 1 on a 2-core machine)
#   EAPD_TEST_TIMEOUT_MS   per-test timeout (default 300000)
#   EAPD_KEEP_TMP=1        interop tests keep their temp dirs (configs, logs, pcaps)
set -euo pipefail
cd "$(dirname "$0")/.."

CONCURRENCY=${EAPD_TEST_CONCURRENCY:-4}
TIMEOUT_MS=${EAPD_TEST_TIMEOUT_MS:-300000}
DEFAULT_DIRS=(dist/test/unit dist/test/integration dist/test/interop)
OUT_DIR=.tmp
TAP_LOG=$OUT_DIR/test-output.tap

step() { printf '\n== %s\n' "$*"; }
T0=$SECONDS

step "dependencies (scripts/install-deps.sh)"
bash scripts/install-deps.sh

step "build (tsc -p tsconfig.json)"
npx --no-install tsc -p tsconfig.json
# A test deleted or renamed in test/ would otherwise keep running from its old dist/ copy.
while IFS= read -r -d '' js; do
  src=${js#dist/}
  src=${src%.js}.ts
  if [[ ! -f $src ]]; then
    echo "removing stale $js (no $src)"
    rm -f "$js" "$js.map"
  fi
done < <(find dist/test -name '*.js' -print0 2>/dev/null)

step "lint (eslint ., prettier --check .)"
npx --no-install eslint .
npx --no-install prettier --check . >/dev/null || { npx --no-install prettier --check .; echo "run: npm run format" >&2; exit 1; }

OPTS=()
PATHS=()
for arg in "$@"; do
  if [[ $arg == -* ]]; then OPTS+=("$arg"); else PATHS+=("$arg"); fi
done
if ((${#PATHS[@]} == 0)); then
  for d in "${DEFAULT_DIRS[@]}"; do
    if [[ -d $d ]]; then PATHS+=("$d"); else echo "note: $d does not exist (no tests compiled there)"; fi
  done
fi
((${#PATHS[@]} > 0)) || { echo "test.sh: no test directories under dist/test" >&2; exit 1; }

step "tests: node --test --test-concurrency=$CONCURRENCY ${OPTS[*]} ${PATHS[*]}"
mkdir -p "$OUT_DIR"
# Directories, not globs: node 20 finds *.test.js (also *-test.js, test-*.js, test.js) below each
# directory given. Never pass dist/test itself: then every .js under a "test" folder counts as a
# test file, helpers included.
set +e
node --test --test-reporter=tap --test-concurrency="$CONCURRENCY" --test-timeout="$TIMEOUT_MS" \
  "${OPTS[@]}" "${PATHS[@]}" </dev/null 2>&1 | tee "$TAP_LOG"
RC=${PIPESTATUS[0]}
set -e

step "summary ($((SECONDS - T0)) s in all; full TAP in $TAP_LOG)"
grep -E '^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ' "$TAP_LOG" | tail -n 8
if grep -qE '^\s*not ok ' "$TAP_LOG"; then
  echo "failed:"
  grep -E '^\s*not ok ' "$TAP_LOG"
fi
SKIPPED=$(awk '/^# (skipped|todo) / { n += $3 } END { print n + 0 }' <(grep -E '^# (skipped|todo) ' "$TAP_LOG" | tail -n 2))
if ((RC == 0 && SKIPPED > 0 && ${#OPTS[@]} == 0)); then
  echo "test.sh: $SKIPPED test(s) skipped or todo: the suite allows none" >&2
  RC=1
fi
exit "$RC"
