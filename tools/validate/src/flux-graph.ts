/**
 * Flux graph checks: every Flux Kustomization's path exists (relative to the repository root, or, for an
 * upstream GitRepository, among the pinned CRD sources of that repository at that ref); its kustomization.yaml
 * lists exactly the files beside it; `dependsOn` targets exist and form no cycle; HelmReleases use the pinned
 * chart versions; and every custom resource of a layer has its CRD installed by a layer it (transitively)
 * depends on (or by a CRD object in the same layer), with that layer waiting until it is ready.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import {
  CRD_SOURCES, reachable, JsonObject, DistDocument, DistKustomization, DistModel, DistProblem, fluxOrder, kustomizeResources,
  ANNOTATIONS, deliveryServiceAccount, PLATFORM_GROUP, PLATFORM_SERVICE_ACCOUNT, TENANT_RESOURCES, type TenantKind,
} from 'mini-atlas';
import { CHART_COMPONENTS, PREINSTALLED_COMPONENTS } from './chart-components';
import { childPath } from './json-path';
import { Violation } from './model';
import { asObject, asString, metaOf, violation } from './objects';
import { RgdModel } from './rgd';
import { KindResolver, splitApiVersion } from './schema-registry';

/** A Flux Kustomization and the documents it applies. */
export interface FluxLayer extends DistKustomization {
  /** Documents (under the validated directory) that this layer applies. */
  readonly members: readonly DistDocument[];
  /** Group/kinds of upstream CRDs this layer applies from an upstream repository. */
  readonly upstreamCrds: readonly string[];
}

/** Who makes a group/kind exist. */
interface Provider {
  readonly layer?: FluxLayer;
  readonly how: 'crd' | 'helm' | 'rgd' | 'upstream' | 'preinstalled';
  readonly via: string;
  readonly doc?: DistDocument;
}

/** What the Flux analysis found. */
export interface FluxAnalysis {
  readonly layers: readonly FluxLayer[];
  /** The layer applying each file. */
  readonly layerOfFile: ReadonlyMap<string, FluxLayer>;
  readonly violations: readonly Violation[];
  readonly notes: readonly string[];
}

function keyOf(o: JsonObject, defaultNamespace = ''): string {
  const { name, namespace } = metaOf(o);
  return `${namespace ?? defaultNamespace}/${name}`;
}

function groupKindOf(o: JsonObject): string {
  return `${splitApiVersion(String(o.apiVersion)).group}/${String(o.kind)}`;
}

/**
 * A layer applied as a workspace's delivery account (`spec.serviceAccountName` other than the platform's) may
 * hold only the tenant kinds in that workspace (the account `deliveryServiceAccount(<namespace>)`): the same
 * rule synth applies to a tenant stage (`FluxStage`'s `tenant`), for a `dist/` written or changed by hand.
 */
function tenantLayerViolations(layer: FluxLayer, tenantKinds: readonly TenantKind[]): Violation[] {
  const account = asString(asObject(layer.document.object.spec)?.serviceAccountName);
  if (account === undefined || account === PLATFORM_SERVICE_ACCOUNT) return [];
  const kinds = tenantKinds.map((k) => `${k.apiVersion} ${k.kind}`);
  const out: Violation[] = [];
  for (const m of layer.members) {
    const kind = `${String(m.object.apiVersion)} ${String(m.object.kind)}`;
    const { namespace } = metaOf(m.object);
    if (!kinds.includes(kind)) {
      out.push(violation(m, 'flux', '$.kind', `${kind} in ${layer.key}, which is applied as ${account}: a team stage may hold only ${tenantKinds.map((k) => k.kind).join(', ')}`));
    } else if (namespace === undefined || deliveryServiceAccount(namespace) !== account) {
      out.push(violation(m, 'flux', '$.metadata.namespace', `namespace ${JSON.stringify(namespace ?? '')} in ${layer.key}, which is applied as ${account}: that account may write only into its own workspace`));
    }
  }
  return out;
}

/**
 * The kinds a team stage may hold: the built-in tenant kinds and every namespaced kind an RGD of `dist/`
 * generates in the platform group (a platform's own abstractions, `FoundationChartProps.abstractions`).
 */
