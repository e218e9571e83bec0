/**
 * The layering of lib/ is enforced by `npm run lint` (dependency-cruiser, `.dependency-cruiser.cjs`). These
 * tests run the lint's own command on the real library (no violation) and on a fixture library with one upward
 * import and one cycle (exactly those two, and a non-zero exit). And each tool under tools/ is a package that
 * declares what it imports (ARCHITECTURE.md, "The tools").
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');

/** Runs `depcruise lib --config <ours>` in `cwd`, as `npm run lint` does. */
function lint(cwd: string): { status: number | null; violations: string[] } {
  const run = spawnSync(DEPCRUISE, ['lib', '--config', join(ROOT, '.dependency-cruiser.cjs')], { cwd, encoding: 'utf8' });
  // "  error <rule>: <from> → <to> [→ …]", folded over several lines for a cycle.
  const violations = run.stdout.split(/\n\n(?=x )/)[0].split(/\n(?=\s+error )/).filter((b) => /^\s*error /.test(b)).map((b) => b.replace(/\s+/g, ' ').trim());
  return { status: run.status, violations };
}

test('the library has no upward import and no cycle', () => {
  expect(lint(ROOT)).toEqual({ status: 0, violations: [] });
});

test('a lower layer importing a higher one, and a cycle, fail the lint with the rule that names them', () => {
  expect(lint(join(ROOT, 'test', 'fixtures', 'layering'))).toEqual({
    status: 2,
    violations: [
      'error no-cycles: lib/delivery/app.ts → lib/delivery/workspace.ts → lib/delivery/app.ts',
      'error layer-shared: lib/shared/names.ts → lib/core/helm.ts',
    ],
  });
});

/** The packages a tool's sources import by name (`node:` built-ins aside), sorted: `@scope/name` or `name`. */
function importedPackages(dir: string): string[] {
  const names = new Set<string>();
  const visit = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory() && !['node_modules', 'build', 'go'].includes(e.name)) visit(join(d, e.name));
      else if (e.isFile() && e.name.endsWith('.ts')) {
        for (const m of readFileSync(join(d, e.name), 'utf8').matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)'([^'.][^']*)'/gm)) {
          const spec = m[1]!;
          if (!spec.startsWith('node:')) names.add(spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/'));
        }
      }
    }
  };
  visit(dir);
  return [...names].sort();
}

/** What a tool imports by name but its package.json does not declare (dependencies, peers, dev dependencies). */
function undeclaredImports(dir: string): string[] {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  const declared = new Set(['dependencies', 'peerDependencies', 'devDependencies'].flatMap((k) => Object.keys(pkg[k] ?? {})));
  return importedPackages(dir).filter((n) => !declared.has(n));
}

test('every tool package declares each package it imports by name (its own dependencies, not the root\'s)', () => {
  const tools = readdirSync(join(ROOT, 'tools')).sort();
  expect(tools).toEqual(['bench', 'cli-common', 'cluster', 'control-plane', 'node', 'synth', 'validate']);
  expect(tools.map((t) => [t, undeclaredImports(join(ROOT, 'tools', t))])).toEqual(tools.map((t) => [t, []]));
});

test('a made-up tool importing yaml, the library and a scoped package, declaring only the scoped one: the other two are named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mini-atlas-tool-'));
  try {
    mkdirSync(join(dir, 'src', 'nested'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@acme/tool', dependencies: { '@acme/cli': '1.0.0' } }));
    writeFileSync(join(dir, 'src', 'a.ts'), "import { parse } from 'yaml';\nimport { readFileSync } from 'node:fs';\nimport { run } from '@acme/cli/run';\nimport { x } from './nested/b';\n");
    writeFileSync(join(dir, 'src', 'nested', 'b.ts'), "import type { App } from 'mini-atlas';\nexport const x = 1;\n");
    expect([importedPackages(dir), undeclaredImports(dir)]).toEqual([['@acme/cli', 'mini-atlas', 'yaml'], ['mini-atlas', 'yaml']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
