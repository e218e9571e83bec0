/**
 * The layering of lib/ is enforced by `npm run lint` (dependency-cruiser, `.dependency-cruiser.cjs`). These
 * tests run the lint's own command on the real library (no violation) and on a fixture library with one upward
 * import and one cycle (exactly those two, and a non-zero exit).
 */
import { spawnSync } from 'node:child_process';
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
