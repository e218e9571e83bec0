/**
 * The errors the cluster lifecycle commands report to the user.
 *
 * Every error names the problem and the fix; the CLI prints both and exits with {@link ClusterError.exitCode}.
 */

/** Exit codes of `npm run cluster:*`. */
export const EXIT = {
  /** Everything worked (for `status`: everything is Ready). */
  ok: 0,
  /** A prerequisite is missing, a step failed, or (for `status`) something is not Ready. */
  failure: 1,
  /** Bad command line (unknown flag, bad value). */
  usage: 2,
  /** Interrupted with Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;

/** A failure with a message for humans: what is wrong, and what to do about it. */
export class ClusterError extends Error {
  /** What is wrong, in one sentence. */
  public readonly problem: string;
  /** What to do about it (a command or an edit). */
  public readonly fix: string;
  /** Process exit code. */
  public readonly exitCode: number;
  /** Extra lines shown under the problem (diagnosis, command output). */
  public readonly details: readonly string[];

  public constructor(problem: string, fix: string, options: { exitCode?: number; details?: readonly string[] } = {}) {
    super(problem);
    this.name = 'ClusterError';
    this.problem = problem;
    this.fix = fix;
    this.exitCode = options.exitCode ?? EXIT.failure;
    this.details = options.details ?? [];
  }
}

/** A bad command line. Reported before anything is touched, with exit code {@link EXIT.usage}. */
export class UsageError extends ClusterError {
  public constructor(problem: string, fix: string) {
    super(problem, fix, { exitCode: EXIT.usage });
    this.name = 'UsageError';
  }
}

/** The user pressed Ctrl-C (or the process got SIGINT/SIGTERM). */
export class InterruptedError extends Error {
  public constructor(signal: string) {
    super(`interrupted by ${signal}`);
    this.name = 'InterruptedError';
  }
}

/** Renders an error for the terminal: the problem, indented details, and the fix. */
export function formatClusterError(error: ClusterError): string {
  const lines = [`✖ ${error.problem}`];
  for (const d of error.details) lines.push(...d.split('\n').map((l) => `    ${l}`));
  lines.push(`  → ${error.fix}`);
  return lines.join('\n');
}
