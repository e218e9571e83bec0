#!/usr/bin/env node
/**
 * `npx mini-atlas <command>`: the `mini-atlas` package's bin, so a platform repo that installs the package gets
 * Mini-Atlas's own commands without an entry point of its own:
 * - `synth`: `@mini-atlas/synth`'s command (`runSynthModule`) for the program a module exports
 *   (`--program`, default `platform.js`): the same flags, profiles, validation, change guard and atomic write;
 * - `validate`: `@mini-atlas/validate`'s offline conformance suite of the output (default `dist/`).
 * Both packages are optional peer dependencies (a repo that only uses the constructs installs neither); each is
 * loaded when its command runs. Each command parses its own options with the one parser
 * (`@mini-atlas/cli-common`); `--help` after a command prints them.
 */

/**
 * Exit code of a bad command line, as in every command (`EXIT_USAGE` of `@mini-atlas/cli-common`, which is a
 * dependency of the two tool packages, not of this one, so it is not imported here).
 */
const EXIT_USAGE = 2;

/** The commands of the bin, by name: the package each needs and how it runs. */
const COMMANDS: Readonly<Record<string, { readonly needs: string; readonly run: (argv: readonly string[]) => Promise<number> }>> = {
  synth: { needs: '@mini-atlas/synth', run: async (argv) => (await import('@mini-atlas/synth')).runSynthModule(argv) },
  validate: {
    needs: '@mini-atlas/validate',
    run: async (argv) => (await import('@mini-atlas/validate/cli')).runValidate(argv, { name: 'mini-atlas validate', usage: 'npx mini-atlas validate [DIR] [options]' }),
  },
};

const USAGE = `Usage: npx mini-atlas <command> [options]

Commands:
  synth      build the platform program (default platform.js) and write its Flux-ready output (dist/)
  validate   validate the output (default dist/) offline against the pinned upstream schemas

\`npx mini-atlas <command> --help\` lists a command's options.
`;

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    // The one-line form of every usage error (`UsageError`: problem; fix).
    process.stderr.write(`unknown command ${JSON.stringify(name)} for mini-atlas; use one of: ${Object.keys(COMMANDS).join(', ')}\n`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'MODULE_NOT_FOUND' || !String((e as Error).message).includes(`'${command.needs}`)) throw e;
    process.stderr.write(`mini-atlas ${name} needs the package ${command.needs}; install it beside mini-atlas (npm install --save-dev ${command.needs})\n`);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
