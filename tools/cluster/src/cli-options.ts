/**
 * Command line of `npm run cluster:<command> -- [flags]`: strict parsing (an unknown flag or a bad value is
 * an error before anything runs), defaults, and the help text.
 */
import { isAbsolute, join, resolve } from 'node:path';
import {
  CommandSpec, helpText as commandLineHelp, HELP_OPTION, OptionSpecs, OptionValues, parseCommandLine, UsageError as CommandLineError,
} from '@mini-atlas/cli-common/command-line';
import { UsageError } from './cluster-error';
import { formatDuration, parseDuration } from './duration';
import { defaultCaDir } from './gateway-certificate';
import { CLUSTER_NAME_PATTERN } from './kind-config';

/** The subcommands. */
export type CommandName = 'up' | 'status' | 'down';

/** Options shared by every command. */
export interface CommonOptions {
  readonly command: CommandName;
  /** Kind cluster name; the kubeconfig context is `kind-<name>`. */
  readonly name: string;
  /** Print every command and its output. */
  readonly verbose: boolean;
  readonly help: boolean;
}

/** Options of `cluster:up`. */
export interface UpOptions extends CommonOptions {
  readonly command: 'up';
  readonly repo?: string;
  readonly branch?: string;
  readonly sshToHttps: boolean;
  /** Overall budget for the whole run, in ms. */
  readonly timeoutMs: number;
  /** Poll interval while waiting, in ms. */
  readonly pollMs: number;
  /** The synthesized manifests. */
  readonly distDir: string;
  /** Where the local CAs of the Gateway's certificates are kept (one subdirectory per domain). */
  readonly caDir: string;
}

/** Options of `cluster:status`. */
export interface StatusOptions extends CommonOptions {
  readonly command: 'status';
  readonly json: boolean;
}

/** Options of `cluster:down`. */
export interface DownOptions extends CommonOptions {
  readonly command: 'down';
  readonly yes: boolean;
}

/** Parsed command line. */
export type CliOptions = UpOptions | StatusOptions | DownOptions;

/** Default cluster name. */
export const DEFAULT_CLUSTER_NAME = 'mini-atlas';
/** Default overall timeout of `up`. */
export const DEFAULT_TIMEOUT = '25m';
const DEFAULT_POLL = '5s';

const COMMON = {
  name: { type: 'string', value: '<name>', help: `Kind cluster name (default ${DEFAULT_CLUSTER_NAME}); kubeconfig context kind-<name>` },
  verbose: { type: 'boolean', short: 'v', help: 'print every command run and its output' },
  help: HELP_OPTION,
} as const satisfies OptionSpecs;

const FLAGS: Record<CommandName, OptionSpecs> = {
  up: {
    ...COMMON,
    repo: { type: 'string', value: '<url>', help: 'Git repository Flux pulls (default: the URL of the git remote of the checkout)' },
    branch: { type: 'string', value: '<name>', help: 'branch Flux follows (default: the upstream of the current branch, else the current branch)' },
    'ssh-to-https': { type: 'boolean', help: 'turn an SSH repository URL into https:// (anonymous clone, for public repositories)' },
    timeout: { type: 'string', value: '<duration>', help: `overall time limit, e.g. 40m (default ${DEFAULT_TIMEOUT})` },
    'poll-interval': { type: 'string', value: '<duration>', help: `how often readiness is checked (default ${DEFAULT_POLL})` },
    dist: { type: 'string', value: '<dir>', help: 'synthesized manifests (default: dist/ of the project)' },
    'ca-dir': { type: 'string', value: '<dir>', help: 'where the local CA of the Gateway certificate is kept, one folder per domain (default: $XDG_DATA_HOME/mini-atlas/local-ca, else ~/.local/share/mini-atlas/local-ca)' },
  },
  status: {
    ...COMMON,
    json: { type: 'boolean', help: 'print JSON instead of tables' },
  },
  down: {
    ...COMMON,
    yes: { type: 'boolean', short: 'y', help: 'do not ask for confirmation' },
  },
};

const SUMMARY: Record<CommandName, string> = {
  up: 'Create the Kind cluster (if needed), install Gateway API CRDs, Cilium and Flux, point Flux at the repository and wait until every layer is Ready. Safe to re-run: it converges.',
  status: 'Show the readiness of the layers (Flux Kustomizations), HelmReleases, ResourceGraphDefinitions and the workspaces with their instances. Exit code 0 when everything is Ready, 1 otherwise.',
  down: 'Delete the Kind cluster (asks first unless --yes).',
};

/** The command line of one subcommand. */
function commandSpec(command: CommandName): CommandSpec {
  return { name: `cluster:${command}`, usage: `npm run cluster:${command} -- [options]`, summary: SUMMARY[command], options: FLAGS[command] };
}

/** The help text of a command. */
export function helpText(command: CommandName): string {
  return commandLineHelp(commandSpec(command));
}

