/**
 * Namespace order and Pod Security across Flux layers, on `dist/` (the synth-time twin is
 * `lib/gitops/namespaces.ts`, which states the two rules):
 * 1. every namespace a layer writes into — an object's `metadata.namespace`, a Kustomization's or
 *    HelmRelease's `targetNamespace`/`storageNamespace`, a chart value that names namespaces (Strimzi's
 *    `watchNamespaces`), a literal namespace in an RGD template — exists before that layer is applied;
 * 2. the pods a known operator creates meet the Pod Security level that their namespaces enforce.
 */
import { FLUX_NAMESPACE, KUBERNETES_NAMESPACES, meetsPodSecurity, namespacesInValues, POD_SECURITY_ENFORCE_LABEL, PodSecurityLevel, podSecurityLevel, STRIMZI_POD_SECURITY_PROVIDER_ENV, reachable, JsonObject, JsonValue, DistDocument } from 'mini-atlas';
import { CHART_COMPONENTS } from './chart-components';
import { FluxAnalysis, FluxLayer } from './flux-graph';
import { childPath } from './json-path';
import { Violation } from './model';
import { asList, asObject, asString, metaOf, violation } from './objects';
import { RgdModel } from './rgd';

/** Who creates a namespace. */
interface Source {
  readonly layer: FluxLayer;
  readonly how: 'object' | 'instance';
  readonly what: string;
  readonly enforce?: PodSecurityLevel;
}

/** The pods an operator creates, read from its HelmRelease values. */
interface OperandPods {
  readonly namespaces: readonly string[] | '*';
  readonly podSecurity: PodSecurityLevel;
  readonly howToRaise: string;
}

/** The pods a pinned chart's operator creates, read from its values. */
interface ChartNamespaceUse {
  readonly operandPods: (values: JsonObject, releaseNamespace: string) => OperandPods;
}

const STRIMZI_RESTRICTED = ['restricted', 'io.strimzi.plugin.security.profiles.impl.RestrictedPodSecurityProvider'];

/**
 * What the pinned charts do with namespaces. Strimzi: the chart writes a RoleBinding into each watched
 * namespace, and the operator creates broker pods there at the level its pod security provider gives
 * (`BaselinePodSecurityProvider` unless `STRIMZI_POD_SECURITY_PROVIDER_CLASS` says otherwise).
 * CloudNativePG: instance pods meet `restricted` with the operator defaults, in every namespace when
 * `config.clusterWide` (the chart default).
 */
const CHART_NAMESPACE_USE: ReadonlyMap<string, ChartNamespaceUse> = new Map([
  ['strimzi', {
    operandPods: (values: JsonObject, releaseNamespace: string): OperandPods => {
      const env = asList(values.extraEnvs).map((e) => asObject(e) ?? {}).find((e) => e.name === STRIMZI_POD_SECURITY_PROVIDER_ENV);
      const restricted = STRIMZI_RESTRICTED.includes(asString(env?.value) ?? '');
      return {
        namespaces: values.watchAnyNamespace === true ? '*' : [releaseNamespace, ...asList(values.watchNamespaces).filter((n): n is string => typeof n === 'string')],
        podSecurity: restricted ? 'restricted' : 'baseline',
        howToRaise: `set extraEnvs ${STRIMZI_POD_SECURITY_PROVIDER_ENV}=restricted`,
      };
    },
  }],
  ['cloudnative-pg', {
    operandPods: (values: JsonObject, releaseNamespace: string): OperandPods => ({
      namespaces: asObject(values.config)?.clusterWide === false ? [releaseNamespace] : '*',
      podSecurity: 'restricted',
      howToRaise: 'keep the Cluster security contexts at the operator defaults',
    }),
  }],
]);

/** The pinned component a HelmRelease installs, by its chart name (chart.spec.chart, or an OCI chartRef's URL). */
function componentOf(doc: DistDocument, docs: readonly DistDocument[]): string | undefined {
  const spec = asObject(doc.object.spec) ?? {};
  let chart = asString(asObject(asObject(spec.chart)?.spec)?.chart);
  const ref = asObject(spec.chartRef);
  if (!chart && ref) {
    const ns = asString(ref.namespace) ?? metaOf(doc.object).namespace;
    const source = docs.find((d) => d.object.kind === asString(ref.kind) && metaOf(d.object).name === asString(ref.name) && metaOf(d.object).namespace === ns);
    chart = asString(asObject(source?.object.spec)?.url)?.replace(/\/$/, '').split('/').pop();
  }
  return chart ? CHART_COMPONENTS.get(chart)?.component : undefined;
}

const isNamespaceDoc = (o: JsonObject): boolean => o.apiVersion === 'v1' && o.kind === 'Namespace';
const literal = (v: JsonValue | undefined): string | undefined => {
  const s = asString(v);
  return s && !s.includes('${') ? s : undefined;
};

