#!/usr/bin/env node
/**
 * `npm run validate -- [DIR] [--repo-root DIR] [--verbose] [--json]`: the offline conformance suite (options:
 * `tools/validate/src/options.ts`).
 * Validates every YAML document under DIR (default `dist/`) against the pinned upstream schemas, runs the
 * RGD, Flux graph and hygiene checks, prints one line per violation and a summary, and exits non-zero on
 * any violation.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CommandSpec, EXIT_USAGE, parseOrExit } from '@mini-atlas/cli-common/command-line';
import { PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';
import { formatReport, validateDirectory } from './index';
import { parseValidateArgs, VALIDATE_COMMAND } from './options';

/**
 * The validate command (`npm run validate`; `npx mini-atlas validate` passes its own name and usage line as
 * `as`): prints the report and returns the exit code, 0 without violations, 1 with any, 2 for a bad command
 * line or a DIR that is not a directory.
 */
export function runValidate(argv: readonly string[], as?: Pick<CommandSpec, 'name' | 'usage'>): number {
  const command = { ...VALIDATE_COMMAND, ...as };
  const { dir: given, repoRoot, verbose, json } = parseOrExit(command, () => parseValidateArgs(argv, command));
  const dir = resolve(given ?? resolve(PROJECT_ROOT, 'dist'));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    process.stderr.write(`validate: ${dir} is not a directory (run npm run synth first?)\n`);
    return EXIT_USAGE;
  }
  let report: ReturnType<typeof validateDirectory>;
  try {
    report = validateDirectory(dir, { repoRoot });
  } catch (e) {
    // A schema neither in a local directory nor cached (the message names MINI_ATLAS_SCHEMA_DIR): one line, no stack.
    if (!(e instanceof Error) || !e.message.startsWith('schema ')) throw e;
    process.stderr.write(`${command.name}: ${e.message}\n`);
    return 1;
  }
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report, { verbose })}\n`);
  return report.violations.length === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = runValidate(process.argv.slice(2));
