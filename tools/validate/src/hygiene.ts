/**
 * Policy and hygiene checks: no Secret carries data and no file holds a secret-looking literal (the one
 * secret scanner, {@link checkSecrets}); every container (workloads and RGD templates) has
 * CPU/memory requests and limits and a restricted security context (Pod Security "restricted"); no mutable
 * image tags (an image given by a CEL expression must come from a schema field whose pattern forbids them);
 * every object of a namespaced kind has a namespace unless its Flux Kustomization sets `targetNamespace`,
 * and no cluster-scoped object has one; every file means the same under YAML 1.1 and YAML 1.2; every
 * data-bearing object and namespace holding one is never pruned by Flux and their volumes are retained
 * ({@link checkDataProtection}).
 */
import { Document, isMap, isScalar, isSeq } from 'yaml';
import {
  JsonObject, JsonValue, DNS_SUBDOMAIN, imagePinProblem, DistDocument, DistModel, ParsedDistFile, parseYamlDocuments,
  dataProtectionProblems,
} from 'mini-atlas';
import { parseCel, referencesOf } from './cel-ast';
import { CelRuleEvaluator } from './cel-rules';
import { FluxAnalysis } from './flux-graph';
import { childPath, indexPath } from './json-path';
import { extractExpressions } from './kro-expressions';
import { CelStatistics, Violation } from './model';
import { asList, asObject, asString, metaOf, violation } from './objects';
import { nodeAtPath, RgdModel } from './rgd';
import { KindResolver, splitApiVersion } from './schema-registry';
import { validateValue } from './structural-validator';

const scratchStats = (): CelStatistics => ({ evaluations: 0, failures: 0, transitionRules: [], unevaluable: [] });