/** Checks both rules over the layers of a Flux analysis. */
export function checkNamespaces(docs: readonly DistDocument[], flux: FluxAnalysis, rgds: readonly RgdModel[]): Violation[] {
  const out: Violation[] = [];
  const layerOf = (d: DistDocument): FluxLayer | undefined => flux.layerOfFile.get(d.file);
  const graph = new Map(flux.layers.map((l) => [l.key, new Set(l.dependsOn)]));
  // Flux's namespace exists before any layer (`flux install`/`flux bootstrap` create it, and its controllers run
  // there): the default one and every namespace the Flux Kustomizations of dist/ live in (`FluxSyncProps.namespace`).
  const fluxNamespaces = flux.layers.map((l) => metaOf(l.document.object).namespace).filter((n): n is string => n !== undefined);
  const preexisting = new Set([...KUBERNETES_NAMESPACES, FLUX_NAMESPACE, ...fluxNamespaces]);

  // Kinds whose instances create a namespace named after themselves (an RGD Namespace template).
  const namespaceKinds = new Map<string, PodSecurityLevel | undefined>();
  for (const rgd of rgds) {
    for (const r of rgd.resources) {
      const meta = asObject(r.template?.metadata);
      if (r.apiVersion === 'v1' && r.kind === 'Namespace' && meta?.name === '${schema.metadata.name}') {
        const g = rgd.generated;
        namespaceKinds.set(`${g.group}/${g.version}/${g.kind}`, podSecurityLevel(asString(asObject(meta.labels)?.[POD_SECURITY_ENFORCE_LABEL])));
      }
    }
  }
  const sources = new Map<string, Source[]>();
  for (const d of docs) {
    const layer = layerOf(d);
    if (!layer) continue;
    const o = d.object;
    const { name } = metaOf(o);
    const add = (s: Source): void => { sources.set(name, [...(sources.get(name) ?? []), s]); };
    if (isNamespaceDoc(o)) add({ layer, how: 'object', what: `Namespace ${name}`, enforce: podSecurityLevel(asString(asObject(asObject(o.metadata)?.labels)?.[POD_SECURITY_ENFORCE_LABEL])) });
    const instanceKey = `${String(o.apiVersion)}/${String(o.kind)}`;
    if (namespaceKinds.has(instanceKey)) add({ layer, how: 'instance', what: `${String(o.kind)} ${name}`, enforce: namespaceKinds.get(instanceKey) });
  }

  const checkExists = (doc: DistDocument, path: string, namespace: string, layer: FluxLayer): void => {
    if (preexisting.has(namespace)) return;
    const found = sources.get(namespace) ?? [];
    const before = reachable(graph, layer.key);
    if (found.some((s) => before.has(s.layer.key) || (s.how === 'object' && s.layer === layer))) return;
    const head = `namespace "${namespace}" must exist before layer ${layer.key} is applied, but `;
    if (found.length === 0) {
      out.push(violation(doc, 'flux', path, `${head}no layer creates it`));
      return;
    }
    const where = found.map((s) => `${s.what} in layer ${s.layer.key}`).join(', ');
    const why = found.some((s) => s.how === 'instance' && s.layer === layer)
      ? 'Flux dry-runs a whole layer before an instance can create it'
      : `${layer.key} does not depend on it`;
    out.push(violation(doc, 'flux', path, `${head}it is created by ${where}, and ${why}`));
  };

  for (const layer of flux.layers) {
    const target = literal(layer.targetNamespace);
    if (target) checkExists(layer.document, '$.spec.targetNamespace', target, layer);
  }
  for (const d of docs) {
    const layer = layerOf(d);
    if (!layer) continue;
    const o = d.object;
    const ns = metaOf(o).namespace;
    if (ns) checkExists(d, '$.metadata.namespace', ns, layer);
    if (o.kind === 'HelmRelease' && String(o.apiVersion).startsWith('helm.toolkit.fluxcd.io/')) {
      const spec = asObject(o.spec) ?? {};
      // Helm creates the target namespace itself when told to (`install.createNamespace`).
      const createsTarget = asObject(spec.install)?.createNamespace === true;
      for (const field of createsTarget ? ['storageNamespace'] : ['targetNamespace', 'storageNamespace']) {
        const v = literal(spec[field]);
        if (v) checkExists(d, childPath('$.spec', field), v, layer);
      }
      // Any chart: a value under a key ending in "namespace(s)" names a namespace the chart writes into.
      const values = asObject(spec.values) ?? {};
      for (const v of namespacesInValues(values)) checkExists(d, `$.spec.values.${v.path}`, v.namespace, layer);
      const component = componentOf(d, docs);
      const pods = component ? CHART_NAMESPACE_USE.get(component)?.operandPods(values, literal(spec.targetNamespace) ?? ns ?? '') : undefined;
      if (pods) checkOperandPods(d, pods, sources, out);
    }
  }
  for (const rgd of rgds) {
    const layer = layerOf(rgd.doc);
    if (!layer) continue;
    for (const r of rgd.resources) {
      const ns = literal(asObject(r.template?.metadata)?.namespace);
      if (ns) checkExists(rgd.doc, `${r.path}.template.metadata.namespace`, ns, layer);
    }
  }
  return out;
}

function checkOperandPods(doc: DistDocument, pods: OperandPods, sources: ReadonlyMap<string, readonly Source[]>, out: Violation[]): void {
  const targets = pods.namespaces === '*'
    ? [...sources.entries()]
    : pods.namespaces.map((n) => [n, sources.get(n) ?? []] as const);
  const seen = new Set<string>();
  for (const [name, ss] of targets) {
    for (const s of ss) {
      if (!s.enforce || meetsPodSecurity(pods.podSecurity, s.enforce)) continue;
      const where = s.how === 'instance' ? `the namespace of every ${s.what.split(' ')[0]}` : `namespace "${name}"`;
      if (seen.has(where)) continue;
      seen.add(where);
      out.push(violation(doc, 'flux', '$.spec.values',
        `creates pods in ${where}, which enforces Pod Security "${s.enforce}", but its pods meet only "${pods.podSecurity}" (${pods.howToRaise})`));
    }
  }
}
