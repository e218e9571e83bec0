/**
 * A platform repo on the packed packages (examples/bin-program) uses the package's bin (issue 17, item 4). The
 * package's budgets (item 5) are measured on examples/acme-platform, in test/budgets/package-budgets.test.ts (npm run test:budgets).
 * - `npx mini-atlas synth` writes the committed dist/ byte for byte, `npx mini-atlas validate` passes it, and
 *   a bad profile, a missing program and an unknown command fail with their one-line messages.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDist } from '../../lib/synth/dist-model';

const root = join(__dirname, '..', '..');
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_loglevel: 'error' } });

let work: string;
let program: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mini-atlas-bin-'));
  const tarballs: Record<string, string> = {};
  for (const [name, dir] of [
    ['mini-atlas', root], ['@mini-atlas/cli-common', join(root, 'tools', 'cli-common')],
    ['@mini-atlas/synth', join(root, 'tools', 'synth')], ['@mini-atlas/validate', join(root, 'tools', 'validate')],
  ]) {
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], dir)) as Array<{ filename: string }>;
    tarballs[name] = `file:${join(work, packed[0].filename)}`;
  }
  program = join(work, 'program');
  cpSync(join(root, 'examples', 'bin-program'), program, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(program, 'package.json'), 'utf8'));
  Object.assign(pkg.dependencies, tarballs);
  writeFileSync(join(program, 'package.json'), JSON.stringify(pkg, null, 2));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], program);
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every file below `dir`, relative, sorted. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

/** Runs the installed bin as `npx mini-atlas …` does. */
const bin = (args: string[]) => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['MINI_ATLAS_ENV', 'MINI_ATLAS_REPO', 'MINI_ATLAS_BRANCH'].includes(k)));
  // The pinned schemas, as a consumer without network points the validator at them (README).
  env.MINI_ATLAS_SCHEMA_DIR = process.env.MINI_ATLAS_SCHEMA_DIR || join(root, '..', 'shared', 'crds');
  return spawnSync(join(program, 'node_modules', '.bin', 'mini-atlas'), args, { cwd: program, encoding: 'utf8', env });
};

test('npx mini-atlas synth writes the committed dist/ byte for byte, and npx mini-atlas validate passes it', () => {
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], program);
  const synth = bin(['synth']);
  const objects = readDist(join(root, 'dist')).documents.length;
  expect(objects).toBeGreaterThan(0);
  expect({ status: synth.status, stderr: synth.stderr }).toEqual({ status: 0, stderr: '' });
  expect(synth.stdout).toMatch(new RegExp(`^synthesized ${objects} objects into 6 Flux paths under dist \\(local\\) in \\d+ ms\n$`));
  const ours = tree(join(root, 'dist'));
  expect(tree(join(program, 'dist'))).toEqual(ours);
  expect(ours.filter((f) => readFileSync(join(program, 'dist', f), 'utf8') !== readFileSync(join(root, 'dist', f), 'utf8'))).toEqual([]);

  const validate = bin(['validate']);
  expect({ status: validate.status, stderr: validate.stderr }).toEqual({ status: 0, stderr: '' });
  expect(validate.stdout).toMatch(new RegExp(`^OK: ${objects} documents, no violations$`, 'm'));
}, 300_000);

test('the bin fails with one line: an unknown profile (1), a module without a program (1), an unknown command (2)', () => {
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], program);
  writeFileSync(join(program, 'empty.js'), 'module.exports = { answer: 42 };\n');
  const results = [bin(['synth', '--env', 'staging']), bin(['synth', '--program', 'empty.js']), bin(['deploy'])]
    .map((r) => ({ status: r.status, stdout: r.stdout, stderr: r.stderr }));
  expect(results).toEqual([
    { status: 1, stdout: '', stderr: 'unknown environment profile "staging"; use one of: local, production\n' },
    {
      status: 1, stdout: '',
      stderr: 'empty.js exports no synth program; write `export default { build: (context) => buildPlatform({ ...context, teams }).app }` (or `export const program = …`)\n',
    },
    { status: 2, stdout: '', stderr: 'unknown command "deploy" for mini-atlas; use one of: synth, validate\n' },
  ]);
}, 300_000);
