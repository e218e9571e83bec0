/**
 * The platform's state as `cluster:status` reports it: layers (Flux Kustomizations, numbered by
 * `dependsOn`), HelmReleases, ResourceGraphDefinitions, and the workspaces with the platform instances in
 * their namespaces. Read from the cluster only (not from `dist/`), so it shows what is really there.
 */
import { fluxKustomizations, fluxLayers } from './flux-layers';
import { KubeClient, RESOURCES } from './kube-client';
import { getString, KubeObject } from './kube-object';
import { readinessOf } from './readiness';

/** One object's readiness. */
export interface StatusRow {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly ready: boolean;
  readonly reason: string;
  readonly message: string;
}

/** A Flux Kustomization with its layer (1-based; null when the dependency graph is broken). */
export interface LayerRow extends StatusRow {
  readonly layer: number | null;
  readonly path: string;
}

/** An RGD and the kind it generates. */
export interface DefinitionRow extends StatusRow {
  /** `Kind.group/version` of the generated API. */
  readonly generates: string;
}

/** A workspace and the instances in its namespace. */
export interface WorkspaceRow extends StatusRow {
  readonly instances: readonly StatusRow[];
}

/** Everything `cluster:status` shows. `undefined` lists mean the API is not installed (yet). */
export interface ClusterStatus {
  readonly cluster: string;
  readonly context: string;
  readonly exists: boolean;
  readonly layers?: readonly LayerRow[];
  readonly helmReleases?: readonly StatusRow[];
  readonly resourceGraphDefinitions?: readonly DefinitionRow[];
  readonly workspaces?: readonly WorkspaceRow[];
  /** Platform instances in namespaces that belong to no Workspace. */
  readonly unassignedInstances?: readonly StatusRow[];
  /** True when the cluster exists and everything listed is Ready (and Flux is installed). */
  readonly ready: boolean;
}

function row(o: KubeObject): StatusRow {
  const r = readinessOf(o);
  return {
    kind: o.kind,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    name: o.metadata.name,
    ready: r.ready,
    reason: r.reason,
    message: r.message,
  };
}

const byNamespacedName = (a: StatusRow, b: StatusRow): number =>
  `${a.namespace ?? ''}/${a.name}`.localeCompare(`${b.namespace ?? ''}/${b.name}`);

/** Layer numbers for the Kustomizations in the cluster (null for all when the graph is broken). */
function layerNumbers(objects: readonly KubeObject[]): Map<string, number> {
  const numbers = new Map<string, number>();
  try {
    for (const layer of fluxLayers(fluxKustomizations(objects))) {
      for (const k of layer.kustomizations) numbers.set(k.key, layer.index);
    }
  } catch {
    // a dependency outside the cluster or a cycle: report without numbers
  }
  return numbers;
}

/** The generated API of an RGD: kind, group (KRO's default `kro.run`) and version. */
function generatedApi(rgd: KubeObject): { kind: string; group: string; version: string } | undefined {
  const kind = getString(rgd.spec, ['schema', 'kind']);
  if (!kind) return undefined;
  return {
    kind,
    group: getString(rgd.spec, ['schema', 'group']) ?? 'kro.run',
    version: getString(rgd.spec, ['schema', 'apiVersion']) ?? 'v1alpha1',
  };
}

