/**
 * The package's budgets (issue 17, item 5), measured on another organisation's platform repo
 * (examples/acme-platform) installed from the packed packages, in fresh processes: a strict type-check
 * (`strict: true`, `skipLibCheck: false`) of the repo, median CPU (user + system) of three runs
 * ≤ {@link TYPE_CHECK_BUDGET_MS}; `require('mini-atlas')` with its peers, median CPU of ten fresh processes
 * ≤ {@link LOAD_BUDGET_MS}. CPU, not wall time, because the suites of this 2-core machine run side by side
 * (wall time is printed too). A timing measurement, so not part of `npm test`: `npm run test:budgets`, its own
 * timed phase of `.ci/run`.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { installExample, packAll, Packed, ROOT, run } from '../helpers/packed';

/** CPU budget of the consumer's strict type-check, ms (issue 17: ≤ 5 s). */
const TYPE_CHECK_BUDGET_MS = 5000;
/** CPU budget of `require('mini-atlas')` with its peers in a fresh process, ms (issue 17: ≤ 150 ms). */
const LOAD_BUDGET_MS = 150;

const tsc = join(ROOT, 'node_modules', 'typescript', 'lib', 'typescript.js');
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let packed: Packed;
let program: string;

beforeAll(() => {
  packed = packAll();
  program = installExample(packed, 'acme-platform');
}, 600_000);

afterAll(() => rmSync(packed.work, { recursive: true, force: true }));

test(`a strict type-check of examples/acme-platform (skipLibCheck: false) finds no error and costs at most ${TYPE_CHECK_BUDGET_MS} ms of CPU (median of 3)`, () => {
  const tsconfig = JSON.parse(readFileSync(join(program, 'tsconfig.json'), 'utf8'));
  expect(tsconfig.compilerOptions).toMatchObject({ strict: true, skipLibCheck: false });
  const check = `const ts = require(${JSON.stringify(tsc)});
const config = ts.getParsedCommandLineOfConfigFile('tsconfig.json', { noEmit: true }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(d.messageText); } });
const p = ts.createProgram({ rootNames: config.fileNames, options: config.options });
out = JSON.stringify({ files: p.getSourceFiles().filter((f) => f.fileName.includes('/node_modules/mini-atlas/')).length, diagnostics: ts.getPreEmitDiagnostics(p).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')) });`;
  const runs = [0, 1, 2].map(() => measured(check, program));
  console.log(`strict type-check of examples/acme-platform: CPU ${runs.map((r) => r.cpuMs.toFixed(0)).join(', ')} ms (median ${median(runs.map((r) => r.cpuMs)).toFixed(0)}), wall ${runs.map((r) => r.wallMs.toFixed(0)).join(', ')} ms`);
  // The package's one declaration file is checked with the program, and nothing in it or the repo is an error.
  expect(runs.map((r) => JSON.parse(r.out))).toEqual(Array(3).fill({ files: 1, diagnostics: [] }));
  expect(median(runs.map((r) => r.cpuMs))).toBeLessThanOrEqual(TYPE_CHECK_BUDGET_MS);
}, 300_000);

test(`require('mini-atlas') with its peers costs at most ${LOAD_BUDGET_MS} ms of CPU in a fresh process (median of 10), without cdk8s-plus`, () => {
  const runs = Array.from({ length: 10 }, () => measured("require('mini-atlas'); out = Object.keys(require.cache).filter((f) => f.includes('cdk8s-plus')).join(',');", program));
  console.log(`require('mini-atlas'): CPU median ${median(runs.map((r) => r.cpuMs)).toFixed(0)} ms, wall median ${median(runs.map((r) => r.wallMs)).toFixed(0)} ms (10 fresh processes)`);
  expect(runs.map((r) => r.out)).toEqual(Array(10).fill(''));
  expect(median(runs.map((r) => r.cpuMs))).toBeLessThanOrEqual(LOAD_BUDGET_MS);
}, 300_000);

/** A node child's CPU time (user + system) around `code`, in ms, and what `code` assigned to `out`. */
function measured(code: string, cwd: string): { cpuMs: number; wallMs: number; out: string } {
  const script = `const c = process.cpuUsage(); const w = process.hrtime.bigint(); let out = '';
${code}
const u = process.cpuUsage(c);
process.stdout.write(JSON.stringify({ cpuMs: (u.user + u.system) / 1000, wallMs: Number(process.hrtime.bigint() - w) / 1e6, out }));`;
  return JSON.parse(run(process.execPath, ['-e', script], cwd)) as { cpuMs: number; wallMs: number; out: string };
}