/** Where the pod spec sits in each workload kind (built-in groups only). */
const POD_SPEC_PATHS: ReadonlyMap<string, readonly string[]> = new Map([
  ['/Pod', ['spec']],
  ['apps/Deployment', ['spec', 'template', 'spec']],
  ['apps/StatefulSet', ['spec', 'template', 'spec']],
  ['apps/DaemonSet', ['spec', 'template', 'spec']],
  ['apps/ReplicaSet', ['spec', 'template', 'spec']],
  ['/ReplicationController', ['spec', 'template', 'spec']],
  ['batch/Job', ['spec', 'template', 'spec']],
  ['batch/CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'spec']],
]);

/** Samples an image pattern must reject (untagged, `latest`) and accept (a tag, a digest). */
const MUTABLE_IMAGE_SAMPLES = ['ghcr.io/team/app', 'ghcr.io/team/app:latest', 'app'];
const PINNED_IMAGE_SAMPLES = ['ghcr.io/team/app:1.2.3', `ghcr.io/team/app@sha256:${'a'.repeat(64)}`];

const isExpr = (v: JsonValue | undefined): boolean => typeof v === 'string' && v.includes('${');

/** Context of the hygiene checks. */
export interface HygieneContext {
  readonly kinds: KindResolver;
  readonly flux: FluxAnalysis;
  readonly rgds: readonly RgdModel[];
  readonly notes: string[];
}

/** Runs the hygiene checks over all documents. */
export function checkHygiene(docs: readonly DistDocument[], ctx: HygieneContext): Violation[] {
  const out: Violation[] = [];
  for (const doc of docs) {
    const o = doc.object;
    const group = splitApiVersion(String(o.apiVersion)).group;
    const kind = String(o.kind);
    const podPath = POD_SPEC_PATHS.get(`${group}/${kind}`);
    if (podPath) checkPodSpec(o, podPath, '$', (p, m) => out.push(violation(doc, 'hygiene', p, m)), undefined);
    checkNamespace(doc, ctx, out);
  }
  for (const rgd of ctx.rgds) {
    for (const r of rgd.resources) {
      if (!r.template || !r.apiVersion || !r.kind) continue;
      const base = childPath(r.path, 'template');
      const report = (p: string, m: string): void => { out.push(violation(rgd.doc, 'hygiene', p, `${r.kind} template ${r.id}: ${m}`)); };
      const g = splitApiVersion(r.apiVersion).group;
      if (g === '' && r.kind === 'Secret') checkSecret(r.template, base, report, true);
      const podPath = POD_SPEC_PATHS.get(`${g}/${r.kind}`);
      if (podPath) checkPodSpec(r.template, podPath, base, report, { rgd, notes: ctx.notes });
    }
  }
  return out;
}

function checkSecret(o: JsonObject, base: string, report: (path: string, message: string) => void, literalOnly = false): void {
  for (const field of ['data', 'stringData']) {
    const m = asObject(o[field]);
    if (!m) continue;
    const literal = Object.entries(m).filter(([, v]) => !literalOnly || !isExpr(v));
    if (literal.length > 0) {
      report(childPath(base, field), `Secret carries ${field} (${literal.map(([k]) => k).join(', ')}); secrets must not be committed — let an operator generate them or reference them`);
    }
  }
}

function checkNamespace(doc: DistDocument, ctx: HygieneContext, out: Violation[]): void {
  const o = doc.object;
  const namespaced = ctx.kinds.namespaced(String(o.apiVersion), String(o.kind));
  if (namespaced === undefined) return; // unknown kind: the schema check reports it
  const { namespace } = metaOf(o);
  if (namespaced && !namespace) {
    const layer = ctx.flux.layerOfFile.get(doc.file);
    if (!layer?.targetNamespace) {
      out.push(violation(doc, 'hygiene', '$.metadata.namespace', `${String(o.kind)} is namespaced but has no metadata.namespace${layer ? ` and Kustomization ${layer.key} sets no targetNamespace` : ''}`));
    }
  } else if (!namespaced && namespace) {
    out.push(violation(doc, 'hygiene', '$.metadata.namespace', `${String(o.kind)} is cluster-scoped but sets metadata.namespace ${JSON.stringify(namespace)}`));
  }
}

interface RgdImageContext {
  readonly rgd: RgdModel;
  readonly notes: string[];
}

function get(o: JsonValue | undefined, path: readonly string[]): JsonValue | undefined {
  let v = o;
  for (const p of path) v = asObject(v)?.[p];
  return v;
}

function checkPodSpec(
  o: JsonObject, podPath: readonly string[], base: string, report: (path: string, message: string) => void, rgd: RgdImageContext | undefined,
): void {
  const pod = asObject(get(o, podPath));
  if (!pod) return;
  const podBase = podPath.reduce((p, s) => childPath(p, s), base);
  const podSc = asObject(pod.securityContext) ?? {};
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (pod[f] === true) report(childPath(podBase, f), `${f} is not allowed (Pod Security restricted)`);
  }
  asList(pod.volumes).forEach((v, i) => {
    if (asObject(v)?.hostPath) report(indexPath(childPath(podBase, 'volumes'), i), 'hostPath volumes are not allowed (Pod Security restricted)');
  });
  for (const field of ['initContainers', 'containers']) {
    asList(pod[field]).forEach((c, i) => {
      const container = asObject(c);
      if (!container) return;
      const cp = indexPath(childPath(podBase, field), i);
      const name = asString(container.name) ?? `#${i}`;
      checkContainer(container, podSc, cp, name, report);
      checkImage(container.image, childPath(cp, 'image'), name, report, rgd);
    });
  }
}

function checkContainer(c: JsonObject, podSc: JsonObject, cp: string, name: string, report: (path: string, message: string) => void): void {
  const res = asObject(c.resources) ?? {};
  const missing = ['requests', 'limits'].flatMap((k) => ['cpu', 'memory'].filter((r) => asObject(res[k])?.[r] === undefined).map((r) => `${k}.${r}`));
  if (missing.length > 0) report(childPath(cp, 'resources'), `container ${JSON.stringify(name)} has no resources ${missing.join(', ')}`);

  const sc = asObject(c.securityContext) ?? {};
  const scPath = childPath(cp, 'securityContext');
  const problems: string[] = [];
  const runAsNonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
  if (runAsNonRoot !== true && !isExpr(runAsNonRoot)) problems.push('runAsNonRoot is not true (container or pod)');
  if ((sc.runAsUser ?? podSc.runAsUser) === 0) problems.push('runAsUser is 0');
  if (sc.allowPrivilegeEscalation !== false && !isExpr(sc.allowPrivilegeEscalation)) problems.push('allowPrivilegeEscalation is not false');
  if (sc.privileged === true) problems.push('privileged is true');
  const caps = asObject(sc.capabilities) ?? {};
  if (!asList(caps.drop).includes('ALL')) problems.push('capabilities.drop does not include ALL');
  const added = asList(caps.add).filter((a) => a !== 'NET_BIND_SERVICE');
  if (added.length > 0) problems.push(`capabilities.add has ${added.join(', ')} (only NET_BIND_SERVICE is allowed)`);
  const seccomp = asString(asObject(sc.seccompProfile)?.type) ?? asString(asObject(podSc.seccompProfile)?.type);
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`seccompProfile.type is ${seccomp ?? 'unset'} (RuntimeDefault or Localhost at pod or container level)`);
  if (problems.length > 0) report(scPath, `container ${JSON.stringify(name)} is not restricted: ${problems.join('; ')}`);
}

