/** Exit codes scripts can rely on (sysexits.h where one fits). */
export const ExitCode = {
  OK: 0,
  /** The operation ran and failed or was refused (auth failures in `simulate`, a refused device change). */
  FAILURE: 1,
  /** The command line is wrong: unknown command or flag, missing argument. */
  USAGE: 2,
  /** The configuration is invalid (EX_CONFIG). */
  CONFIG: 78,
  /** A needed service or file is unavailable (EX_UNAVAILABLE): store cannot open, port in use. */
  UNAVAILABLE: 69,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
