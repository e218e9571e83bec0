/**
 * The public synth entry point: what `npm run synth` is for Mini-Atlas, any platform repo gets by calling
 * {@link runSynth} with its own program. The same flags, profile selection, validation, change guard and
 * atomic write as Mini-Atlas's own `main.ts`, which is the thinnest caller of this module.
 */
import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import type { App } from 'cdk8s';
import { BUILT_IN_PROFILES, dnsLabelProblem, isConfigurationError, renderApp, writeDist, type EnvironmentProfile, type WriteDistResult } from 'mini-atlas';
import { parseOptionsOrExit, parseOrExit, UsageError } from '@mini-atlas/cli-common/command-line';
import { parseSynthArgs, SYNTH_BIN_COMMAND, SYNTH_COMMAND, synthOptionsOf, type SynthOptions } from './options';

/** Where Flux finds the output: passed to the program, which hands it to `buildPlatform({ git })`. */
export interface SynthGitSource {
  /** Git URL Flux pulls from; undefined: the platform's default. */
  readonly repositoryUrl?: string;
  /** Branch Flux follows; undefined: the platform's default. */
  readonly branch?: string;
  /** The output's folder inside the repository, POSIX-style and relative (`dist`, `deploy/dist`). */
  readonly distPath: string;
}

/** What a program is given to build one environment's app. */
export interface SynthContext {
  /** The profile `--env` (or `MINI_ATLAS_ENV`) selected. */
  readonly environment: EnvironmentProfile;
  /** The Git source Flux follows; pass it on as `buildPlatform({ git })`. */
  readonly git: SynthGitSource;
}

/** A platform repo's synth program. */
export interface SynthProgram {
  /**
   * The profiles `--env` selects from, by their `name`; the first is the default. Names must be unique.
   * @default BUILT_IN_PROFILES (`local`, then `production`)
   */
  readonly profiles?: readonly EnvironmentProfile[];
  /** Builds the whole app for one context; typically `(c) => buildPlatform({ ...c, teams }).app`. */
  readonly build: (context: SynthContext) => App;
}

/** What {@link synthesize} wrote. */
export interface SynthResult extends WriteDistResult {
  /** The profile used. */
  readonly environment: EnvironmentProfile;
  /** The output directory, absolute. */
  readonly outdir: string;
}

/** An environment profile name the program does not declare (exit code 1, one line). */
export class UnknownProfileError extends Error {
  public constructor(public readonly profileName: string, public readonly known: readonly string[]) {
    super(`unknown environment profile ${JSON.stringify(profileName)}; use one of: ${known.join(', ')}`);
    this.name = 'UnknownProfileError';
  }
}

