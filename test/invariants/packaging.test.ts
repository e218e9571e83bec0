/**
 * Other platform repos import Mini-Atlas as a package: pack it, install the tarball into an example
 * consumer, compile the consumer against the published types, synthesize, and compare with our own output.
 * - examples/consumer: constructs alone, plain `app.synth()`, compared with what the DeliveryChart produces;
 * - examples/synth-program: the public synth command (`@mini-atlas/synth`), compared with the committed dist/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { render } from '../helpers/platform';
import { readDist } from '../../lib/synth/dist-model';

const root = join(__dirname, '..', '..');
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_loglevel: 'error' } });

test('a consumer installs the packed package, imports { Workspace } from "mini-atlas" and synthesizes the same objects', () => {
  const work = mkdtempSync(join(tmpdir(), 'mini-atlas-consumer-'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const tarball = join(work, packed[0].filename);
  const shipped = packed[0].files.map((f) => f.path);
  expect(shipped).toEqual(expect.arrayContaining(['build/lib/index.js', 'build/mini-atlas.d.ts', 'build/imports/kro.run.js', 'build/cli/mini-atlas.js', 'package.json']));
  // One declaration file: the public API and what it reaches (npm run api), no internal module's declarations.
  expect(shipped.filter((p) => p.endsWith('.d.ts'))).toEqual(['build/mini-atlas.d.ts']);
  expect(shipped.filter((p) => /^(build\/(scripts|charts)|dist|test)\//.test(p))).toEqual([]);

  const consumer = join(work, 'consumer');
  cpSync(join(root, 'examples', 'consumer'), consumer, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(consumer, 'package.json'), 'utf8'));
  pkg.dependencies['mini-atlas'] = `file:${tarball}`;
  writeFileSync(join(consumer, 'package.json'), JSON.stringify(pkg, null, 2));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], consumer);
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], consumer);
  run(process.execPath, ['main.js'], consumer);
  // The bin's tool packages are optional peers: without them it says which to install, and fails.
  const bin = spawnSync(join(consumer, 'node_modules', '.bin', 'mini-atlas'), ['validate'], { cwd: consumer, encoding: 'utf8' });
  expect({ status: bin.status, stdout: bin.stdout, stderr: bin.stderr }).toEqual({
    status: 1, stdout: '', stderr: 'mini-atlas validate needs the package @mini-atlas/validate; install it beside mini-atlas (npm install --save-dev @mini-atlas/validate)\n',
  });

  const files = readdirSync(join(consumer, 'dist'));
  const theirs = files.flatMap((f) => parseAllDocuments(readFileSync(join(consumer, 'dist', f), 'utf8')).map((d) => d.toJS()))
    .sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
  const ours = render().filter((f) => f.path.startsWith('delivery/')).map((f) => f.object)
    .sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
  expect(theirs).toEqual(ours);
}, 300_000);

/** Every file below `dir`, relative, sorted. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

test('a platform repo on the packed packages runs the public synth command and writes the committed dist/ byte for byte', () => {
  const work = mkdtempSync(join(tmpdir(), 'mini-atlas-synth-program-'));
  try {
    const tarballs: Record<string, string> = {};
    for (const [name, dir] of [['mini-atlas', root], ['@mini-atlas/cli-common', join(root, 'tools', 'cli-common')], ['@mini-atlas/synth', join(root, 'tools', 'synth')]]) {
      const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], dir)) as Array<{ filename: string }>;
      tarballs[name] = `file:${join(work, packed[0].filename)}`;
    }
    const program = join(work, 'program');
    cpSync(join(root, 'examples', 'synth-program'), program, { recursive: true });
    const pkg = JSON.parse(readFileSync(join(program, 'package.json'), 'utf8'));
    Object.assign(pkg.dependencies, tarballs);
    writeFileSync(join(program, 'package.json'), JSON.stringify(pkg, null, 2));
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], program);
    run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], program);
    const printed = run(process.execPath, ['main.js'], program);

    const ours = tree(join(root, 'dist'));
    // As many objects as the committed dist/ holds.
    const objects = readDist(join(root, 'dist')).documents.length;
    expect(objects).toBeGreaterThan(0);
    expect(printed).toMatch(new RegExp(`^synthesized ${objects} objects into 6 Flux paths under dist \\(local\\) in \\d+ ms\n$`));
    expect(tree(join(program, 'dist'))).toEqual(ours);
    const differing = ours.filter((f) => readFileSync(join(program, 'dist', f), 'utf8') !== readFileSync(join(root, 'dist', f), 'utf8'));
    expect(differing).toEqual([]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}, 300_000);
