/**
 * `npm run import`: regenerates `imports/` from the CRD URLs listed in `cdk8s.yaml`.
 *
 * Each URL resolves to `../shared/crds` (or $MINI_ATLAS_SCHEMA_DIR) when present, so no network is used
 * here; elsewhere it is downloaded once into ~/.cache/mini-atlas/schemas. CRDs of the same API group are
 * merged into one module (`imports/<group>.ts`), then `cdk8s import` generates the typed classes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { $ } from 'zx';
import { readImports } from './lib/cdk8s-config';
import { CommandSpec, HELP_OPTION, parseOptionsOrExit } from '@mini-atlas/cli-common/command-line';
import { fetchToCache, PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';

async function main(): Promise<void> {
  const byGroup = new Map<string, { urls: string[]; docs: string[] }>();
  for (const url of readImports()) {
    const text = readFileSync(await fetchToCache(url), 'utf8');
    const group = (parse(text) as { spec?: { group?: string } }).spec?.group;
    if (!group) throw new Error(`${url}: not a CustomResourceDefinition (no spec.group)`);
    const entry = byGroup.get(group) ?? { urls: [], docs: [] };
    entry.urls.push(url);
    entry.docs.push(text.trim());
    byGroup.set(group, entry);
  }

  const work = mkdtempSync(join(tmpdir(), 'mini-atlas-import-'));
  const cdk8s = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk8s');
  try {
    for (const [group, { urls, docs }] of byGroup) {
      const merged = join(work, `${group}.yaml`);
      writeFileSync(merged, docs.join('\n---\n') + '\n');
      const started = Date.now();
      await $({ cwd: PROJECT_ROOT, quiet: true })`${cdk8s} import ${merged} --language typescript --output imports --no-save --no-check-upgrade`;
      console.log(`imported ${group} (${urls.length} CRD${urls.length > 1 ? 's' : ''}) in ${Date.now() - started} ms`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The import command line: no arguments but `--help`. */
export const IMPORT_COMMAND = {
  name: 'import',
  usage: 'npm run import',
  summary: 'Regenerates imports/ from the CRD URLs listed in cdk8s.yaml.',
  options: { help: HELP_OPTION },
} as const satisfies CommandSpec;

if (require.main === module) {
  parseOptionsOrExit(IMPORT_COMMAND, process.argv.slice(2));
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