/** The profile named `name` among `profiles`; undefined selects the first. @throws UnknownProfileError */
export function selectProfile(profiles: readonly EnvironmentProfile[], name: string | undefined): EnvironmentProfile {
  const names = profiles.map((p) => p.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new Error(`SynthProgram.profiles: the name ${JSON.stringify(twice)} is used twice; profile names must be unique`);
  const found = name === undefined ? profiles[0] : profiles.find((p) => p.name === name);
  if (!found) throw new UnknownProfileError(name ?? '', names);
  return found;
}

/**
 * The output's path inside the Git repository: `--flux-path` when given, else `--out` relative to `cwd`
 * (the repository root, where `npm run synth` runs). Flux resolves Kustomization paths from the repository
 * root (https://fluxcd.io/flux/components/kustomize/kustomizations/#path), so a path that leaves it, or an
 * output outside `cwd` without `--flux-path`, is a usage error.
 * @throws UsageError
 */
export function fluxPathOf(options: Pick<SynthOptions, 'out' | 'fluxPath'>, cwd: string): string {
  if (options.fluxPath !== undefined) {
    const p = posix.normalize(options.fluxPath.replace(/^\.\//, ''));
    if (posix.isAbsolute(p) || p === '.' || p === '..' || p.startsWith('../') || p.includes('\\')) {
      throw new UsageError(`--flux-path ${options.fluxPath} is not a folder inside the repository`, 'give a relative path such as dist or deploy/dist');
    }
    return p.replace(/\/$/, '');
  }
  const rel = relative(cwd, resolve(cwd, options.out));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new UsageError(
      `--out ${options.out} is not a folder below the current directory, so its path in the Git repository is unknown`,
      'run synth from the repository root with --out inside it, or pass --flux-path <path> (e.g. --flux-path dist)',
    );
  }
  return rel.split(sep).join('/');
}

/**
 * Builds `program` for the command line's profile and Git source and writes the output atomically
 * (`writeDist`: validation of the whole app, the change guard, one swap per changed Flux path).
 * @throws UsageError for a bad `--out`/`--flux-path`; UnknownProfileError; MiniAtlasValidationError;
 * RemovalGuardError. Nothing is written when it throws.
 */
export function synthesize(program: SynthProgram, options: SynthOptions, cwd: string = process.cwd()): SynthResult {
  const distPath = fluxPathOf(options, cwd);
  const environment = selectProfile(program.profiles ?? BUILT_IN_PROFILES, options.env);
  const git: SynthGitSource = { repositoryUrl: options.repo, branch: options.branch, distPath };
  const app = program.build({ environment, git });
  const outdir = resolve(cwd, options.out);
  return { ...writeDist(app, outdir, { allowRemoval: options.allowRemoval, outputName: options.out }), environment, outdir };
}

/**
 * Builds every profile of `program` (`--all`), each with the Git source's path `<flux path>/<profile name>`,
 * validates them all, then writes each into `<out>/<profile name>` (one Flux-ready tree per environment; a
 * cluster follows one). Nothing is written when any profile is invalid. A profile name becomes a folder, so
 * it must be a DNS-1123 label.
 * @throws UsageError for `--env` with `--all` and a bad `--out`/`--flux-path`; MiniAtlasValidationError;
 * RemovalGuardError (earlier profiles' trees are then already written).
 */
export function synthesizeAll(program: SynthProgram, options: SynthOptions, cwd: string = process.cwd()): SynthResult[] {
  if (options.env !== undefined) throw new UsageError('--all builds every profile; it cannot be combined with --env', 'leave out --env, or leave out --all');
  const base = fluxPathOf(options, cwd);
  const profiles = program.profiles ?? BUILT_IN_PROFILES;
  selectProfile(profiles, undefined);
  for (const p of profiles) {
    const problem = dnsLabelProblem(p.name);
    if (problem) throw new Error(`SynthProgram.profiles: the name ${JSON.stringify(p.name)} ${problem}; with --all it names the profile's folder`);
  }
  const builds = profiles.map((environment) => {
    const git: SynthGitSource = { repositoryUrl: options.repo, branch: options.branch, distPath: `${base}/${environment.name}` };
    const app = program.build({ environment, git });
    renderApp(app); // every profile is checked before any is written
    return { environment, app, outdir: resolve(cwd, options.out, environment.name), outputName: posix.join(options.out.split(sep).join('/'), environment.name) };
  });
  return builds.map(({ environment, app, outdir, outputName }) => ({ ...writeDist(app, outdir, { allowRemoval: options.allowRemoval, outputName }), environment, outdir }));
}

/**
 * The synth command: parses `argv` (see `npm run synth -- --help`), runs {@link synthesize} and reports.
 * With `--all`, every profile ({@link synthesizeAll}). A bad command line (`--out`/`--flux-path` included) prints one line and exits 2; `--help` prints the help
 * and exits 0; an unknown profile prints one line naming the valid ones and exits 1; invalid props or an
 * unacknowledged removal print their message (no stack) and that the output was left unchanged, exit 1.
 * Sets `process.exitCode` and returns it.
 */
export function runSynth(program: SynthProgram, argv: readonly string[] = process.argv.slice(2), env: Readonly<Record<string, string | undefined>> = process.env): number {
  const started = process.hrtime.bigint();
  return report(program, parseOrExit(SYNTH_COMMAND, () => parseSynthArgs(argv, env)), started);
}

/**
 * `npx mini-atlas synth`: {@link runSynth} for the program a module exports (`--program`, default
 * `platform.js`, relative to `cwd`): its default export, else its export `program`. The same flags, exit codes
 * and messages as {@link runSynth}; a module that cannot be loaded or exports no program prints one line and
 * exits 1.
 */
export function runSynthModule(argv: readonly string[] = process.argv.slice(2), env: Readonly<Record<string, string | undefined>> = process.env, cwd: string = process.cwd()): number {
  const started = process.hrtime.bigint();
  const values = parseOptionsOrExit(SYNTH_BIN_COMMAND, argv);
  const options = synthOptionsOf(values, env);
  const file = resolve(cwd, values.program ?? 'platform.js');
  const shown = relative(cwd, file);
  let loaded: unknown;
  try {
    // The program is a CommonJS module chosen at run time (the command is synchronous, as writeDist is).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(file);
  } catch (e) {
    return fail(1, `cannot load the synth program ${shown}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}; compile it first (tsc) or pass --program <module>`);
  }
  const program = programOf(loaded);
  if (!program) {
    return fail(1, `${shown} exports no synth program; write \`export default { build: (context) => buildPlatform({ ...context, teams }).app }\` (or \`export const program = …\`)`);
  }
  return report(program, options, started);
}

/** The SynthProgram a loaded module exports (default export, else `program`), if any. */
function programOf(loaded: unknown): SynthProgram | undefined {
  const candidates = typeof loaded === 'object' && loaded !== null ? [(loaded as { default?: unknown }).default, (loaded as { program?: unknown }).program] : [];
  return candidates.find((c): c is SynthProgram => typeof c === 'object' && c !== null && typeof (c as { build?: unknown }).build === 'function');
}

function fail(code: number, ...lines: string[]): number {
  for (const l of lines) console.error(l);
  process.exitCode = code;
  return code;
}

/** Runs {@link synthesize} for parsed options and reports as {@link runSynth} documents. */
function report(program: SynthProgram, options: SynthOptions, started: bigint): number {
  try {
    const results = options.all ? synthesizeAll(program, options) : [synthesize(program, options)];
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    for (const result of results) {
      const shown = relative(process.cwd(), result.outdir) || '.';
      console.log(`synthesized ${result.files} objects into ${result.folders} Flux paths under ${shown} (${result.environment.name}) in ${ms.toFixed(0)} ms`);
      for (const r of result.removed) console.log(`removed on purpose: ${r}`);
    }
    process.exitCode = 0;
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return fail(e.exitCode, e.message);
    if (e instanceof UnknownProfileError) return fail(1, e.message);
    return fail(1, isConfigurationError(e) ? e.message : e instanceof Error ? String(e.stack) : String(e), `${options.out} was left unchanged.`);
  }
}
