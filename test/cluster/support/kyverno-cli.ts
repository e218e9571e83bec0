/**
 * Runs the real Kyverno CLI (`kubectl-kyverno`, built by `npm run tools`) and reads its results.
 *
 * `kyverno test` counts a resource its policy did not evaluate ("Excluded") as passed, whatever result the
 * test expected; {@link unevaluatedExpectations} finds those, so a pass/fail expectation the policy never
 * looked at cannot slip through.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { toYaml } from '../../../lib/synth/kubernetes-yaml';
import { toolPaths } from '../../../tools/control-plane/src/tool-cache';

/** One expectation of a `kyverno-test.yaml`. */
export interface KyvernoExpectation {
  readonly policy: string;
  readonly rule?: string;
  readonly kind: string;
  readonly resources: readonly string[];
  readonly result: 'pass' | 'fail' | 'skip' | 'warn' | 'error';
  readonly operation?: string;
}

/** The parts of a `kyverno-test.yaml` the driver reads. */
export interface KyvernoTestFile {
  readonly metadata?: { readonly name?: string };
  readonly policies: string[];
  readonly resources: string[];
  readonly results: KyvernoExpectation[];
  readonly [key: string]: unknown;
}

/** One row of `kyverno test -o json --detailed-results`. */
export interface KyvernoRow {
  readonly ID: number;
  readonly POLICY: string;
  readonly RULE: string;
  readonly RESOURCE: string;
  readonly RESULT: string;
  readonly REASON: string;
  readonly Message: string;
}

/** Result of running one suite. */
export interface KyvernoRun {
  readonly exitCode: number;
  readonly rows: readonly KyvernoRow[];
  /** Combined output, for messages. */
  readonly output: string;
}

/** The Kyverno CLI binary. */
export function kyvernoBinary(): string {
  return toolPaths(['kyverno']).kyverno;
}

/** Every suite directory (`<dir>/<name>/kyverno-test.yaml`). */
export function suiteDirs(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, e.name, 'kyverno-test.yaml')))
    .map((e) => join(root, e.name))
    .sort();
}

/** Reads a suite's `kyverno-test.yaml`. */
export function readSuite(dir: string): KyvernoTestFile {
  return parse(readFileSync(join(dir, 'kyverno-test.yaml'), 'utf8')) as KyvernoTestFile;
}

/**
 * Copies a suite into a new directory under `parent` with every policy path made absolute and mapped through
 * `mapPolicy` (e.g. into another dist directory), and every resource path made absolute, so the suite runs
 * unchanged against any copy of dist/.
 */
export function stageSuite(dir: string, mapPolicy: (absolute: string) => string, parent = tmpdir()): string {
  const out = mkdtempSync(join(parent, 'suite-'));
  cpSync(dir, out, { recursive: true });
  const suite = readSuite(dir);
  const policies = suite.policies.map((p) => mapPolicy(isAbsolute(p) ? p : resolve(dir, p)));
  // Resources may live in another suite's folder (a variant suite shares its policy suite's resources).
  const resources = suite.resources.map((r) => (isAbsolute(r) ? r : resolve(dir, r)));
  writeFileSync(join(out, 'kyverno-test.yaml'), toYaml({ ...suite, policies, resources }));
  return out;
}

