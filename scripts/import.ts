/**
 * `npm run import`: regenerates `imports/` from the CRD URLs listed in `cdk8s.yaml`, and `imports/k8s.ts`
 * (the built-in kinds the library creates, {@link BUILT_IN_KINDS}) from the pinned Kubernetes definitions.
 *
 * Each URL resolves to `../shared/crds` (or $MINI_ATLAS_SCHEMA_DIR) when present, so no network is used
 * here; elsewhere it is downloaded once into ~/.cache/mini-atlas/schemas. CRDs of the same API group are
 * merged into one module (`imports/<group>.ts`), then `cdk8s import` generates the typed classes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { $ } from 'zx';
import { readImports } from './lib/cdk8s-config';
import { CommandSpec, HELP_OPTION, parseOptionsOrExit } from '@mini-atlas/cli-common/command-line';
import { fetchToCache, PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';
import { KUBERNETES_DEFINITIONS_URL } from '../lib/shared/schema-sources';

/**
 * The built-in kinds (`group/version/kind`) the library creates. `imports/k8s.ts` holds their classes and
 * the types they reach, nothing else: `cdk8s import k8s` would generate every kind of the API (3.4 MB of
 * JavaScript, which cdk8s-plus ships as its `k8s` module) and only downloads its schema from GitHub.
 */
export const BUILT_IN_KINDS = [
  '/v1/Namespace', '/v1/Service', '/v1/ServiceAccount', '/v1/ResourceQuota', '/v1/LimitRange',
  'apps/v1/Deployment', 'batch/v1/Job', 'batch/v1/CronJob', 'autoscaling/v2/HorizontalPodAutoscaler', 'policy/v1/PodDisruptionBudget',
  'storage.k8s.io/v1/StorageClass',
  'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/RoleBinding',
] as const;

/** Shape of cdk8s-cli's API object definitions (`findApiObjectDefinitions`). */
interface ApiObjectDefinition { readonly group: string; readonly version: string; readonly kind: string; readonly fqn: string }

/**
 * Writes `imports/k8s.ts` with cdk8s-cli's own generator (the code `cdk8s import k8s` runs: json2jsii types,
 * `generateConstruct`), given the pinned definitions file and limited to {@link BUILT_IN_KINDS}.
 */
export async function importBuiltInKinds(): Promise<void> {
  // cdk8s-cli exports no programmatic import API; its modules are loaded from its own folder.
  const cli = createRequire(require.resolve('cdk8s-cli/package.json'));
  const { findApiObjectDefinitions } = cli('./lib/import/k8s.js') as { findApiObjectDefinitions: (schema: unknown, prefix: string) => ApiObjectDefinition[] };
  const { emitHeader, generateConstruct, getPropsTypeName, getTypeName } = cli('./lib/import/codegen.js') as {
    emitHeader: (code: unknown, custom: boolean) => void; generateConstruct: (gen: unknown, def: ApiObjectDefinition) => void;
    getPropsTypeName: (def: ApiObjectDefinition) => string; getTypeName: (custom: boolean, kind: string, version: string) => string;
  };
  const { parseApiTypeName, safeParseJsonSchema } = cli('./lib/import/k8s-util.js') as {
    parseApiTypeName: (name: string) => { basename: string; version?: { raw: string } }; safeParseJsonSchema: (text: string) => { definitions: Record<string, unknown> };
  };
  const { TypeGenerator } = cli('json2jsii') as { TypeGenerator: new (o: unknown) => { addDefinition(fqn: string, d: unknown): void; render(): string } };
  const { CodeMaker } = cli('codemaker') as { CodeMaker: new () => { indentation: number; openFile(f: string): void; closeFile(f: string): void; line(s?: string): void; save(dir: string): Promise<unknown> } };

  const schema = safeParseJsonSchema(readFileSync(await fetchToCache(KUBERNETES_DEFINITIONS_URL), 'utf8'));
  const all = findApiObjectDefinitions(schema, 'Kube');
  const wanted = BUILT_IN_KINDS.map((gvk) => {
    const found = all.find((o) => `${o.group}/${o.version}/${o.kind}` === gvk);
    if (!found) throw new Error(`${KUBERNETES_DEFINITIONS_URL}: no definition of ${gvk}`);
    return found;
  });
  const gen = new TypeGenerator({
    definitions: schema.definitions,
    renderTypeName: (def: string) => {
      const parsed = parseApiTypeName(def);
      return parsed.version ? getTypeName(false, parsed.basename, parsed.version.raw) : parsed.basename;
    },
  });
  for (const o of all) gen.addDefinition(o.fqn, { $ref: `#/definitions/${getPropsTypeName(o)}` });
  for (const o of wanted) generateConstruct(gen, o);
  const code = new CodeMaker();
  code.indentation = 2;
  code.openFile('k8s.ts');
  emitHeader(code, false);
  code.line(gen.render());
  code.closeFile('k8s.ts');
  await code.save(join(PROJECT_ROOT, 'imports'));
  console.log(`imported ${wanted.length} built-in kinds from ${KUBERNETES_DEFINITIONS_URL}`);
}

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
  await importBuiltInKinds();
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
