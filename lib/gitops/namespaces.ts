/**
 * Namespaces across Flux stages, and the Pod Security Standard level each one enforces.
 *
 * Two rules of the Flux graph, checked by {@link namespaceIssues} at synth (through `FluxSync`) and by the
 * offline validator on `dist/`:
 * 1. A namespace that an object, a Helm chart or an operator writes into exists before the stage that writes
 *    into it is applied: it is created in that stage or in a stage it (transitively) depends on, or it exists
 *    in every cluster. A namespace created by an instance of an RGD (a Workspace) must come from a strictly
 *    earlier stage, because kustomize-controller dry-runs a whole stage before it applies any object of it.
 * 2. An operator that creates pods in a namespace creates them at least at the level that namespace enforces
 *    (`pod-security.kubernetes.io/enforce`); the API server rejects them otherwise.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { issue, ValidationIssue } from '../shared/validation-error';
import { DependencyGraph, reachable } from '../shared/graph';
import { FluxStage } from './flux-stage';

/**
 * A Pod Security Standard level, least to most strict.
 * Upstream: https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** The levels from least to most strict. */
export const POD_SECURITY_LEVELS: readonly PodSecurityLevel[] = ['privileged', 'baseline', 'restricted'];

/** The namespace label the Pod Security admission controller enforces. */
export const POD_SECURITY_ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** Namespaces every Kubernetes cluster has before anything is applied (created by the API server). */
export const KUBERNETES_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** True when pods that meet `level` are admitted by a namespace that enforces `enforced`. */
export function meetsPodSecurity(level: PodSecurityLevel, enforced: PodSecurityLevel): boolean {
  return POD_SECURITY_LEVELS.indexOf(level) >= POD_SECURITY_LEVELS.indexOf(enforced);
}

/** Reads an enforce label value; undefined for a missing or unknown value (the cluster default applies). */
export function podSecurityLevel(value: string | undefined): PodSecurityLevel | undefined {
  return POD_SECURITY_LEVELS.find((l) => l === value);
}

/** The pods an operator creates for its custom resources (its operands). */
export interface OperandPods {
  /** Namespaces the operator creates pods in, or `'*'` for a cluster-wide operator (any namespace). */
  readonly namespaces: readonly string[] | '*';
  /**
   * The strictest Pod Security Standard level every operand pod meets.
   * Upstream: https://kubernetes.io/docs/concepts/security/pod-security-standards/
   */
  readonly podSecurity: PodSecurityLevel;
  /** How to make the operator create stricter pods, for the error message, e.g. `set podSecurity: 'restricted'`. */
  readonly howToRaise: string;
}

/** What a component does in namespaces besides its own: it writes objects into them, and maybe creates pods. */
export interface NamespaceUse {
  /** The setting that makes it do so, named in error messages (e.g. `watchNamespaces`). */
  readonly field: string;
  /** Namespaces it writes objects into when its stage is applied. @default [] */
  readonly writesInto?: readonly string[];
  /** The pods it creates, if it is an operator. @default - none */
  readonly operandPods?: OperandPods;
}

/** A construct that declares how it uses namespaces ({@link HelmComponent} does). */
export interface DeclaresNamespaceUse extends IConstruct {
  /** Its namespace uses. */
  readonly namespaceUse: readonly NamespaceUse[];
}

function declaresNamespaceUse(x: unknown): x is DeclaresNamespaceUse {
  return typeof x === 'object' && x !== null && Array.isArray((x as Partial<DeclaresNamespaceUse>).namespaceUse);
}

/** Who creates a namespace. */
interface NamespaceSource {
  readonly stage: FluxStage;
  /** `object`: a Namespace object (applied before the rest of its stage); `instance`: an RGD instance. */
  readonly how: 'object' | 'instance';
  readonly what: string;
  readonly enforce?: PodSecurityLevel;
}

/** A Namespace template of an RGD whose name is the instance name: instances of that kind create namespaces. */
interface NamespaceTemplate {
  readonly kind: string;
  readonly apiVersion: string;
  readonly enforce?: PodSecurityLevel;
}

type Json = { readonly [key: string]: unknown };
const asJson = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);

