/** Command-line options of a synth program (`runSynth`; Mini-Atlas's own is `npm run synth`). */
import { DEFAULT_BRANCH, DEFAULT_REPOSITORY_URL } from 'mini-atlas';
import { CommandSpec, HELP_OPTION, OptionValues, parseCommandLine } from '@mini-atlas/cli-common/command-line';

/** The synth command line. */
export const SYNTH_COMMAND = {
  name: 'synth',
  usage: 'npm run synth -- [options]',
  summary: 'Builds the platform and writes its Flux-ready output (dist/) atomically.',
  options: {
    env: { type: 'string', value: '<profile>', help: "environment profile (default: $MINI_ATLAS_ENV, else the program's first profile)" },
    repo: { type: 'string', value: '<git url>', help: `Git URL Flux pulls from (default: $MINI_ATLAS_REPO, else buildPlatform's default, ${DEFAULT_REPOSITORY_URL})` },
    branch: { type: 'string', value: '<name>', help: `branch Flux follows (default: $MINI_ATLAS_BRANCH, else buildPlatform's default, ${DEFAULT_BRANCH})` },
    out: { type: 'string', value: '<dir>', help: 'output directory (default dist)' },
    'flux-path': {
      type: 'string', value: '<path>',
      help: 'where the output lies in the Git repository, as Flux reads it\n(default: --out relative to the current directory; required when --out is outside it)',
    },
    all: {
      type: 'boolean',
      help: 'synthesize every profile the program declares, each into <out>/<profile>\n(Flux path <flux-path>/<profile>); not with --env',
    },
    'allow-removal': {
      type: 'string', multiple: true, value: '<Kind/ns/name>', help: 'acknowledge removing a stateful object (repeatable)',
    },
    help: HELP_OPTION,
  },
} as const satisfies CommandSpec;

/**
 * `npx mini-atlas synth` (the `mini-atlas` package's bin): the synth command line plus the module that holds
 * the program, so a platform repo needs no entry point of its own.
 */
export const SYNTH_BIN_COMMAND = {
  name: 'mini-atlas synth',
  usage: 'npx mini-atlas synth [--program <module>] [options]',
  summary: `${SYNTH_COMMAND.summary} The program is the module's default export (or its export \`program\`): { profiles?, build }.`,
  options: {
    program: { type: 'string', value: '<module>', help: 'the compiled module that exports the SynthProgram (default platform.js)' },
    ...SYNTH_COMMAND.options,
  },
} as const satisfies CommandSpec;

/** Parsed options of a synth command line. */
export interface SynthOptions {
  /** Environment profile name, not yet checked; undefined: the program's first profile. */
  readonly env?: string;
  /** Git URL Flux pulls from; undefined: the platform's default. */
  readonly repo?: string;
  /** Branch Flux follows; undefined: the platform's default. */
  readonly branch?: string;
  /** Output directory, as given (relative to the current directory). */
  readonly out: string;
  /** The output's path inside the Git repository, as given; undefined: derived from `out`. */
  readonly fluxPath?: string;
  /** Every profile, each into `<out>/<profile name>`. @default false */
  readonly all?: boolean;
  /** `Kind/namespace/name` of each stateful object whose removal is acknowledged. */
  readonly allowRemoval: readonly string[];
  readonly help: boolean;
}

/**
 * Parses a synth command line; a flag left out falls back to its environment variable (`MINI_ATLAS_ENV`, not with `--all`;
 * `MINI_ATLAS_REPO`, `MINI_ATLAS_BRANCH`; an empty repo or branch variable counts as unset).
 * @throws UsageError for a bad command line (one line, exit code 2).
 */
export function parseSynthArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): SynthOptions {
  return synthOptionsOf(parseCommandLine(SYNTH_COMMAND, argv).values, env);
}

/** The synth options of a parsed command line ({@link SYNTH_COMMAND}'s or {@link SYNTH_BIN_COMMAND}'s). */
export function synthOptionsOf(values: OptionValues<typeof SYNTH_COMMAND.options>, env: Readonly<Record<string, string | undefined>>): SynthOptions {
  return {
    // With --all, MINI_ATLAS_ENV does not apply (every profile is built); an explicit --env is refused.
    env: values.env ?? (values.all ? undefined : env.MINI_ATLAS_ENV),
    all: values.all,
    repo: values.repo ?? (env.MINI_ATLAS_REPO || undefined),
    branch: values.branch ?? (env.MINI_ATLAS_BRANCH || undefined),
    out: values.out ?? 'dist',
    fluxPath: values['flux-path'],
    allowRemoval: [...values['allow-removal']],
    help: values.help,
  };
}
