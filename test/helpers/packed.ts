/**
 * The packed packages (`npm pack` of the library, `@mini-atlas/cli-common` and `@mini-atlas/synth`) and the
 * example repositories installed from them, nothing else of this repository: shared by the packaging
 * invariants (`npm test`) and the package's budgets (`npm run test:budgets`).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = join(__dirname, '..', '..');

/** Runs a command in `cwd` and returns its stdout (throws with stderr when it fails). */
export const run = (cmd: string, args: string[], cwd: string): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_loglevel: 'error' } });

/** What `npm pack --json` reports of one package. */
export interface PackedPackage {
  readonly filename: string;
  readonly files: ReadonlyArray<{ readonly path: string }>;
}

/** The three packages packed into a fresh folder `work`. */
export interface Packed {
  readonly work: string;
  readonly packages: Readonly<Record<string, PackedPackage>>;
}

/** Packs the library, `@mini-atlas/cli-common` and `@mini-atlas/synth` into a fresh temporary folder. */
export function packAll(): Packed {
  const work = mkdtempSync(join(tmpdir(), 'mini-atlas-packaging-'));
  const packages: Record<string, PackedPackage> = {};
  for (const [name, dir] of [['mini-atlas', ROOT], ['@mini-atlas/cli-common', join(ROOT, 'tools', 'cli-common')], ['@mini-atlas/synth', join(ROOT, 'tools', 'synth')]]) {
    packages[name] = (JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], dir)) as PackedPackage[])[0];
  }
  return { work, packages };
}

/** The tarball of package `name`. */
export function tarball(packed: Packed, name: string): string {
  return join(packed.work, packed.packages[name].filename);
}

/**
 * Copies `examples/<example>` into the packed folder, points its dependencies at the packed tarballs, installs
 * and compiles it.
 * @returns the example's folder
 */
export function installExample(packed: Packed, example: string): string {
  const tarballs = Object.fromEntries(Object.keys(packed.packages).map((name) => [name, `file:${tarball(packed, name)}`]));
  const program = join(packed.work, example);
  cpSync(join(ROOT, 'examples', example), program, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(program, 'package.json'), 'utf8'));
  Object.assign(pkg.dependencies, tarballs);
  writeFileSync(join(program, 'package.json'), JSON.stringify(pkg, null, 2));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], program);
  run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], program);
  return program;
}
