/**
 * `npm run docs`: regenerates the README's field tables from the abstraction schemas (the single source),
 * between `<!-- fields:Kind -->` and `<!-- /fields:Kind -->`. `npm test` fails when they are stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandSpec, HELP_OPTION, parseOptionsOrExit } from '@mini-atlas/cli-common/command-line';
import { PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';
import {
  BUILT_IN_PROFILES, EnvironmentProfile, Fields, infrastructureFields, topicFields, WEB_APPLICATION_FIELDS, WORKLOAD_FIELDS, workspaceFields,
} from '../lib';
import { fieldsTable } from '../lib/shared/schema-docs';

/** The abstractions documented in the README: their declaration with a profile's defaults. */
export const DOCUMENTED: Readonly<Record<string, (environment: EnvironmentProfile) => Fields>> = {
  Workspace: workspaceFields,
  WebApplication: () => WEB_APPLICATION_FIELDS,
  Workload: () => WORKLOAD_FIELDS,
  Infrastructure: infrastructureFields,
  Topic: topicFields,
};

/** The README with every field table regenerated. Throws if a marker pair is missing. */
export function renderReadme(readme: string): string {
  let out = readme;
  for (const [kind, declare] of Object.entries(DOCUMENTED)) {
    const [first] = BUILT_IN_PROFILES;
    const table = fieldsTable(declare(first), BUILT_IN_PROFILES.map((p) => [p.name, declare(p)] as const));
    const re = new RegExp(`(<!-- fields:${kind} -->\\n)[\\s\\S]*?(<!-- /fields:${kind} -->)`);
    if (!re.test(out)) throw new Error(`README.md has no <!-- fields:${kind} --> … <!-- /fields:${kind} --> block`);
    out = out.replace(re, (_m, open: string, close: string) => `${open}${table}\n${close}`);
  }
  return out;
}

/** The docs command line: no arguments but `--help`. */
export const DOCS_COMMAND = {
  name: 'docs',
  usage: 'npm run docs',
  summary: "Regenerates the README's field tables from the abstraction schemas.",
  options: { help: HELP_OPTION },
} as const satisfies CommandSpec;

if (require.main === module) {
  parseOptionsOrExit(DOCS_COMMAND, process.argv.slice(2));
  const file = join(PROJECT_ROOT, 'README.md');
  const before = readFileSync(file, 'utf8');
  const after = renderReadme(before);
  writeFileSync(file, after);
  console.log(before === after ? 'README.md field tables are up to date' : 'README.md field tables regenerated');
}