function checkImage(image: JsonValue | undefined, path: string, name: string, report: (path: string, message: string) => void, rgd: RgdImageContext | undefined): void {
  if (typeof image !== 'string') {
    report(path, `container ${JSON.stringify(name)} has no image`);
    return;
  }
  if (!image.includes('${')) {
    const why = imagePinProblem(image);
    if (why) report(path, `image ${JSON.stringify(image)} ${why} (pin a version tag or digest)`);
    return;
  }
  if (!rgd) {
    report(path, `image ${JSON.stringify(image)} contains \${…} outside a ResourceGraphDefinition`);
    return;
  }
  const ex = extractExpressions(image);
  if ('error' in ex) return; // the RGD checks report it
  const literalTail = image.slice(image.lastIndexOf('}') + 1);
  if (!ex.whole && imagePinProblem(literalTail) === undefined) {
    rgd.notes.push(`RGD ${rgd.rgd.name}: image ${image} at ${path} ends in a literal pinned tag`);
    return;
  }
  const refs = ex.expressions.flatMap((e) => {
    const p = parseCel(e);
    return p.ok ? referencesOf(p.expr) : [];
  });
  if (refs.length === 0) {
    report(path, `image ${JSON.stringify(image)} is a CEL expression whose source cannot be checked for a pinned tag`);
    return;
  }
  for (const ref of refs) {
    const field = `${ref.root}.${ref.path.join('.')}`;
    if (ref.root !== 'schema' || ref.path[0] !== 'spec') {
      report(path, `image ${JSON.stringify(image)} reads ${field}; only schema.spec fields with a pattern can be checked for a pinned tag`);
      continue;
    }
    const node = nodeAtPath(rgd.rgd.generated.root, ref.path).node;
    if (!node?.pattern && !node?.rules.length && !node?.enum) {
      report(path, `image comes from ${field}, which has no pattern (or validation/enum) marker forbidding untagged and :latest images`);
      continue;
    }
    // The field's own constraints (pattern, enum, validation rules) must reject every mutable sample.
    const rejects = (sample: string): boolean => {
      const found: Pick<Violation, 'path' | 'message'>[] = [];
      validateValue(node, sample, '$', { rules: new CelRuleEvaluator('image-check', scratchStats(), new Set()) }, found);
      return found.length > 0;
    };
    const accepted = MUTABLE_IMAGE_SAMPLES.filter((sample) => !rejects(sample));
    const rejected = PINNED_IMAGE_SAMPLES.filter(rejects);
    const how = node.pattern ? `pattern ${node.pattern.source}` : 'constraints';
    if (accepted.length > 0) report(path, `image comes from ${field}, whose ${how} accepts mutable references such as ${accepted.join(', ')}`);
    else {
      rgd.notes.push(`RGD ${rgd.rgd.name}: image at ${path} is ${image}; not checked as a literal, ${field}'s constraints reject untagged and :latest images${rejected.length ? ` (they also reject ${rejected.join(', ')})` : ''}`);
    }
  }
}

/** A plain scalar that YAML 1.1 and YAML 1.2 read differently. */
export interface ReadingDifference {
  /** Index of the document in its file. */
  readonly index: number;
  /** JSON path of the value, or of the key's entry, as YAML 1.2 reads the keys. */
  readonly path: string;
  readonly message: string;
}

/** A resolved scalar for a message: strings quoted, numbers and booleans as is, timestamps in ISO form. */
function describeScalar(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Date) return `the timestamp ${v.toISOString()}`;
  if (typeof v === 'symbol') return 'a merge key';
  return String(v);
}

const sameScalar = (a: unknown, b: unknown): boolean =>
  a === b || (Number.isNaN(a) && Number.isNaN(b)) || (a instanceof Date && b instanceof Date && a.getTime() === b.getTime());

