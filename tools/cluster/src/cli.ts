/**
 * `npm run cluster:up | cluster:status | cluster:down` — the local Kind cluster's lifecycle.
 *
 * `main` takes its environment (argv, env, streams, signal source) as arguments so tests can run it
 * in-process with fake tools on PATH; the bottom of the file wires it to the real process.
 */
import { EventEmitter } from 'node:events';
import { CliOptions, helpText, parseCliOptions, usageText } from './cli-options';
import { ClusterError, EXIT, formatClusterError, InterruptedError } from './cluster-error';
import { CommandContext, InputStream } from './command-context';
import { CommandResult, CommandRunner, tail } from './command-runner';
import { clusterDown } from './down-command';
import { Progress, ProgressStream } from './progress';
import { clusterStatus } from './status-command';
import { PROC_SYS_DIR } from './prerequisites';
import { clusterUp } from './up-command';
import { PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';

/** The process-level things `main` uses. */
export interface CliEnvironment {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stdout: ProgressStream & NodeJS.WritableStream;
  readonly stderr: ProgressStream & NodeJS.WritableStream;
  readonly stdin: InputStream;
  /** Emits SIGINT/SIGTERM (the process, or an emitter in tests). */
  readonly signals: Pick<EventEmitter, 'on' | 'off'>;
  /** Project root (dist/ default). @default PROJECT_ROOT */
  readonly projectRoot?: string;
  /** Plain-mode heartbeat of progress lines. @default 30 s */
  readonly heartbeatMs?: number;
}

function verboseTrace(stderr: ProgressStream): (r: CommandResult) => void {
  return (r) => {
    stderr.write(`$ ${r.command}  # exit ${r.exitCode}\n`);
    for (const l of tail(`${r.stdout}\n${r.stderr}`, 40)) stderr.write(`  | ${l}\n`);
  };
}

/** Runs one lifecycle command; resolves with the process exit code (never throws). */
export async function main(cli: CliEnvironment): Promise<number> {
  const { stdout, stderr } = cli;
  let options: CliOptions;
  try {
    options = parseCliOptions(cli.argv, cli.env, cli.projectRoot ?? PROJECT_ROOT, cli.cwd);
  } catch (e) {
    if (e instanceof ClusterError) {
      stderr.write(`${formatClusterError(e)}\n`);
      if (cli.argv.length === 0 || !['up', 'status', 'down'].includes(cli.argv[0])) stderr.write(`\n${usageText()}`);
      return e.exitCode;
    }
    throw e;
  }
  if (options.help) {
    stdout.write(helpText(options.command));
    return EXIT.ok;
  }

  const abort = new AbortController();
  const progress = new Progress(stderr, cli.heartbeatMs ?? 30_000);
  let signalled: string | undefined;
  // The first Ctrl-C stops the running step and lets the command clean up and report; the handlers are then
  // removed, so a second Ctrl-C terminates the process at once.
  const onSignal = (signal: string) => (): void => {
    signalled = signal;
    removeHandlers();
    progress.stop();
    abort.abort();
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  const removeHandlers = (): void => {
    cli.signals.off('SIGINT', onInt);
    cli.signals.off('SIGTERM', onTerm);
  };
  cli.signals.on('SIGINT', onInt);
  cli.signals.on('SIGTERM', onTerm);
  const runner = new CommandRunner(cli.env, cli.cwd, abort.signal, options.verbose ? verboseTrace(stderr) : undefined);
  const ctx: CommandContext = { runner, progress, stdout, stderr, stdin: cli.stdin, signal: abort.signal, now: Date.now,
    procSysDir: cli.env.MINI_ATLAS_PROC_SYS || PROC_SYS_DIR,
  };
  try {
    switch (options.command) {
      case 'up':
        await clusterUp(options, ctx);
        return EXIT.ok;
      case 'status':
        return await clusterStatus(options, ctx);
      case 'down':
        return await clusterDown(options, ctx, stderr);
    }
  } catch (e) {
    progress.stop();
    if (e instanceof InterruptedError || signalled) {
      const done = progress.completed;
      stderr.write(
        [
          '',
          `✖ Interrupted (${signalled ?? 'SIGINT'}).`,
          done.length > 0 ? `  Done before the interruption:\n${done.map((d) => `    ✔ ${d}`).join('\n')}` : '  Nothing was finished.',
          `  Re-run \`npm run cluster:${options.command}\` to resume: finished steps are skipped or converge.`,
          '',
        ].join('\n'),
      );
      return EXIT.interrupted;
    }
    if (e instanceof ClusterError) {
      stderr.write(`${formatClusterError(e)}\n`);
      return e.exitCode;
    }
    stderr.write(`✖ unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.failure;
  } finally {
    progress.stop();
    removeHandlers();
  }
}

if (require.main === module) {
  main({
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    signals: process,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${String(e)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}