/** Namespace templates named after the instance, in an RGD object's JSON. */
function namespaceTemplates(rgd: Json): NamespaceTemplate[] {
  const spec = asJson(rgd.spec);
  const schema = asJson(spec?.schema);
  const resources = Array.isArray(spec?.resources) ? (spec.resources as unknown[]) : [];
  if (!schema) return [];
  const apiVersion = `${String(schema.group)}/${String(schema.apiVersion)}`;
  const out: NamespaceTemplate[] = [];
  for (const r of resources) {
    const t = asJson(asJson(r)?.template);
    const meta = asJson(t?.metadata);
    if (t?.apiVersion !== 'v1' || t.kind !== 'Namespace' || meta?.name !== '${schema.metadata.name}') continue;
    const labels = asJson(meta.labels);
    out.push({ kind: String(schema.kind), apiVersion, enforce: podSecurityLevel(labels?.[POD_SECURITY_ENFORCE_LABEL] as string | undefined) });
  }
  return out;
}

/** A literal namespace in an RGD resource template (no `${…}`): KRO writes there for every instance. */
interface TemplateNamespace {
  readonly id: string;
  readonly namespace: string;
}

function templateNamespaces(rgd: Json): TemplateNamespace[] {
  const resources = asJson(rgd.spec)?.resources;
  if (!Array.isArray(resources)) return [];
  return resources.flatMap((r: unknown) => {
    const ns = asJson(asJson(asJson(r)?.template)?.metadata)?.namespace;
    return typeof ns === 'string' && !ns.includes('${') ? [{ id: String(asJson(r)?.id), namespace: ns }] : [];
  });
}

/** A namespace named in Helm chart values. */
export interface ValueNamespace {
  /** Dotted path of the value below `values`, e.g. `watchNamespaces[0]`. */
  readonly path: string;
  readonly namespace: string;
}

/** Value keys that name namespaces a chart writes into (`namespace`, `watchNamespaces`, `targetNamespace`, …). */
const NAMESPACE_KEY = /namespaces?$/i;

/**
 * Every namespace that Helm values name under a key ending in `namespace(s)` (any letter case), at any depth:
 * a chart given such a value writes objects there (Strimzi: a RoleBinding per watched namespace), so the
 * namespace must exist before the chart installs, whoever the chart is.
 */
export function namespacesInValues(values: unknown, path = ''): ValueNamespace[] {
  if (Array.isArray(values)) return values.flatMap((v, i) => namespacesInValues(v, `${path}[${i}]`));
  const obj = asJson(values);
  if (!obj) return [];
  return Object.entries(obj).flatMap(([key, v]) => {
    const at = path ? `${path}.${key}` : key;
    if (NAMESPACE_KEY.test(key)) {
      if (typeof v === 'string' && v !== '') return [{ path: at, namespace: v }];
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.map((x, i) => ({ path: `${at}[${i}]`, namespace: x as string }));
    }
    return namespacesInValues(v, at);
  });
}

/** Something whose Helm values may name namespaces ({@link HelmComponent}). */
interface HasValues {
  readonly values: unknown;
}
const hasValues = (x: unknown): x is HasValues => typeof x === 'object' && x !== null && 'values' in x;

/** Stages `stage` waits for, transitively (not itself), by construct path: the shared graph walk. */
function upstreamOf(stage: FluxStage, graph: DependencyGraph): Set<string> {
  return reachable(graph, stage.node.path);
}

/**
 * Checks both rules over every construct below `root`.
 *
 * @param root the app (or any scope holding every stage)
 * @param preexisting namespaces that exist before any stage (Kubernetes' own and Flux's)
 * @returns one issue per namespace that is created later than it is used, or nowhere, and per operator
 *   whose pods would be rejected by a namespace's Pod Security level
 */