/**
 * Where `text` means something else to Kubernetes than to a YAML 1.2 reader: every plain scalar (value or
 * key) that resolves differently under YAML 1.1 as Kubernetes' decoder reads it (sigs.k8s.io/yaml over
 * go-yaml v2: `no` is false, `0755` is 493) and under the YAML 1.2 core schema (kustomize, the validator).
 * A document that does not parse is left to the load check. `yaml12` is the YAML 1.2 reading of `text`, when
 * the caller has it already.
 */
export function yamlReadingDifferences(text: string, yaml12: readonly Document[] = parseYamlDocuments(text, '1.2')): ReadingDifference[] {
  const yaml11 = parseYamlDocuments(text, '1.1');
  const out: ReadingDifference[] = [];
  yaml12.forEach((doc, index) => {
    if (doc.errors.length === 0) compareReadings(yaml11[index]?.contents, doc.contents, '$', index, out);
  });
  return out;
}

/** Walks the two readings of one node tree (same shape: they come from the same text) side by side. */
function compareReadings(a: unknown, b: unknown, path: string, index: number, out: ReadingDifference[]): void {
  const differs = (what: 'value' | 'key', x: unknown, y: unknown, at: string): void => {
    if (!isScalar(x) || !isScalar(y) || sameScalar(x.value, y.value)) return;
    out.push({
      index, path: at,
      message: `plain ${what} ${y.source ?? String(y.value)} is ${describeScalar(x.value)} under YAML 1.1 (kubectl and the API server) but ${describeScalar(y.value)} under YAML 1.2; quote it`,
    });
  };
  if (isScalar(b)) differs('value', a, b, path);
  else if (isSeq(b) && isSeq(a)) b.items.forEach((item, i) => compareReadings(a.items[i], item, indexPath(path, i), index, out));
  else if (isMap(b) && isMap(a)) {
    b.items.forEach((pair, i) => {
      const other = a.items[i];
      const at = childPath(path, isScalar(pair.key) ? String(pair.key.value) : String(pair.key));
      differs('key', other?.key, pair.key, at);
      compareReadings(other?.value, pair.value, at, index, out);
    });
  }
}

/** A violation at document `index` of a file: on its object, or (a kustomize file, a broken document) on the file. */
function fileViolation(file: ParsedDistFile, index: number, path: string, message: string): Violation {
  const doc = file.documents.find((d) => d.index === index);
  if (doc) return violation(doc, 'hygiene', path, message);
  const config = file.kustomization?.config ?? {};
  return { check: 'hygiene', file: file.file, index, apiVersion: asString(config.apiVersion) ?? '', kind: asString(config.kind) ?? '', name: '', path, message };
}

/**
 * Every file under the directory (objects and kustomize files) means the same under YAML 1.1 and YAML 1.2:
 * `kubectl apply -f` and the API server read YAML 1.1, kustomize reads YAML 1.2, so a plain `no`, `on`,
 * `0755` or `1_000` reaches the cluster as a boolean or number. The writer (lib/synth/kubernetes-yaml.ts)
 * quotes them; this catches hand-edited and foreign files.
 */
export function checkYamlReadings(model: DistModel): Violation[] {
  return model.files.flatMap((file) =>
    yamlReadingDifferences(file.text, file.yaml).map((d) => fileViolation(file, d.index, d.path, d.message)));
}

