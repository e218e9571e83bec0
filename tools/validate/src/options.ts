/** Command-line options of `npm run validate`. */
import { CommandSpec, HELP_OPTION, parseCommandLine } from '@mini-atlas/cli-common/command-line';

/** The validate command line. */
export const VALIDATE_COMMAND = {
  name: 'validate',
  usage: 'npm run validate -- [DIR] [options]',
  summary: 'Validates every YAML document under DIR (default dist/) offline; exits 1 on any violation.',
  options: {
    'repo-root': { type: 'string', value: '<dir>', help: 'root of the Git repository the Flux paths are relative to (default: the parent of DIR)' },
    verbose: { type: 'boolean', help: 'list every note and every skipped transition rule' },
    json: { type: 'boolean', help: 'print the report as JSON' },
    help: HELP_OPTION,
  },
  positionals: { label: 'DIR', max: 1 },
} as const satisfies CommandSpec;

/** Parsed options of `npm run validate`. */
export interface ValidateCommandLine {
  /** The directory to validate, as given. @default undefined (dist/ of the project) */
  readonly dir?: string;
  readonly repoRoot?: string;
  readonly verbose: boolean;
  readonly json: boolean;
  readonly help: boolean;
}

/**
 * Parses the arguments after `npm run validate --` (`command`: the same options under another name and usage
 * line, as `npx mini-atlas validate`). Throws a `UsageError` for a bad command line.
 */
export function parseValidateArgs(argv: readonly string[], command: CommandSpec<typeof VALIDATE_COMMAND.options> = VALIDATE_COMMAND): ValidateCommandLine {
  const { values, positionals } = parseCommandLine(command, argv);
  return {
    ...(positionals[0] !== undefined ? { dir: positionals[0] } : {}),
    ...(values['repo-root'] !== undefined ? { repoRoot: values['repo-root'] } : {}),
    verbose: values.verbose,
    json: values.json,
    help: values.help,
  };
}