/** Collects the status of an existing cluster. */
export async function collectStatus(kube: KubeClient, cluster: string): Promise<ClusterStatus> {
  const kustomizations = await kube.list(RESOURCES.kustomizations);
  const helmReleases = await kube.list(RESOURCES.helmReleases);
  const rgds = await kube.list(RESOURCES.resourceGraphDefinitions);

  const numbers = layerNumbers(kustomizations ?? []);
  const layers = kustomizations
    ?.map((o): LayerRow => ({
      ...row(o),
      layer: numbers.get(`${o.metadata.namespace ?? 'flux-system'}/${o.metadata.name}`) ?? null,
      path: getString(o.spec, ['path']) ?? '',
    }))
    .sort((a, b) => (a.layer ?? Infinity) - (b.layer ?? Infinity) || a.name.localeCompare(b.name));

  const definitions = rgds?.map((o): DefinitionRow => {
    const api = generatedApi(o);
    return { ...row(o), generates: api ? `${api.kind}.${api.group}/${api.version}` : '?' };
  }).sort(byNamespacedName);

  let workspaces: WorkspaceRow[] | undefined;
  let unassigned: StatusRow[] | undefined;
  if (rgds) {
    const workspaceObjects: KubeObject[] = [];
    const instances: KubeObject[] = [];
    for (const rgd of rgds) {
      const api = generatedApi(rgd);
      if (!api) continue;
      const listed = await kube.list(`${api.kind.toLowerCase()}.${api.group}`);
      if (!listed) continue;
      if (api.kind === 'Workspace') workspaceObjects.push(...listed);
      else instances.push(...listed);
    }
    const names = new Set(workspaceObjects.map((w) => w.metadata.name));
    workspaces = workspaceObjects
      .map((w): WorkspaceRow => ({
        ...row(w),
        instances: instances.filter((i) => i.metadata.namespace === w.metadata.name).map(row).sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`)),
      }))
      .sort(byNamespacedName);
    unassigned = instances.filter((i) => !names.has(i.metadata.namespace ?? '')).map(row).sort(byNamespacedName);
  }

  const all: StatusRow[] = [
    ...(layers ?? []),
    ...(helmReleases?.map(row) ?? []),
    ...(definitions ?? []),
    ...(workspaces ?? []),
    ...(workspaces?.flatMap((w) => w.instances) ?? []),
    ...(unassigned ?? []),
  ];
  return {
    cluster,
    context: kube.context,
    exists: true,
    ...(layers ? { layers } : {}),
    ...(helmReleases ? { helmReleases: helmReleases.map(row).sort(byNamespacedName) } : {}),
    ...(definitions ? { resourceGraphDefinitions: definitions } : {}),
    ...(workspaces ? { workspaces } : {}),
    ...(unassigned ? { unassignedInstances: unassigned } : {}),
    ready: layers !== undefined && layers.length > 0 && all.every((r) => r.ready),
  };
}

/** Renders rows as an aligned text table. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

function short(text: string, max = 90): string {
  const one = text.replace(/\s*\n\s*/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

const yes = (r: StatusRow): string => (r.ready ? 'yes' : 'no');
const ref = (r: StatusRow): string => (r.namespace ? `${r.namespace}/${r.name}` : r.name);

/** The human-readable report. */
export function renderStatus(s: ClusterStatus): string {
  if (!s.exists) return `Kind cluster ${s.cluster} does not exist. Create it with: npm run cluster:up\n`;
  const out: string[] = [`Cluster ${s.cluster} (context ${s.context}): ${s.ready ? 'everything is Ready' : 'NOT everything is Ready'}`, ''];
  out.push(
    s.layers === undefined
      ? 'Layers: Flux is not installed (run npm run cluster:up)'
      : renderTable(['LAYER', 'KUSTOMIZATION', 'READY', 'REASON', 'MESSAGE'], s.layers.map((l) => [l.layer === null ? '?' : String(l.layer), ref(l), yes(l), l.reason, short(l.message)])),
    '',
  );
  if (s.helmReleases) {
    out.push(renderTable(['HELMRELEASE', 'READY', 'REASON', 'MESSAGE'], s.helmReleases.map((r) => [ref(r), yes(r), r.reason, short(r.message)])), '');
  }
  out.push(
    s.resourceGraphDefinitions === undefined
      ? 'ResourceGraphDefinitions: KRO is not installed yet'
      : renderTable(['RESOURCEGRAPHDEFINITION', 'GENERATES', 'READY', 'REASON', 'MESSAGE'], s.resourceGraphDefinitions.map((r) => [r.name, r.generates, yes(r), r.reason, short(r.message)])),
    '',
  );
  if (s.workspaces) {
    const rows: string[][] = [];
    for (const w of s.workspaces) {
      const readyCount = w.instances.filter((i) => i.ready).length;
      rows.push([w.name, '', yes(w), `${readyCount}/${w.instances.length} instances Ready`, short(w.message)]);
      for (const i of w.instances) rows.push([`  ${i.kind}`, i.name, yes(i), i.reason, short(i.message)]);
    }
    for (const i of s.unassignedInstances ?? []) rows.push([`(no workspace) ${i.kind}`, ref(i), yes(i), i.reason, short(i.message)]);
    out.push(rows.length === 0 ? 'Workspaces: none yet' : renderTable(['WORKSPACE', 'INSTANCE', 'READY', 'STATE', 'MESSAGE'], rows), '');
  }
  return out.join('\n');
}