export function tenantKindsOf(rgds: readonly RgdModel[]): TenantKind[] {
  const out: TenantKind[] = TENANT_RESOURCES.map(({ apiVersion, kind }) => ({ apiVersion, kind }));
  for (const r of rgds) {
    const schema = asObject(asObject(r.doc.object.spec)?.schema);
    const group = asString(schema?.group);
    const version = asString(schema?.apiVersion);
    const kind = asString(schema?.kind);
    if (group !== PLATFORM_GROUP || version === undefined || kind === undefined || asString(schema?.scope) === 'Cluster') continue;
    const apiVersion = `${group}/${version}`;
    if (!out.some((k) => k.apiVersion === apiVersion && k.kind === kind)) out.push({ apiVersion, kind });
  }
  return out;
}

function kustomizeViolation(p: DistProblem): Violation {
  return { check: 'flux', file: p.file, index: p.index, apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', name: '', path: p.at, message: p.message };
}

const GITHUB = /^(?:https?:\/\/|ssh:\/\/git@)github\.com[/:]([^/]+)\/([^/]+?)(?:\.git)?\/?$/;

/** Analyses the Flux objects of a dist directory; Kustomization paths of this repository resolve against `repoRoot`. */
export function analyzeFlux(model: DistModel, repoRoot: string, kinds: KindResolver, rgds: readonly RgdModel[]): FluxAnalysis {
  const violations: Violation[] = [];
  const notes: string[] = [];
  const docs = model.documents;
  const byKindKey = new Map<string, DistDocument>();
  for (const d of docs) byKindKey.set(`${String(d.object.kind)}/${keyOf(d.object)}`, d);
  const findSource = (kind: string, name: string, namespace: string): DistDocument | undefined => byKindKey.get(`${kind}/${namespace}/${name}`);
  const rel = (p: string): string => relative(repoRoot, p) || '.';

  const layers: FluxLayer[] = [];
  for (const k of model.kustomizations) {
    const { document: doc, path, sourceRef } = k;
    const source = findSource(sourceRef.kind, sourceRef.name, sourceRef.namespace);
    if (!source) {
      violations.push(violation(doc, 'flux', '$.spec.sourceRef', `source ${sourceRef.kind} ${sourceRef.namespace}/${sourceRef.name} is not defined under ${rel(model.dir)}`));
      layers.push({ ...k, members: [], upstreamCrds: [] });
      continue;
    }
    if (sourceRef.kind !== 'GitRepository') {
      notes.push(`Kustomization ${k.key}: path ${path} of ${sourceRef.kind} ${sourceRef.name} not verified (only GitRepository sources are checked)`);
      layers.push({ ...k, members: [], upstreamCrds: [] });
      continue;
    }
    const sspec = asObject(source.object.spec) ?? {};
    const url = asString(sspec.url) ?? '';
    const gh = GITHUB.exec(url);
    const upstreamPrefix = gh ? `https://raw.githubusercontent.com/${gh[1]}/${gh[2]}/` : undefined;
    const upstreamSources = upstreamPrefix ? CRD_SOURCES.filter((s) => s.url.startsWith(upstreamPrefix)) : [];
    if (upstreamSources.length > 0) {
      const ref = asObject(sspec.ref) ?? {};
      const refName = asString(ref.tag) ?? asString(ref.commit) ?? asString(ref.name) ?? asString(ref.branch) ?? '';
      const pinnedRefs = [...new Set(upstreamSources.map((s) => s.url.slice(upstreamPrefix!.length).split('/')[0]))];
      const dirPart = path.replace(/^\.\//, '').replace(/\/$/, '');
      const prefix = `${upstreamPrefix}${refName}/${dirPart}/`;
      const installed = upstreamSources.filter((s) => s.url.startsWith(prefix) && !s.url.slice(prefix.length).includes('/'));
      if (!pinnedRefs.includes(refName)) {
        violations.push(violation(source, 'flux', '$.spec.ref', `ref ${JSON.stringify(refName)} of ${url} is not the pinned version (${pinnedRefs.join(', ')})`));
      } else if (installed.length === 0) {
        violations.push(violation(doc, 'flux', '$.spec.path', `path ${path} of ${url}@${refName} holds none of the pinned CRD sources of that repository`));
      }
      const urls = new Set(installed.map((s) => s.url));
      const upstreamCrds = kinds.registry.crds.filter((c) => urls.has(c.url)).map((c) => `${c.group}/${c.kind}`);
      layers.push({ ...k, members: [], upstreamCrds });
      continue;
    }
    if (k.folder === undefined || !model.tree.folders.has(k.folder)) {
      const abs = resolve(repoRoot, path);
      if (k.folder === undefined && existsSync(abs) && statSync(abs).isDirectory()) {
        notes.push(`Kustomization ${k.key}: path ${path} lies outside ${rel(model.dir)}; its objects were not validated`);
      } else {
        violations.push(violation(doc, 'flux', '$.spec.path', `path ${path} does not exist (resolved against ${repoRoot})`));
      }
      layers.push({ ...k, members: [], upstreamCrds: [] });
      continue;
    }
    const applied = kustomizeResources(model, k.folder);
    violations.push(...applied.problems.map(kustomizeViolation));
    layers.push({ ...k, members: applied.files.flatMap((f) => f.documents), upstreamCrds: [] });
  }

  const layerOfFile = new Map<string, FluxLayer>();
  for (const layer of layers) {
    for (const m of layer.members) {
      const other = layerOfFile.get(m.file);
      if (other && other !== layer) {
        violations.push(violation(m, 'flux', '$', `applied by two Kustomizations: ${other.key} and ${layer.key}`));
      } else layerOfFile.set(m.file, layer);
    }
  }
  const unowned = docs.filter((d) => !layerOfFile.has(d.file));
  if (unowned.length > 0 && layers.length > 0) {
    const dirs = [...new Set(unowned.map((d) => rel(dirname(d.file))))];
    notes.push(`not applied by any Flux Kustomization under ${rel(model.dir)} (bootstrap objects?): ${dirs.join(', ')}`);
  }

  const tenantKinds = tenantKindsOf(rgds);
  violations.push(...layers.flatMap((l) => tenantLayerViolations(l, tenantKinds)));

  // dependsOn: every target exists, no cycle.
  for (const p of fluxOrder(layers).problems) violations.push(violation(p.kustomization.document, 'flux', p.at, p.message));
  const graph = new Map(layers.map((l) => [l.key, new Set(l.dependsOn)]));

  // Who installs which group/kind.
  const providers = new Map<string, Provider>();
  const addProvider = (gk: string, p: Provider, doc: DistDocument | undefined): void => {
    const prev = providers.get(gk);
    if (prev && prev.layer !== p.layer && prev.how !== 'preinstalled' && doc) {
      violations.push(violation(doc, 'flux', '$', `${gk} is installed twice: by ${prev.via} and by ${p.via}`));
      return;
    }
    providers.set(gk, p);
  };
  // Every HelmRelease uses a pinned chart (checked whether or not a layer applies it).
  const helmComponents = new Map<DistDocument, string | undefined>();
  for (const d of docs) {
    if (d.object.kind === 'HelmRelease' && String(d.object.apiVersion).startsWith('helm.toolkit.fluxcd.io/')) {
      helmComponents.set(d, helmReleaseComponent(d, findSource, violations, notes));
    }
  }
  for (const c of kinds.registry.crds) {
    if (PREINSTALLED_COMPONENTS.has(c.component)) providers.set(`${c.group}/${c.kind}`, { how: 'preinstalled', via: `${c.component} (installed by flux bootstrap)` });
  }
  for (const l of layers) {
    for (const gk of l.upstreamCrds) addProvider(gk, { layer: l, how: 'upstream', via: `Kustomization ${l.key} (upstream CRDs)` }, l.document);
    for (const m of l.members) {
      const o = m.object;
      if (o.kind === 'CustomResourceDefinition' && String(o.apiVersion).startsWith('apiextensions.k8s.io/')) {
        const spec = asObject(o.spec) ?? {};
        addProvider(`${asString(spec.group)}/${asString(asObject(spec.names)?.kind)}`, { layer: l, how: 'crd', via: `CustomResourceDefinition ${metaOf(o).name}`, doc: m }, m);
      }
      if (helmComponents.has(m)) {
        const component = helmComponents.get(m);
        const install = asObject(asObject(o.spec)?.install);
        if (component && asString(install?.crds) !== 'Skip') {
          for (const c of kinds.registry.crds.filter((x) => x.component === component)) {
            addProvider(`${c.group}/${c.kind}`, { layer: l, how: 'helm', via: `HelmRelease ${keyOf(o)}`, doc: m }, m);
          }
        }
      }
    }
    for (const rgd of rgds.filter((r) => layerOfFile.get(r.doc.file) === l)) {
      const g = rgd.generated;
      addProvider(`${g.group}/${g.kind}`, { layer: l, how: 'rgd', via: `ResourceGraphDefinition ${rgd.name}`, doc: rgd.doc }, rgd.doc);
    }
  }

  // Every custom resource needs its CRD from a layer it depends on.
  const needsWait = new Map<FluxLayer, Set<string>>();
  for (const l of layers) {
    const deps = reachable(graph, l.key);
    const uses: { doc: DistDocument; gk: string; path: string; what: string }[] = [];
    for (const m of l.members) {
      uses.push({ doc: m, gk: groupKindOf(m.object), path: '$', what: `${String(m.object.kind)}` });
      const rgd = rgds.find((r) => r.doc === m);
      for (const r of rgd?.resources ?? []) {
        if (r.apiVersion && r.kind) uses.push({ doc: m, gk: `${splitApiVersion(r.apiVersion).group}/${r.kind}`, path: r.path, what: `template ${r.id} (${r.kind})` });
      }
    }
    for (const u of uses) {
      const [group, kind] = [u.gk.slice(0, u.gk.lastIndexOf('/')), u.gk.slice(u.gk.lastIndexOf('/') + 1)];
      if (kinds.registry.isBuiltinGroupKind(group, kind)) continue;
      const p = providers.get(u.gk);
      if (!p) {
        violations.push(violation(u.doc, 'flux', u.path, `${u.what}: no layer installs the CRD for ${u.gk}`));
        continue;
      }
      if (p.how === 'preinstalled') continue;
      if (p.layer === l) {
        if (p.how !== 'crd' && p.how !== 'upstream') {
          violations.push(violation(u.doc, 'flux', u.path, `${u.what}: ${u.gk} is installed in the same layer ${l.key} by ${p.via}, which creates the CRD only after Flux applied this object; move it to a layer that depends on ${l.key}`));
        }
        continue;
      }
      if (!p.layer || !deps.has(p.layer.key)) {
        violations.push(violation(u.doc, 'flux', u.path, `${u.what}: ${u.gk} is installed by ${p.via} in layer ${p.layer?.key ?? '?'}, but layer ${l.key} does not depend on it (dependsOn, transitively)`));
        continue;
      }
      if (p.how === 'helm' || p.how === 'rgd') needsWait.set(p.layer, (needsWait.get(p.layer) ?? new Set()).add(p.via));
    }
  }
  for (const [layer, vias] of needsWait) {
    if (layer.wait) continue;
    const checks = layer.healthChecks;
    const missing = [...vias].filter((via) => {
      const [kind, key] = via.split(' ');
      return !checks.some((h) => asString(h.kind) === kind && `${asString(h.namespace) ?? ''}/${asString(h.name)}` === key);
    });
    if (missing.length > 0) {
      violations.push(violation(layer.document, 'flux', childPath('$.spec', 'wait'),
        `dependents need the CRDs from ${missing.join(', ')}, but this Kustomization neither sets wait: true nor health-checks them, so dependents may start before the CRDs exist`));
    }
  }
  // Any layer others depend on must wait for its objects' health: Flux's dependsOn waits only for the
  // dependency's Ready, which without wait (or healthChecks) means "applied", not "working".
  for (const layer of layers) {
    if (layer.wait || layer.healthChecks.length > 0 || needsWait.has(layer)) continue;
    const dependents = layers.filter((l) => l.dependsOn.includes(layer.key)).map((l) => l.key).sort();
    if (dependents.length > 0) {
      violations.push(violation(layer.document, 'flux', childPath('$.spec', 'wait'),
        `${dependents.join(', ')} depend${dependents.length === 1 ? 's' : ''} on this Kustomization, which does not set wait: true, so Flux counts it Ready once applied and the dependents may start before its objects work`));
    }
  }
  return { layers, layerOfFile, violations, notes };
}

/** The component whose CRDs a HelmRelease installs; reports charts that differ from the pinned ones. */
function helmReleaseComponent(
  m: DistDocument,
  findSource: (kind: string, name: string, namespace: string) => DistDocument | undefined,
  violations: Violation[],
  notes: string[],
): string | undefined {
  const o = m.object;
  const ns = metaOf(o).namespace ?? '';
  const spec = asObject(o.spec) ?? {};
  const chartSpec = asObject(asObject(spec.chart)?.spec);
  const chartRef = asObject(spec.chartRef);
  let chartName: string | undefined;
  let version: string | undefined;
  let versionPath = '$';
  let repoUrl: string | undefined;
  let repoDoc: DistDocument | undefined;
  if (chartSpec) {
    chartName = asString(chartSpec.chart);
    version = asString(chartSpec.version);
    versionPath = '$.spec.chart.spec.version';
    const ref = asObject(chartSpec.sourceRef) ?? {};
    repoDoc = findSource(asString(ref.kind) ?? '', asString(ref.name) ?? '', asString(ref.namespace) ?? ns);
    repoUrl = asString(asObject(repoDoc?.object.spec)?.url);
    if (repoUrl?.startsWith('oci://') && chartName) repoUrl = `${repoUrl.replace(/\/$/, '')}/${chartName}`;
  } else if (chartRef) {
    repoDoc = findSource(asString(chartRef.kind) ?? '', asString(chartRef.name) ?? '', asString(chartRef.namespace) ?? ns);
    const rs = asObject(repoDoc?.object.spec) ?? {};
    repoUrl = asString(rs.url);
    chartName = repoUrl?.replace(/\/$/, '').split('/').pop();
    version = asString(asObject(rs.ref)?.tag) ?? asString(asObject(rs.ref)?.semver);
    versionPath = '$.spec.ref.tag';
  }
  if (!chartName) {
    violations.push(violation(m, 'flux', '$.spec', 'cannot tell which chart this HelmRelease installs (no chart.spec.chart, or chartRef source not found)'));
    return undefined;
  }
  const pinned = CHART_COMPONENTS.get(chartName);
  if (!pinned) return undefined;
  const where = repoDoc && chartRef ? repoDoc : m;
  if (version !== pinned.chart.version) {
    violations.push(violation(where, 'flux', versionPath, `chart ${chartName} version ${JSON.stringify(version ?? '')} is not the pinned ${pinned.chart.version} (lib/shared/versions.ts)`));
  }
  const norm = (u: string | undefined): string => (u ?? '').replace(/\/$/, '');
  const mirrorOf = asString(asObject(asObject(repoDoc?.object.metadata)?.annotations)?.[ANNOTATIONS.mirrorOf]);
  if (repoUrl !== undefined && norm(repoUrl) !== norm(pinned.chart.repository) && mirrorOf !== undefined && norm(mirrorOf) === norm(pinned.chart.repository)) {
    notes.push(`chart ${chartName} comes from the mirror ${repoUrl} of ${pinned.chart.repository} (annotation ${ANNOTATIONS.mirrorOf}); its version is checked`);
  } else if (repoUrl !== undefined && norm(repoUrl) !== norm(pinned.chart.repository)) {
    violations.push(violation(repoDoc ?? m, 'flux', '$.spec.url', `chart ${chartName} comes from ${repoUrl}, not the pinned ${pinned.chart.repository}`));
  }
  return pinned.component;
}
