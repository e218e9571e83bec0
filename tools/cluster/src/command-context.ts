/** What every lifecycle command gets from the CLI entry: tools, terminal, clock and the Ctrl-C signal. */
import { CommandRunner } from './command-runner';
import { Progress, ProgressStream } from './progress';

/** A readable terminal input (stdin). */
export interface InputStream extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
}

/** The environment a command runs in. */
export interface CommandContext {
  /** Runs host tools (PATH, env and abort signal already bound). */
  readonly runner: CommandRunner;
  /** Step progress on stderr. */
  readonly progress: Progress;
  /** Results (tables, JSON, summaries). */
  readonly stdout: ProgressStream;
  /** Messages and prompts. */
  readonly stderr: ProgressStream;
  readonly stdin: InputStream;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
  readonly now: () => number;
  /**
   * Where the host's sysctl values are read (`cluster:up` checks the inotify limits there): `/proc/sys`, or
   * `$MINI_ATLAS_PROC_SYS` (tests point it at a directory of their own).
   */
  readonly procSysDir: string;
}
