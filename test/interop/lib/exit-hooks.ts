/**
 * Synchronous clean-up that must run however the test process ends: normal exit, an uncaught error,
 * or SIGINT/SIGTERM (node --test cancelling a file that timed out). Hooks run newest first, once.
 */
const hooks: (() => void)[] = [];
let installed = false;

function runAll(): void {
  while (hooks.length > 0) {
    const hook = hooks.pop()!;
    try {
      hook();
    } catch {
      // clean-up is best effort: one failing hook must not keep the others from running
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      runAll();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/** Registers a synchronous hook to run when the process ends. */
export function onProcessExit(hook: () => void): void {
  install();
  hooks.push(hook);
}
