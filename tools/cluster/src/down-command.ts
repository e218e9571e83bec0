/**
 * `npm run cluster:down`: deletes the Kind cluster after a confirmation (or with `--yes`). Without a terminal
 * to ask on, it refuses unless `--yes` is given. Deleting a cluster that does not exist succeeds.
 */
import { createInterface } from 'node:readline';
import { DownOptions } from './cli-options';
import { ClusterError, EXIT, InterruptedError, UsageError } from './cluster-error';
import { CommandContext, InputStream } from './command-context';
import { deleteKindCluster, kindClusterExists, kindContext } from './kind-cluster';
import { checkTools, TOOLS_FOR } from './prerequisites';

/** Asks a yes/no question on `output`; resolves false on anything but y/yes, on end of input, or on abort. */
export function confirm(input: InputStream, output: NodeJS.WritableStream, question: string, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input, output, terminal: false });
    let answered = false;
    const finish = (value: boolean): void => {
      if (answered) return;
      answered = true;
      signal.removeEventListener('abort', onAbort);
      rl.close();
      resolve(value);
    };
    const onAbort = (): void => {
      answered = true;
      rl.close();
      reject(new InterruptedError('SIGINT'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    output.write(question);
    rl.once('line', (line) => finish(/^\s*y(es)?\s*$/i.test(line)));
    rl.once('close', () => finish(false));
  });
}

/** Runs `cluster:down`. Returns the exit code (declining the prompt is exit 1: nothing was deleted). */
export async function clusterDown(options: DownOptions, ctx: CommandContext, output: NodeJS.WritableStream): Promise<number> {
  const { runner, progress } = ctx;
  await checkTools(runner, TOOLS_FOR.down);
  if (!(await kindClusterExists(runner, options.name))) {
    ctx.stdout.write(`Kind cluster ${options.name} does not exist; nothing to delete.\n`);
    return EXIT.ok;
  }
  if (!options.yes) {
    if (ctx.stdin.isTTY !== true) {
      const npmKeptYes = ctx.runner.env.npm_lifecycle_event !== undefined && ctx.runner.env.npm_config_yes === 'true';
      throw new UsageError(
        `refusing to delete Kind cluster ${options.name} without confirmation: there is no terminal to ask on`,
        `re-run with --yes: npm run cluster:down -- --yes${options.name === 'mini-atlas' ? '' : ` --name ${options.name}`}` +
          (npmKeptYes ? ' (npm keeps a --yes typed before "--" for itself)' : ''),
      );
    }
    const ok = await confirm(ctx.stdin, output, `Delete Kind cluster ${options.name} (context ${kindContext(options.name)}) and everything in it? [y/N] `, ctx.signal);
    if (!ok) {
      ctx.stdout.write('Not confirmed; nothing deleted.\n');
      return EXIT.failure;
    }
  }
  progress.start(`Deleting Kind cluster ${options.name}`);
  try {
    await deleteKindCluster(runner, options.name);
  } catch (e) {
    progress.fail();
    throw e instanceof ClusterError ? e : new ClusterError(String(e), 're-run `npm run cluster:down`');
  }
  progress.succeed(`Kind cluster ${options.name} deleted`);
  return EXIT.ok;
}
