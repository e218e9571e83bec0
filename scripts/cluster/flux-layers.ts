/**
 * The Flux Kustomizations of `dist/flux-system`, ordered into layers by `dependsOn`: layer 0 depends on
 * nothing, layer n only on earlier layers. `cluster:up` waits for the layers in this order.
 */
import { ClusterError } from './cluster-error';
import { apiGroup, getString, KubeObject } from './kube-object';

/** One Flux Kustomization of the platform. */
export interface FluxKustomization {
  readonly name: string;
  readonly namespace: string;
  /** `spec.path` in the source (e.g. `./dist/core/operators`). */
  readonly path: string;
  /** `Kind/namespace/name` of `spec.sourceRef`. */
  readonly sourceRef: { readonly kind: string; readonly name: string; readonly namespace: string };
  /** `namespace/name` keys of the Kustomizations this one depends on. */
  readonly dependsOn: readonly string[];
}

/** A set of Kustomizations that can become Ready together (all their dependencies are in earlier layers). */
export interface FluxLayer {
  /** 1-based position. */
  readonly index: number;
  readonly kustomizations: readonly FluxKustomization[];
}

const FIX = 'check the flux-system chart and run `npm run synth`';

/** `namespace/name`. */
export function kustomizationKey(k: { readonly namespace: string; readonly name: string }): string {
  return `${k.namespace}/${k.name}`;
}

/** The Flux Kustomizations among `objects`. */
export function fluxKustomizations(objects: readonly KubeObject[]): FluxKustomization[] {
  return objects
    .filter((o) => o.kind === 'Kustomization' && apiGroup(o.apiVersion) === 'kustomize.toolkit.fluxcd.io')
    .map((o) => {
      const namespace = o.metadata.namespace ?? 'flux-system';
      const deps = Array.isArray(o.spec?.dependsOn) ? (o.spec.dependsOn as readonly Record<string, unknown>[]) : [];
      return {
        name: o.metadata.name,
        namespace,
        path: getString(o.spec, ['path']) ?? './',
        sourceRef: {
          kind: getString(o.spec, ['sourceRef', 'kind']) ?? '',
          name: getString(o.spec, ['sourceRef', 'name']) ?? '',
          namespace: getString(o.spec, ['sourceRef', 'namespace']) ?? namespace,
        },
        dependsOn: deps.map((d) => `${typeof d.namespace === 'string' ? d.namespace : namespace}/${String(d.name)}`),
      };
    });
}

/**
 * Orders Kustomizations into layers (Kahn's algorithm, names sorted within a layer). Throws when a
 * dependency is not among them or when they form a cycle.
 */
export function fluxLayers(kustomizations: readonly FluxKustomization[]): FluxLayer[] {
  const byKey = new Map(kustomizations.map((k) => [kustomizationKey(k), k]));
  for (const k of kustomizations) {
    for (const d of k.dependsOn) {
      if (!byKey.has(d)) {
        throw new ClusterError(`Kustomization ${kustomizationKey(k)} depends on ${d}, which is not in dist/flux-system`, FIX);
      }
    }
  }
  const done = new Set<string>();
  const layers: FluxLayer[] = [];
  let remaining = [...kustomizations];
  while (remaining.length > 0) {
    const ready = remaining.filter((k) => k.dependsOn.every((d) => done.has(d)));
    if (ready.length === 0) {
      throw new ClusterError(
        `the Flux Kustomizations ${remaining.map(kustomizationKey).join(', ')} depend on each other in a cycle`,
        FIX,
      );
    }
    ready.sort((a, b) => a.name.localeCompare(b.name));
    layers.push({ index: layers.length + 1, kustomizations: ready });
    for (const k of ready) done.add(kustomizationKey(k));
    remaining = remaining.filter((k) => !done.has(kustomizationKey(k)));
  }
  return layers;
}

/** A short label for a layer: its Kustomization names. */
export function layerLabel(layer: FluxLayer): string {
  return layer.kustomizations.map((k) => k.name).join(', ');
}
