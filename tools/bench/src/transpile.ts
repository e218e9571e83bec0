/**
 * Makes sure the compiled JavaScript the benchmark runs is current, the way `scripts/synth.cjs` does for
 * `npm run synth`: every TypeScript source newer than its output in `build/` is transpiled on its own with
 * esbuild. After `tsc -p tsconfig.json` (the `bench` npm script) nothing is stale and this is a no-op; it
 * lets `npx tsx tools/bench/src/cli.ts` measure the same compiled path without a full type-check first.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { transformSync } from 'esbuild';

/**
 * Folders (relative to the project root) whose sources the generated-platform app loads (`tools/cli-common/src`:
 * its command-line parser, loaded by package name, so it compiles into that package's own `build/`, as in
 * `scripts/synth.cjs`).
 */
export const APP_SOURCE_DIRS: readonly string[] = ['lib', 'teams', 'imports', 'tools/bench/src', 'tools/cli-common/src'];

const CLI_COMMON_SRC = /^tools\/cli-common\/src\//;

/** Where `src` (relative to `root`) compiles to. */
function targetOf(root: string, src: string): string {
  return CLI_COMMON_SRC.test(src)
    ? join(root, src.replace(CLI_COMMON_SRC, 'tools/cli-common/build/').replace(/\.ts$/, '.js'))
    : join(root, 'build', src.replace(/\.ts$/, '.js'));
}

function sources(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = join(dir, e.name);
    if (e.isDirectory()) return sources(root, rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** Transpiles the stale sources of `dirs` into `<root>/build`; returns how many were transpiled. */
export function transpileStale(root: string, dirs: readonly string[] = APP_SOURCE_DIRS): number {
  let count = 0;
  for (const src of dirs.flatMap((d) => sources(root, d))) {
    const target = targetOf(root, src);
    let stale = true;
    try {
      stale = statSync(target).mtimeMs < statSync(join(root, src)).mtimeMs;
    } catch {
      // no output yet
    }
    if (!stale) continue;
    const { code } = transformSync(readFileSync(join(root, src), 'utf8'), { loader: 'ts', format: 'cjs', target: 'node20', sourcefile: src });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
    count++;
  }
  return count;
}