const SECRET_FIX = 'secrets must not be committed — let an operator generate them or reference them';
/** A key that names a secret, with the rest of its line (as YAML text, so embedded YAML is read too). */
const SECRET_KEY = /^[ \t]*["']?([A-Za-z_.-]*(?:password|passwd|secret|token|api[_-]?key)[A-Za-z_.-]*)["']?:[ \t]*([^\n]*)$/gim;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/g;
/**
 * A KRO SimpleSchema field declaration, `<type> | <marker>=…` (pkg/simpleschema/markers.go names the markers; e.g. `[]SecretEnvVar | default=[] description="…"`,
 * `string | required=true pattern="…"`): the declaration of a field in an RGD's `spec.schema`, not its value
 * (kubernetes-sigs/kro pkg/simpleschema: the type, then `|`, then the markers).
 */
const SIMPLE_SCHEMA_DECLARATION = /^(\[\]|map\[string\])*[A-Za-z_][A-Za-z0-9_]* \| (required|default|description|pattern|enum|minimum|maximum|minLength|maxLength|minItems|maxItems|immutable)=/;
/** The start of a DNS name: lowercase alphanumerics, `-` and `.`, beginning with an alphanumeric, at most 63. */
const DNS_NAME_PREFIX = /^[a-z0-9][-a-z0-9.]{0,62}$/;

/** A secret-looking literal in YAML text. */
export interface SecretLiteral {
  /** Offset in the text. */
  readonly offset: number;
  readonly message: string;
}

/**
 * Secret-looking literals in YAML text, line by line (so also inside embedded YAML such as Helm values in a
 * string): a private key, or a password-, token- or key-like key with a literal value. Not a literal: an
 * empty or boolean value, a KRO expression (`${…}`, evaluated in the cluster), a Kyverno generator
 * (`{{ random(…) }}`), a reference by name (`…Ref`, `…Name`, `…Secret` holding a DNS name), the prefix
 * of such names (`…Prefix` holding the start of a DNS name, e.g. Strimzi's `userOperator.secretPrefix`), and a
 * KRO SimpleSchema field declaration ({@link SIMPLE_SCHEMA_DECLARATION}).
 */
export function secretLiterals(text: string): SecretLiteral[] {
  const out: SecretLiteral[] = [];
  for (const m of text.matchAll(PRIVATE_KEY)) out.push({ offset: m.index, message: `holds a private key; ${SECRET_FIX}` });
  for (const m of text.matchAll(SECRET_KEY)) {
    const [line, key, raw] = m;
    const value = raw.trim().replace(/^["']|["']$/g, '');
    if (value === '' || value === '{}' || value === 'true' || value === 'false') continue;
    if (/^\$\{.*\}$/.test(value)) continue;
    if (/^\{\{\s*random\(/.test(value)) continue;
    if (SIMPLE_SCHEMA_DECLARATION.test(value)) continue;
    if (/(Ref|Name|Secret)$/i.test(key) && DNS_SUBDOMAIN.test(value)) continue;
    if (/Prefix$/i.test(key) && DNS_NAME_PREFIX.test(value)) continue;
    out.push({ offset: m.index + line.indexOf(key), message: `${key} has a literal value that looks like a secret; ${SECRET_FIX}` });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/** JSON path of the deepest key or value whose source holds `offset`. */
function pathAt(node: unknown, offset: number, path: string): string {
  const holds = (n: unknown): boolean => {
    const range = (n as { range?: [number, number, number] } | null)?.range;
    return !!range && offset >= range[0] && offset < range[2];
  };
  if (isMap(node)) {
    for (const pair of node.items) {
      const at = childPath(path, isScalar(pair.key) ? String(pair.key.value) : String(pair.key));
      if (holds(pair.key)) return at;
      if (holds(pair.value)) return pathAt(pair.value, offset, at);
    }
  } else if (isSeq(node)) {
    const i = node.items.findIndex(holds);
    if (i >= 0) return pathAt(node.items[i], offset, indexPath(path, i));
  }
  return path;
}

/**
 * The one secret scanner, over the files of a dist directory: a core Secret that carries `data` or
 * `stringData`, and every secret-looking literal ({@link secretLiterals}) outside such a Secret's data
 * (reported once, as the Secret's).
 */
export function checkSecrets(files: readonly ParsedDistFile[]): Violation[] {
  const out: Violation[] = [];
  for (const file of files) {
    const secrets = new Set<number>();
    for (const doc of file.documents) {
      if (doc.object.apiVersion !== 'v1' || doc.object.kind !== 'Secret') continue;
      secrets.add(doc.index);
      checkSecret(doc.object, '$', (p, m) => out.push(violation(doc, 'hygiene', p, m)));
    }
    for (const literal of secretLiterals(file.text)) {
      const index = file.yaml.findIndex((d) => !!d.range && d.range[0] <= literal.offset && literal.offset < d.range[2]);
      const path = pathAt(file.yaml[index]?.contents, literal.offset, '$');
      if (secrets.has(index) && /^\$\.(data|stringData)\b/.test(path)) continue;
      out.push(fileViolation(file, Math.max(index, 0), path, literal.message));
    }
  }
  return out;
}

/**
 * Data is never lost by a Git change: every object of a data-bearing kind (`DATA_BEARING_KINDS`) and every
 * Namespace holding one carries `kustomize.toolkit.fluxcd.io/prune: disabled`, and the volumes a data-bearing
 * object asks for (itself or as an RGD template) use a StorageClass of `dist/` with `reclaimPolicy: Retain`.
 */
export function checkDataProtection(docs: readonly DistDocument[]): Violation[] {
  return dataProtectionProblems(docs.map((d) => d.object)).map((p) => violation(docs[p.index]!, 'hygiene', p.path, p.message));
}
