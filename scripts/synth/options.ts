/** Command-line options of `npm run synth` (`main.ts`). */
import { CommandSpec, HELP_OPTION, parseCommandLine } from '@mini-atlas/cli-common/command-line';

/** The synth command line. */
export const SYNTH_COMMAND = {
  name: 'synth',
  usage: 'npm run synth -- [options]',
  summary: 'Builds the platform and writes dist/ atomically.',
  options: {
    env: { type: 'string', value: '<local|production>', help: 'environment profile (default: $MINI_ATLAS_ENV, else local)' },
    repo: { type: 'string', value: '<git url>', help: 'Git URL Flux pulls from (default: $MINI_ATLAS_REPO)' },
    branch: { type: 'string', value: '<name>', help: 'branch Flux follows (default: $MINI_ATLAS_BRANCH, else main)' },
    out: { type: 'string', value: '<dir>', help: 'output directory (default dist)' },
    'allow-removal': {
      type: 'string', multiple: true, value: '<Kind/ns/name>', help: 'acknowledge removing a stateful object (repeatable)',
    },
    help: HELP_OPTION,
  },
} as const satisfies CommandSpec;

/** Parsed options of `npm run synth`. */
export interface SynthOptions {
  /** Environment profile name (not yet checked). */
  env: string;
  repo?: string;
  branch?: string;
  out: string;
  allowRemoval: string[];
  help: boolean;
}

/**
 * Parses the arguments after `npm run synth --`; a flag left out falls back to its environment variable
 * (`MINI_ATLAS_ENV`, `MINI_ATLAS_REPO`, `MINI_ATLAS_BRANCH`; an empty repo or branch variable counts as
 * unset). Throws a `UsageError` for a bad command line.
 */
export function parseSynthArgs(argv: readonly string[], env: NodeJS.ProcessEnv): SynthOptions {
  const { values } = parseCommandLine(SYNTH_COMMAND, argv);
  return {
    env: values.env ?? env.MINI_ATLAS_ENV ?? 'local',
    repo: values.repo ?? (env.MINI_ATLAS_REPO || undefined),
    branch: values.branch ?? (env.MINI_ATLAS_BRANCH || undefined),
    out: values.out ?? 'dist',
    allowRemoval: [...values['allow-removal']],
    help: values.help,
  };
}