export function namespaceIssues(root: IConstruct, preexisting: readonly string[]): ValidationIssue[] {
  const constructs = root.node.findAll();
  const stageGraph: DependencyGraph = new Map(constructs.filter(FluxStage.isFluxStage)
    .map((st) => [st.node.path, new Set(st.dependsOn.map((d) => d.node.path))]));
  const templates: NamespaceTemplate[] = [];
  const objects: ApiObject[] = [];
  const rgds: { rgd: ApiObject; uses: TemplateNamespace[] }[] = [];
  for (const c of constructs) {
    if (!(c instanceof ApiObject)) continue;
    objects.push(c);
    if (c.kind === 'ResourceGraphDefinition' && c.apiVersion.startsWith('kro.run/')) {
      const json = c.toJson() as Json;
      templates.push(...namespaceTemplates(json));
      rgds.push({ rgd: c, uses: templateNamespaces(json) });
    }
  }

  const sources = new Map<string, NamespaceSource[]>();
  const addSource = (name: string, source: NamespaceSource): void => {
    sources.set(name, [...(sources.get(name) ?? []), source]);
  };
  const byKind = new Map(templates.map((t) => [`${t.apiVersion}/${t.kind}`, t]));
  for (const o of objects) {
    const stage = FluxStage.of(o);
    if (!stage) continue; // reported by renderApp
    if (o.apiVersion === 'v1' && o.kind === 'Namespace') {
      addSource(o.name, { stage, how: 'object', what: `Namespace ${o.name}`, enforce: podSecurityLevel(o.metadata.getLabel(POD_SECURITY_ENFORCE_LABEL)) });
    }
    const template = byKind.get(`${o.apiVersion}/${o.kind}`);
    if (template) addSource(o.name, { stage, how: 'instance', what: `${o.kind} ${o.name}`, enforce: template.enforce });
  }

  const out: ValidationIssue[] = [];
  const checkExists = (scope: IConstruct, field: string, namespace: string, stage: FluxStage): void => {
    if (preexisting.includes(namespace)) return;
    const found = sources.get(namespace) ?? [];
    const before = upstreamOf(stage, stageGraph);
    const inTime = found.some((s) => before.has(s.stage.node.path) || (s.how === 'object' && s.stage === stage));
    if (inTime) return;
    const fix = `create the namespace in stage ${stage.path} or in a stage it depends on`;
    if (found.length === 0) {
      out.push(issue(scope, field, namespace, `must exist before stage ${stage.path} is applied, but no stage creates it`, fix));
    } else {
      const where = found.map((s) => `${s.what} in stage ${s.stage.path}`).join(', ');
      const sameStageInstance = found.some((s) => s.how === 'instance' && s.stage === stage);
      out.push(issue(scope, field, namespace,
        `must exist before stage ${stage.path} is applied, but it is created by ${where}` +
          (sameStageInstance ? ', and Flux dry-runs a whole stage before an instance can create it' : `, which stage ${stage.path} does not depend on`),
        fix));
    }
  };

  // Rule 1 for every namespaced object: its namespace exists in time.
  for (const o of objects) {
    const stage = FluxStage.of(o);
    const ns = o.metadata.namespace;
    if (stage && ns) checkExists(o, 'metadata.namespace', ns, stage);
  }

  // Rule 1 for literal namespaces in RGD templates: KRO writes there once the RGD is applied.
  for (const { rgd, uses } of rgds) {
    const stage = FluxStage.of(rgd);
    if (stage) for (const u of uses) checkExists(rgd, `resources.${u.id}.template.metadata.namespace`, u.namespace, stage);
  }

  // Rule 1 for what components declare (charts writing into other namespaces), and rule 2 for operators.
  for (const c of constructs) {
    if (!declaresNamespaceUse(c)) continue;
    const stage = FluxStage.of(c);
    if (!stage) continue;
    // Namespaces named in chart values are written into whether or not the component declares them.
    const declared = new Set(c.namespaceUse.flatMap((u) => u.writesInto ?? []));
    if (hasValues(c)) {
      for (const v of namespacesInValues(c.values)) if (!declared.has(v.namespace)) checkExists(c, `values.${v.path}`, v.namespace, stage);
    }
    for (const use of c.namespaceUse) {
      for (const ns of use.writesInto ?? []) checkExists(c, use.field, ns, stage);
      const pods = use.operandPods;
      if (!pods) continue;
      const targets = pods.namespaces === '*'
        ? [...sources.entries()].flatMap(([name, ss]) => ss.map((s) => ({ name, s })))
        : pods.namespaces.flatMap((name) => (sources.get(name) ?? []).map((s) => ({ name, s })));
      const seen = new Set<string>();
      for (const { name, s } of targets) {
        if (!s.enforce || meetsPodSecurity(pods.podSecurity, s.enforce)) continue;
        const where = s.how === 'instance' ? `the namespace of every ${s.what.split(' ')[0]}` : `namespace "${name}"`;
        if (seen.has(where)) continue;
        seen.add(where);
        out.push(issue(c, 'podSecurity', pods.podSecurity,
          `is below the Pod Security level "${s.enforce}" that ${where} enforces, where this operator creates pods, so the API server rejects them`,
          pods.howToRaise));
      }
    }
  }
  return out;
}
