#!/usr/bin/env node
/**
 * The fast synth path (`npm run synth`).
 *
 * `tsc` type-checks the whole program, including ~5 MB of generated imports, which takes ~20 s. Synth does
 * not need that on every run: type-checking happens in `npm run build`, `npm run lint` and CI. Here each
 * TypeScript source that is newer than its output in `build/` is transpiled on its own with esbuild (the
 * same isolated-modules semantics ts-jest uses), then the compiled app runs in this process. The output is
 * the same `dist/` (`npm test` and CI compare it with the committed one).
 *
 * Plain CommonJS on purpose: it must run before anything is compiled.
 */
'use strict';
const { readdirSync, statSync, mkdirSync, writeFileSync, readFileSync } = require('node:fs');
const { join, dirname, relative } = require('node:path');

const root = join(__dirname, '..');
const out = join(root, 'build');

function sources(dir) {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

function transpileStale() {
  let esbuild;
  let count = 0;
  // main.ts and everything it loads: the library, the teams, the generated imports, and the two tool packages
  // it loads by package name (`@mini-atlas/synth`, `@mini-atlas/cli-common`), which resolve through their
  // workspace links to tools/<name>/build/. The library itself resolves as `mini-atlas` through the root's
  // self-link (devDependency "file:.") to build/lib/.
  const packages = ['synth', 'cli-common'];
  const targetOf = (src) => {
    const pkg = packages.find((p) => src.startsWith(`tools/${p}/src/`));
    const rel = pkg ? join('tools', pkg, 'build', src.slice(`tools/${pkg}/src/`.length)) : join('build', src);
    return join(root, rel.replace(/\.ts$/, '.js'));
  };
  const all = ['main.ts', ...packages.flatMap((p) => sources(`tools/${p}/src`)), ...sources('lib'), ...sources('teams'), ...sources('imports')];
  for (const src of all) {
    const target = targetOf(src);
    let stale = true;
    try { stale = statSync(target).mtimeMs < statSync(join(root, src)).mtimeMs; } catch { /* missing */ }
    if (!stale) continue;
    esbuild ??= require('esbuild');
    const { code } = esbuild.transformSync(readFileSync(join(root, src), 'utf8'), {
      loader: 'ts', format: 'cjs', target: 'node20', sourcefile: src,
    });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
    count++;
  }
  return count;
}

const started = process.hrtime.bigint();
const n = transpileStale();
if (n > 0) {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`transpiled ${n} changed source${n === 1 ? '' : 's'} in ${ms.toFixed(0)} ms (${relative(process.cwd(), out) || '.'}/)`);
}
require(join(out, 'main.js'));
