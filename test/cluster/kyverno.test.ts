/**
 * The Kyverno policies of `dist/` against the real Kyverno CLI: every policy has a `kyverno test` suite under
 * `test/kyverno/<policy>/` with resources that must pass and resources that must fail; every suite passes;
 * every pass/fail case was actually evaluated by its policy; and breaking a policy makes its suite fail.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { toYaml } from '../../lib/synth/kubernetes-yaml';
import { PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';
import { DistObject, readDist } from './support/dist';
import type { KubeObject } from '../../tools/control-plane/src/kube-client';
import {
  messageMismatches, readMessages, readSuite, runKyvernoApply, runKyvernoReport, runKyvernoTest, stageSuite, suiteDirs, unevaluatedExpectations,
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

/**
 * Suites of a policy: `test/kyverno/<policy>/`, then its variants `test/kyverno/<policy>--<variant>/` (the same
 * policy under another `userinfo`: `kyverno test` takes one requester per suite, and runs every suite below the
 * directory it is given, so variants are siblings, not children).
 */
function suitesFor(policy: DistObject): string[] {
  const file = policy.file;
  return suites.filter((dir) => readSuite(dir).policies.some((p) => intoDist(resolve(dir, p)) === file));
}

const isGenerating = (o: KubeObject): boolean =>
  o.kind.includes('Generating') || JSON.stringify(o.spec ?? {}).includes('"generate"');

/**
 * The outcomes each policy's suite expects. A validating policy has cases it must refuse (fail) and cases it
 * must let through (pass, or skip when it does not select them); the generating one has cases that trigger it
 * (pass), its negatives are checked with `kyverno apply` below.
 */
const SUITE_OUTCOMES: Readonly<Record<string, readonly string[]>> = {
  'cache-password': ['pass'],
  'host-isolation': ['fail', 'pass', 'skip'],
  'hostname-ownership': ['fail', 'pass', 'skip'],
  'image-registries': ['fail', 'pass', 'skip'],
  'kafka-credentials': ['pass'],
  'operator-labels': ['fail', 'pass', 'skip'],
  'required-labels': ['fail', 'pass', 'skip'],
  'reserved-workspaces': ['fail', 'pass'],
  'role-binding-subjects': ['fail', 'pass', 'skip'],
  'service-endpoints': ['fail', 'pass', 'skip'],
  'service-exposure': ['fail', 'pass', 'skip'],
  'stateful-deletion': ['fail', 'pass'],
  'workspace-guardrails': ['fail', 'pass', 'skip'],
  'workspace-naming': ['fail', 'pass', 'skip'],
  'workspace-scope': ['fail', 'skip'],
};

/** The variant suites each policy has (`test/kyverno/<policy>--<variant>/`): the platform's controllers as requester. */
const SUITE_VARIANTS: Readonly<Record<string, readonly string[]>> = {
  'operator-labels': ['as-cilium-agent', 'as-cloudnative-pg', 'as-endpointslice-controller', 'as-job-controller', 'as-kyverno-background'],
  'service-endpoints': ['as-endpointslice-controller'],
  'workspace-guardrails': ['as-kro', 'as-namespace-controller'],
};

const GENERATING = ['cache-password', 'kafka-credentials'];

test('dist/ has the Kyverno policies the suites cover; cache-password and kafka-credentials are the ones that generate', () => {
  expect(policies.map((p) => `${p.object.kind} ${p.object.metadata.name}`).sort()).toEqual([
    ...GENERATING.map((n) => `ClusterPolicy ${n}`),
    ...Object.keys(SUITE_OUTCOMES).filter((n) => !GENERATING.includes(n)).map((n) => `ValidatingPolicy ${n}`),
  ]);
  expect(policies.filter((p) => isGenerating(p.object)).map((p) => p.object.metadata.name).sort()).toEqual(GENERATING);
});

test.each(policies.map((p) => [`${p.object.kind} ${p.object.metadata.name}`, p] as const))(
  '%s has its kyverno test suites, with the cases it must refuse and those it must let through',
  (_name, policy: DistObject) => {
    const name = policy.object.metadata.name!;
    const found = suitesFor(policy);
    expect(found.map((d) => relative(PROJECT_ROOT, d)).sort())
      .toEqual([`test/kyverno/${name}`, ...(SUITE_VARIANTS[name] ?? []).map((v) => `test/kyverno/${name}--${v}`)].sort());
    const results = found.flatMap((d) => readSuite(d).results.filter((r) => r.policy === name));
    expect([...new Set(results.map((r) => r.result))].sort()).toEqual(SUITE_OUTCOMES[name]);
  },
);

test.each(suites.map((d) => [relative(PROJECT_ROOT, d), d] as const))('kyverno test %s passes, and every pass/fail case was evaluated', (_name, dir: string) => {
  const suite = readSuite(dir);
  const run = runKyvernoTest(stageSuite(dir, intoDist, scratch));
  const failed = [...new Set(run.rows.filter((r) => r.RESULT !== 'Pass').map((r) => `${r.POLICY} ${r.RESOURCE}: ${r.REASON} ${r.Message}`))];
  expect(failed).toEqual([]);
  expect(unevaluatedExpectations(suite, run.rows)).toEqual([]);
  // Rows for exactly the policies the suite expects results of: no rows at all (output that did not parse)
  // would let the two checks above pass.
  expect([...new Set(run.rows.map((r) => r.POLICY))].sort()).toEqual([...new Set(suite.results.map((r) => r.policy))].sort());
  // Every refused case is refused with exactly the message the suite's messages.yaml names.
  expect(messageMismatches(suite, readMessages(dir), run.rows)).toEqual([]);
  if (run.exitCode !== 0) throw new Error(`kyverno test exited ${run.exitCode}:\n${run.output}`);
});