/** The general usage text (no or unknown command). */
export function usageText(): string {
  return [
    'Usage: node build/tools/cluster/src/cli.js <up|status|down> [options]   (npm run cluster:<command> -- [options])',
    '',
    ...(['up', 'status', 'down'] as const).map((c) => `  ${c.padEnd(7)} ${SUMMARY[c]}`),
    '',
  ].join('\n');
}

/**
 * Flags that are not npm settings, so an `npm_config_<flag>` variable can only come from `npm run x --flag`
 * typed without `--` (npm keeps such flags for itself). `--yes`, `--json`, `--verbose` and `--help` are
 * npm settings too and may be set globally, so they are not inferred.
 */
const NOT_NPM_SETTINGS = new Set(['name', 'repo', 'branch', 'ssh-to-https', 'timeout', 'poll-interval', 'dist', 'ca-dir']);

/** The flags npm swallowed from `npm run cluster:x --flag …`: set by npm, and not on the command line. */
function swallowedByNpm(command: CommandName, env: NodeJS.ProcessEnv, args: readonly string[]): string[] {
  if (env.npm_lifecycle_event === undefined) return [];
  const given = (f: string): boolean => args.some((a) => a === `--${f}` || a.startsWith(`--${f}=`));
  return Object.keys(FLAGS[command])
    .filter((f) => NOT_NPM_SETTINGS.has(f) && !given(f) && env[`npm_config_${f.replace(/-/g, '_')}`] !== undefined)
    .map((f) => `--${f}`);
}

/**
 * Parses `argv` (after the script name); relative paths resolve against `cwd`. Throws {@link UsageError} for an unknown command or flag, a
 * missing or bad value, or a stray positional argument.
 */
export function parseCliOptions(argv: readonly string[], env: NodeJS.ProcessEnv, projectRoot: string, cwd: string): CliOptions {
  const [command, ...rest] = argv;
  if (command !== 'up' && command !== 'status' && command !== 'down') {
    throw new UsageError(
      command === undefined ? 'no command given' : `unknown command ${JSON.stringify(command)}`,
      'use one of: npm run cluster:up, npm run cluster:status, npm run cluster:down',
    );
  }
  // Before parsing: a swallowed flag's value is left behind as a stray argument, and this message says why.
  const swallowed = swallowedByNpm(command, env, rest);
  if (swallowed.length > 0) {
    throw new UsageError(
      `npm consumed ${swallowed.join(', ')} instead of passing ${swallowed.length > 1 ? 'them' : 'it'} to cluster:${command}`,
      `put flags after a double dash: npm run cluster:${command} -- ${swallowed.join(' ')} …`,
    );
  }
  let values: OptionValues<OptionSpecs>;
  try {
    ({ values } = parseCommandLine(commandSpec(command), rest));
  } catch (e) {
    if (e instanceof CommandLineError) throw new UsageError(e.problem, e.fix);
    throw e;
  }
  const name = (values.name as string | undefined) ?? DEFAULT_CLUSTER_NAME;
  if (!CLUSTER_NAME_PATTERN.test(name) || name.length > 40) {
    throw new UsageError(`--name ${JSON.stringify(name)} is not a valid cluster name`, 'use lowercase letters, digits and dashes (at most 40), e.g. --name mini-atlas');
  }
  const common = { name, verbose: values.verbose === true, help: values.help === true };
  if (command === 'status') return { ...common, command, json: values.json === true };
  if (command === 'down') return { ...common, command, yes: values.yes === true };

  const duration = (flag: string, fallback: string): number => {
    const text = (values[flag] as string | undefined) ?? fallback;
    const ms = parseDuration(text);
    if (ms === undefined) {
      throw new UsageError(`--${flag} ${JSON.stringify(text)} is not a duration`, `use e.g. --${flag} ${flag === 'timeout' ? '40m' : '10s'} (units h, m, s, ms)`);
    }
    return ms;
  };
  const timeoutMs = duration('timeout', DEFAULT_TIMEOUT);
  if (timeoutMs < 1000) throw new UsageError(`--timeout ${formatDuration(timeoutMs)} is too short`, `use e.g. --timeout ${DEFAULT_TIMEOUT}`);
  const dist = values.dist as string | undefined;
  const caDir = values['ca-dir'] as string | undefined;
  // npm runs scripts in the package root; INIT_CWD is where the user typed the command.
  const fromUser = (path: string): string => (isAbsolute(path) ? path : resolve(env.INIT_CWD ?? cwd, path));
  return {
    ...common,
    command,
    ...(typeof values.repo === 'string' ? { repo: values.repo } : {}),
    ...(typeof values.branch === 'string' ? { branch: values.branch } : {}),
    sshToHttps: values['ssh-to-https'] === true,
    timeoutMs,
    pollMs: duration('poll-interval', DEFAULT_POLL),
    distDir: dist ? fromUser(dist) : join(projectRoot, 'dist'),
    caDir: caDir ? fromUser(caDir) : defaultCaDir(env),
  };
}
