#!/usr/bin/env node
/**
 * `npx mini-atlas <command>`: the `mini-atlas` package's bin, so a platform repo that installs the package gets
 * Mini-Atlas's own commands without an entry point of its own:
 * - `synth`: `@mini-atlas/synth`'s command (`runSynthModule`) for the program a module exports
 *   (`--program`, default `platform.js`): the same flags, profiles, validation, change guard and atomic write;
 * - `validate`: `@mini-atlas/validate`'s offline conformance suite of the output (default `dist/`).
 * Each command parses its own options with the one parser (`@mini-atlas/cli-common`); `--help` after a command
 * prints them.
 */
import { EXIT_USAGE, UsageError } from '@mini-atlas/cli-common/command-line';
import { runSynthModule } from '@mini-atlas/synth';
import { runValidate } from '@mini-atlas/validate/cli';

/** The commands of the bin, by name. */
const COMMANDS: Readonly<Record<string, (argv: readonly string[]) => number>> = {
  synth: (argv) => runSynthModule(argv),
  validate: (argv) => runValidate(argv, { name: 'mini-atlas validate', usage: 'npx mini-atlas validate [DIR] [options]' }),
};

const USAGE = `Usage: npx mini-atlas <command> [options]

Commands:
  synth      build the platform program (default platform.js) and write its Flux-ready output (dist/)
  validate   validate the output (default dist/) offline against the pinned upstream schemas

\`npx mini-atlas <command> --help\` lists a command's options.
`;

function main(argv: readonly string[]): number {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`${new UsageError(`unknown command ${JSON.stringify(name)} for mini-atlas`, `use one of: ${Object.keys(COMMANDS).join(', ')}`).message}\n`);
    return EXIT_USAGE;
  }
  return command(rest);
}

process.exitCode = main(process.argv.slice(2));