function jsonRows(stdout: string): KyvernoRow[] {
  const start = stdout.search(/^\[/m);
  if (start < 0) return [];
  const end = stdout.lastIndexOf(']');
  return JSON.parse(stdout.slice(start, end + 1)) as KyvernoRow[];
}

/** Runs `kyverno test` on one suite directory. */
export function runKyvernoTest(dir: string): KyvernoRun {
  const res = spawnSync(kyvernoBinary(), ['test', dir, '--detailed-results', '--remove-color', '-o', 'json'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (res.error) throw res.error;
  return { exitCode: res.status ?? -1, rows: jsonRows(res.stdout), output: `${res.stdout}\n${res.stderr}` };
}

/**
 * Runs `kyverno apply` and returns the generated resources (from `-o <dir>`) and the summary line. With
 * `userInfoFile` (a `cli.kyverno.io/v1alpha1` UserInfo), the requests come from that user.
 */
export function runKyvernoApply(policies: readonly string[], resources: readonly string[], valuesFile?: string, parent = tmpdir(), userInfoFile?: string): {
  readonly exitCode: number; readonly output: string; readonly generated: readonly Record<string, unknown>[];
  readonly summary: Record<string, number>;
} {
  const outDir = mkdtempSync(join(parent, 'apply-'));
  const args = ['apply', ...policies, ...resources.flatMap((r) => ['--resource', r]), '--remove-color', '-o', outDir,
    ...(valuesFile ? ['--values-file', valuesFile] : []), ...(userInfoFile ? ['--userinfo', userInfoFile] : [])];
  const res = spawnSync(kyvernoBinary(), args, { encoding: 'utf8', timeout: 120_000 });
  if (res.error) throw res.error;
  const output = `${res.stdout}\n${res.stderr}`;
  const generated = readdirSync(outDir).flatMap((f) => readFileSync(join(outDir, f), 'utf8').split(/^---$/m)
    .map((d) => parse(d) as Record<string, unknown> | null).filter((d): d is Record<string, unknown> => !!d));
  const m = /pass: (\d+), fail: (\d+), warn: (\d+), error: (\d+), skip: (\d+)/.exec(output);
  const summary: Record<string, number> = m
    ? { pass: Number(m[1]), fail: Number(m[2]), warn: Number(m[3]), error: Number(m[4]), skip: Number(m[5]) }
    : {};
  return { exitCode: res.status ?? -1, output, generated, summary };
}

/** One row of `kyverno apply --policy-report`: the rule, its result and the resources it selected (`namespace/name`). */
export interface ReportRow {
  readonly policy: string;
  readonly rule: string;
  readonly result: string;
  readonly resources: readonly string[];
}

/**
 * Runs `kyverno apply --policy-report` and returns its results: which resources each rule selected. For a
 * generate rule that clones, `kyverno apply` writes no generated resource (it has no cluster to read the
 * source from); the report still names the triggers.
 */
export function runKyvernoReport(policies: readonly string[], resources: readonly string[]): { readonly exitCode: number; readonly output: string; readonly rows: readonly ReportRow[] } {
  const args = ['apply', ...policies, ...resources.flatMap((r) => ['--resource', r]), '--remove-color', '--policy-report'];
  const res = spawnSync(kyvernoBinary(), args, { encoding: 'utf8', timeout: 120_000 });
  if (res.error) throw res.error;
  const start = res.stdout.search(/^apiVersion:/m);
  const report = (start < 0 ? {} : parse(res.stdout.slice(start))) as { results?: { policy: string; rule: string; result: string; resources?: { namespace?: string; name: string }[] }[] };
  const rows = (report.results ?? []).map((r) => ({
    policy: r.policy, rule: r.rule, result: r.result,
    resources: (r.resources ?? []).map((x) => (x.namespace ? `${x.namespace}/${x.name}` : x.name)),
  }));
  return { exitCode: res.status ?? -1, output: `${res.stdout}\n${res.stderr}`, rows };
}

/** One expected denial message (`messages.yaml` beside a suite's `kyverno-test.yaml`). */
export interface ExpectedMessage {
  readonly kind: string;
  /** `namespace/name`, or `name` for a cluster-scoped resource. */
  readonly resource: string;
  readonly message: string;
}

/** The suite's `messages.yaml`: the exact message of every case it expects a policy to refuse ([] when absent). */
export function readMessages(dir: string): ExpectedMessage[] {
  const file = join(dir, 'messages.yaml');
  return existsSync(file) ? (parse(readFileSync(file, 'utf8')) as ExpectedMessage[] | null) ?? [] : [];
}

/**
 * Differences between a suite's expected denial messages and what the CLI printed: a `fail` case without an
 * expected message, an expected message without a `fail` case, and every message that is not exactly the one
 * the evaluated row carries.
 */
export function messageMismatches(suite: KyvernoTestFile, expected: readonly ExpectedMessage[], rows: readonly KyvernoRow[]): string[] {
  const key = (kind: string, resource: string): string => `${kind} ${resource}`;
  const failing = new Set(suite.results.filter((r) => r.result === 'fail').flatMap((r) => r.resources.map((res) => key(r.kind, res))));
  const listed = new Set(expected.map((m) => key(m.kind, m.resource)));
  const out: string[] = [];
  for (const f of failing) if (!listed.has(f)) out.push(`${f}: expected to fail, but messages.yaml has no message for it`);
  for (const m of expected) {
    const k = key(m.kind, m.resource);
    if (!failing.has(k)) { out.push(`${k}: messages.yaml has a message, but the suite does not expect it to fail`); continue; }
    const got = rows.filter((r) => r.REASON !== 'Excluded' && rowKey(r)?.kind === m.kind && [rowKey(r)?.id, rowKey(r)?.name].includes(m.resource))
      .map((r) => r.Message);
    if (got.length === 0) out.push(`${k}: no evaluated row`);
    for (const g of new Set(got)) if (g !== m.message) out.push(`${k}: message ${JSON.stringify(g)}, expected ${JSON.stringify(m.message)}`);
  }
  return out;
}

/** `namespace/name` or `name` of a row's RESOURCE (`<group>/<version>/<Kind>/<ns>/<name>`). */
function rowKey(row: KyvernoRow): { kind: string; id: string; name: string } | undefined {
  const parts = row.RESOURCE.split('/');
  if (parts.length < 4) return undefined;
  const name = parts[parts.length - 1]!;
  const ns = parts[parts.length - 2]!;
  const kind = parts[parts.length - 3]!;
  return { kind, id: `${ns}/${name}`, name };
}

/**
 * Expectations of `pass` or `fail` whose resource the policy did not evaluate: every row the CLI printed for
 * it is "Excluded" (which the CLI counts as passed). A resource can have an Excluded row from the policy and
 * an evaluated row from its autogen rules (controllers); that counts as evaluated.
 */
export function unevaluatedExpectations(suite: KyvernoTestFile, rows: readonly KyvernoRow[]): string[] {
  const evaluated = new Set<string>();
  const excluded = new Map<string, { kind: string; id: string; name: string; policy: string }>();
  for (const row of rows) {
    const key = rowKey(row);
    if (!key) continue;
    const k = `${row.POLICY}|${key.kind}|${key.id}`;
    if (row.REASON === 'Excluded') excluded.set(k, { ...key, policy: row.POLICY });
    else evaluated.add(k);
  }
  const out: string[] = [];
  for (const [k, key] of excluded) {
    if (evaluated.has(k)) continue;
    for (const e of suite.results) {
      if (e.policy !== key.policy || e.kind !== key.kind || e.result === 'skip') continue;
      if (e.resources.some((r) => r === key.id || r === key.name)) {
        out.push(`${e.policy}: ${e.kind} ${key.id} expected ${e.result}, but the policy did not evaluate it (Excluded)`);
      }
    }
  }
  return [...new Set(out)];
}

/** Kyverno's verdict on deleting one object: `fail` with the policy's message, or `pass`. */
export interface DeleteVerdict {
  readonly result: string;
  readonly message?: string;
}

/**
 * Runs `kyverno apply <policy> --cluster` against a live API server as a DELETE of every object the policy
 * matches: the objects are the live ones and every `resource.Get`/`resource.List` the policy makes is answered by
 * that API server. Returns the verdicts by `Kind namespace/name` (or `Kind name`), from the JSON policy report.
 */
export function runKyvernoDeleteOnCluster(policy: string, kubeconfig: string, parent = tmpdir()): Map<string, DeleteVerdict> {
  const values = join(mkdtempSync(join(parent, 'delete-')), 'values.yaml');
  writeFileSync(values, toYaml({ apiVersion: 'cli.kyverno.io/v1alpha1', kind: 'Values', globalValues: { 'request.operation': 'DELETE' } }));
  const res = spawnSync(kyvernoBinary(), ['apply', policy, '--cluster', '--kubeconfig', kubeconfig, '--values-file', values,
    '--policy-report', '--output-format', 'json', '--remove-color'], { encoding: 'utf8', timeout: 120_000 });
  if (res.error) throw res.error;
  const reports = res.stdout.split('\n').map((c) => c.trim()).filter((c) => c.startsWith('{'))
    // openreports.io/v1alpha1 (reports-api v0.2.1): each result names its objects under `resources`.
    .map((c) => JSON.parse(c) as { results?: { result: string; message?: string; resources?: { kind: string; name: string; namespace?: string }[] }[] });
  const out = new Map<string, DeleteVerdict>();
  for (const r of reports.flatMap((x) => x.results ?? [])) {
    for (const s of r.resources ?? []) {
      out.set(`${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`, r.result === 'fail' ? { result: r.result, message: r.message } : { result: r.result });
    }
  }
  if (out.size === 0) throw new Error(`kyverno apply --cluster reported no verdicts (exit ${res.status}):\n${res.stdout}\n${res.stderr}`);
  return out;
}
