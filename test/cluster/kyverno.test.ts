/**
 * The Kyverno policies of `dist/` against the real Kyverno CLI: every policy has a `kyverno test` suite under
 * `test/kyverno/<policy>/` with resources that must pass and resources that must fail; every suite passes;
 * every pass/fail case was actually evaluated by its policy; and breaking a policy makes its suite fail.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { toYaml } from '../../lib/synth/kubernetes-yaml';
import { PROJECT_ROOT } from '../../scripts/lib/schema-store';
import { DistObject, readDist } from './support/dist';
import type { KubeObject } from './support/kube-client';
import {
  readSuite, runKyvernoApply, runKyvernoTest, stageSuite, suiteDirs, unevaluatedExpectations,
} from './support/kyverno-cli';

const SUITES_DIR = join(PROJECT_ROOT, 'test', 'kyverno');
const REPO_DIST = join(PROJECT_ROOT, 'dist');
const dist = readDist();
const suites = suiteDirs(SUITES_DIR);

/** Everything this file writes goes below one scratch directory, removed at the end. */
const scratch = mkdtempSync(join(tmpdir(), 'mini-atlas-kyverno-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const isPolicy = (o: KubeObject): boolean =>
  /^(policies\.)?kyverno\.io\//.test(o.apiVersion) && /Policy$/.test(o.kind) && !/Exception/.test(o.kind);
const policies: DistObject[] = dist.all.filter((o) => isPolicy(o.object));

/** Suite policy paths point into the repository's dist/; map them into the dist under test. */
function intoDist(absolute: string): string {
  const rel = relative(REPO_DIST, absolute);
  return rel.startsWith('..') ? absolute : join(dist.dir, rel);
}

function suitesFor(policy: DistObject): string[] {
  const file = policy.file;
  return suites.filter((dir) => readSuite(dir).policies.some((p) => intoDist(resolve(dir, p)) === file));
}

const isGenerating = (o: KubeObject): boolean =>
  o.kind.includes('Generating') || JSON.stringify(o.spec ?? {}).includes('"generate"');

test('dist/ has Kyverno policies', () => {
  expect(policies.length).toBeGreaterThan(0);
});

test.each(policies.map((p) => [`${p.object.kind} ${p.object.metadata.name}`, p] as const))(
  '%s has a kyverno test suite with cases that must pass and cases that must fail',
  (_name, policy: DistObject) => {
    const found = suitesFor(policy);
    expect(found.map((d) => relative(PROJECT_ROOT, d))).toHaveLength(1);
    const results = readSuite(found[0]!).results.filter((r) => r.policy === policy.object.metadata.name);
    if (isGenerating(policy.object)) {
      // Generation: at least one resource that triggers it (its negatives are checked with `kyverno apply`).
      expect(results.some((r) => r.result === 'pass')).toBe(true);
    } else {
      expect(results.some((r) => r.result === 'fail')).toBe(true);
      expect(results.some((r) => r.result === 'pass' || r.result === 'skip')).toBe(true);
    }
  },
);

test.each(suites.map((d) => [relative(PROJECT_ROOT, d), d] as const))('kyverno test %s passes, and every pass/fail case was evaluated', (_name, dir: string) => {
  const suite = readSuite(dir);
  const run = runKyvernoTest(stageSuite(dir, intoDist, scratch));
  const failed = [...new Set(run.rows.filter((r) => r.RESULT !== 'Pass').map((r) => `${r.POLICY} ${r.RESOURCE}: ${r.REASON} ${r.Message}`))];
  expect(failed).toEqual([]);
  expect(unevaluatedExpectations(suite, run.rows)).toEqual([]);
  expect(run.rows.length).toBeGreaterThanOrEqual(suite.results.length);
  if (run.exitCode !== 0) throw new Error(`kyverno test exited ${run.exitCode}:\n${run.output}`);
});

const validating = policies.filter((p) => p.object.kind === 'ValidatingPolicy' && suitesFor(p).length === 1);

test.each(validating.map((p) => [p.object.metadata.name!, p] as const))('breaking %s (every validation allows everything) makes its suite fail', (_name, policy: DistObject) => {
  const spec = policy.object.spec as { validations: { expression: string }[] };
  const broken = { ...policy.object, spec: { ...spec, validations: spec.validations.map((v) => ({ ...v, expression: 'true' })) } };
  const file = join(mkdtempSync(join(scratch, 'broken-')), 'policy.yaml');
  writeFileSync(file, toYaml(broken));
  const target = policy.file;
  const dir = suitesFor(policy)[0]!;
  const run = runKyvernoTest(stageSuite(dir, (p) => (intoDist(p) === target ? file : intoDist(p)), scratch));
  const failed = run.rows.filter((r) => r.RESULT === 'Fail');
  process.stderr.write(`[kyverno] broken ${policy.object.metadata.name}: exit ${run.exitCode}; first failure: ${JSON.stringify(failed[0])}\n`);
  expect(run.exitCode).not.toBe(0);
  expect(failed.length).toBeGreaterThan(0);
});

test.each(policies.filter((p) => isGenerating(p.object)).map((p) => [p.object.metadata.name!, p] as const))(
  '%s generates exactly the Secrets its suite\'s resources ask for',
  (_name, policy: DistObject) => {
    const dir = suitesFor(policy)[0]!;
    const suite = readSuite(dir);
    const valuesFile = join(mkdtempSync(join(scratch, 'values-')), 'values.yaml');
    writeFileSync(valuesFile, toYaml({ apiVersion: 'cli.kyverno.io/v1alpha1', kind: 'Values', ...(suite.values as object) }));
    const run = runKyvernoApply([policy.file], suite.resources.map((r) => resolve(dir, r)), valuesFile, scratch);
    expect(run.exitCode).toBe(0);
    // Only the annotated Service in a workspace namespace triggers generation.
    const expected = suite.results.filter((r) => r.policy === policy.object.metadata.name && r.result === 'pass').flatMap((r) => r.resources);
    expect(run.generated).toHaveLength(expected.length);
    for (const g of run.generated as KubeObject[]) {
      expect(g.kind).toBe('Secret');
      expect(g.metadata.labels).toMatchObject({ 'platform.mini-atlas.io/workspace': g.metadata.namespace });
      expect((g as unknown as { stringData: { password: string } }).stringData.password).toMatch(/^[a-zA-Z0-9]{32}$/);
    }
  },
);
