/**
 * Runs the host tools (docker, kind, kubectl, helm, flux, git) through zx.
 *
 * Programs are looked up on the PATH of the given environment (not necessarily this process's), so tests can
 * put fake tools first. Commands go through `/bin/sh` with POSIX quoting, so no particular shell has to be on
 * PATH. Each command runs in its own process group, which is killed as a whole when the abort signal fires
 * (Ctrl-C). Output is captured; a failing command becomes a {@link CommandFailedError} that carries its output.
 */
import { $ } from 'zx';
import { ClusterError, InterruptedError } from './cluster-error';
import { findExecutable } from './executable-lookup';

/** What a finished command returned. */
export interface CommandResult {
  /** The command line as shown to the user. */
  readonly command: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link CommandRunner.run}. */
export interface RunOptions {
  /** Text written to the command's stdin. */
  readonly input?: string;
  /** Return a non-zero exit instead of throwing. @default false */
  readonly allowFailure?: boolean;
  /** Kill the command after this many milliseconds. @default no limit */
  readonly timeoutMs?: number;
}

/** Single-quote an argument for a POSIX shell (works for every byte, including newlines). */
export function posixQuote(arg: string): string {
  if (/^[\w/.\-@:=,+%]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The last `n` non-empty lines of command output. */
export function tail(text: string, n = 15): string[] {
  return text.split('\n').map((l) => l.trimEnd()).filter((l) => l.length > 0).slice(-n);
}

/** A command exited non-zero. */
export class CommandFailedError extends ClusterError {
  /** The result of the failed command. */
  public readonly result: CommandResult;

  public constructor(result: CommandResult, fix?: string) {
    super(
      `\`${result.command}\` failed (exit ${result.exitCode})`,
      fix ?? 'fix the cause shown above, then re-run the same command: finished steps are skipped or converge',
      { details: tail(`${result.stderr}\n${result.stdout}`) },
    );
    this.name = 'CommandFailedError';
    this.result = result;
  }
}

/** Runs host tools with a fixed environment, working directory and abort signal. */
export class CommandRunner {
  private readonly resolved = new Map<string, string>();

  /**
   * @param env environment of the commands; its PATH is where tools are looked up
   * @param cwd working directory of the commands
   * @param signal aborts running commands (Ctrl-C)
   * @param trace called with every command line and its result, e.g. for `--verbose`
   */
  public constructor(
    public readonly env: NodeJS.ProcessEnv,
    public readonly cwd: string,
    private readonly signal?: AbortSignal,
    private readonly trace?: (result: CommandResult) => void,
  ) {}

  /** The same runner without the abort signal, for clean-up after an interruption. */
  public uninterruptible(): CommandRunner {
    return new CommandRunner(this.env, this.cwd, undefined, this.trace);
  }

  /** The absolute path of a tool, or undefined when it is not on PATH. */
  public which(tool: string): string | undefined {
    if (!this.resolved.has(tool)) {
      const found = findExecutable(tool, this.env.PATH);
      if (!found) return undefined;
      this.resolved.set(tool, found);
    }
    return this.resolved.get(tool);
  }

  /** Runs `tool args…`; throws {@link CommandFailedError} on a non-zero exit unless `allowFailure`. */
  public async run(tool: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    if (this.signal?.aborted) throw new InterruptedError('SIGINT');
    const bin = this.which(tool);
    if (!bin) {
      throw new ClusterError(`\`${tool}\` is not on PATH`, `install ${tool} and make sure it is on PATH`);
    }
    const command = [tool, ...args].map(posixQuote).join(' ');
    const out = await $({
      cwd: this.cwd,
      env: this.env,
      quiet: true,
      nothrow: true,
      shell: '/bin/sh',
      prefix: '',
      postfix: '',
      quote: posixQuote,
      // Own process group: on abort (Ctrl-C) zx kills the whole group, including grandchildren.
      detached: true,
      ...(options.input !== undefined ? { input: options.input } : {}),
      ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
      ...(this.signal ? { signal: this.signal } : {}),
    })`${[bin, ...args]}`;
    if (this.signal?.aborted) throw new InterruptedError('SIGINT');
    const result: CommandResult = { command, exitCode: out.exitCode ?? 1, stdout: out.stdout, stderr: out.stderr };
    this.trace?.(result);
    if (result.exitCode !== 0 && !options.allowFailure) throw new CommandFailedError(result);
    return result;
  }
}