const validating = policies.filter((p) => p.object.kind === 'ValidatingPolicy' && suitesFor(p).length >= 1);

test.each(validating.map((p) => [p.object.metadata.name!, p] as const))('breaking %s (every validation allows everything) makes its suite fail', (_name, policy: DistObject) => {
  const spec = policy.object.spec as { validations: { expression: string }[] };
  const broken = { ...policy.object, spec: { ...spec, validations: spec.validations.map((v) => ({ ...v, expression: 'true' })) } };
  const file = join(mkdtempSync(join(scratch, 'broken-')), 'policy.yaml');
  writeFileSync(file, toYaml(broken));
  const target = policy.file;
  const dir = join(SUITES_DIR, policy.object.metadata.name!);
  const run = runKyvernoTest(stageSuite(dir, (p) => (intoDist(p) === target ? file : intoDist(p)), scratch));
  const failed = run.rows.filter((r) => r.RESULT === 'Fail');
  process.stderr.write(`[kyverno] broken ${policy.object.metadata.name}: exit ${run.exitCode}; first failure: ${JSON.stringify(failed[0])}\n`);
  expect(run.exitCode).not.toBe(0);
  // Exactly the cases the policy must refuse now get through (`Kind name`; a Pod rule's autogen rows for the
  // Deployment count once).
  const kindAndName = (resource: string): string => {
    const parts = resource.split('/');
    return `${parts[parts.length - 3]} ${parts[parts.length - 1]}`;
  };
  const mustFail = readSuite(dir).results.filter((r) => r.policy === policy.object.metadata.name && r.result === 'fail')
    .flatMap((r) => r.resources.map((res) => `${r.kind} ${res.split('/').pop()}`));
  expect([...new Set(failed.map((r) => kindAndName(r.RESOURCE)))].sort()).toEqual([...new Set(mustFail)].sort());
});

test('cache-password generates exactly the Secret its suite\'s annotated workspace Service asks for', () => {
  const policy = policies.find((p) => p.object.metadata.name === 'cache-password')!;
  const dir = join(SUITES_DIR, policy.object.metadata.name!);
  const suite = readSuite(dir);
  const valuesFile = join(mkdtempSync(join(scratch, 'values-')), 'values.yaml');
  writeFileSync(valuesFile, toYaml({ apiVersion: 'cli.kyverno.io/v1alpha1', kind: 'Values', ...(suite.values as object) }));
  const run = runKyvernoApply([policy.file], suite.resources.map((r) => resolve(dir, r)), valuesFile, scratch);
  expect(run.exitCode).toBe(0);
  // Only the annotated Service in a workspace namespace (team-a/team-a-db-cache) triggers generation; the one in
  // tools (no workspace label) and the unannotated one do not.
  expect((run.generated as KubeObject[]).map((g) => ({
    kind: g.kind,
    name: `${g.metadata.namespace}/${g.metadata.name}`,
    workspace: g.metadata.labels?.['platform.mini-atlas.io/workspace'],
    password: (g as unknown as { stringData: { password: string } }).stringData.password,
  }))).toEqual([{ kind: 'Secret', name: 'team-a/team-a-db-cache-auth', workspace: 'team-a', password: expect.stringMatching(/^[a-zA-Z0-9]{32}$/) }]);
});

test('kafka-credentials copies only for a Workspace\'s KafkaUser Secret in the Kafka namespace of the shared cluster (issue 16)', () => {
  const policy = policies.find((p) => p.object.metadata.name === 'kafka-credentials')!;
  const dir = join(SUITES_DIR, 'kafka-credentials');
  // Four user Secrets (team-a's; one without the workspace label; a look-alike in a tenant namespace naming
  // another workspace; another Kafka cluster's) and the cluster CA: both rules select team-a's alone.
  const run = runKyvernoReport([policy.file], ['resources.yaml', 'cluster-ca.yaml'].map((r) => join(dir, r)));
  expect(run.exitCode).toBe(0);
  expect(run.rows).toEqual([
    { policy: 'kafka-credentials', rule: 'copy-user-credentials', result: 'pass', resources: ['kafka/kafka-user-team-a'] },
    { policy: 'kafka-credentials', rule: 'copy-cluster-ca', result: 'pass', resources: ['kafka/kafka-user-team-a'] },
  ]);
  // Both copies follow their sources and go with their trigger (the Workspace's KafkaUser).
  const rules = (policy.object.spec as { rules: { name: string; generate: { synchronize: boolean; namespace: string; name: string; clone: { namespace: string; name: string } } }[] }).rules;
  expect(rules.map((r) => [r.name, r.generate.name, r.generate.namespace, r.generate.synchronize, `${r.generate.clone.namespace}/${r.generate.clone.name}`])).toEqual([
    ['copy-user-credentials', 'kafka-credentials', '{{ request.object.metadata.labels."platform.mini-atlas.io/workspace" }}', true, 'kafka/{{ request.object.metadata.name }}'],
    ['copy-cluster-ca', 'kafka-cluster-ca', '{{ request.object.metadata.labels."platform.mini-atlas.io/workspace" }}', true, 'kafka/shared-cluster-ca-cert'],
  ]);
});
