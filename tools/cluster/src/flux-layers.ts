/**
 * The Flux Kustomizations of `dist/flux-system` (or of a cluster), ordered into layers by `dependsOn` with
 * the dist model's one order (`fluxOrder`): layer 0 depends on nothing, layer n only on earlier layers.
 * `cluster:up` waits for the layers in this order.
 */
import { FluxKustomization, fluxKustomizationOf, fluxOrder, formatFluxOrderProblems } from 'mini-atlas';
import { ClusterError } from './cluster-error';
import { KubeObject } from './kube-object';

/** A set of Kustomizations that can become Ready together (all their dependencies are in earlier layers). */
export interface FluxLayer {
  /** 1-based position. */
  readonly index: number;
  readonly kustomizations: readonly FluxKustomization[];
}

const FIX = 'check the flux-system chart and run `npm run synth`';

/** The Flux Kustomizations among `objects`. */
export function fluxKustomizations(objects: readonly KubeObject[]): FluxKustomization[] {
  return objects.flatMap((o) => fluxKustomizationOf(o) ?? []);
}

/** Orders Kustomizations into layers. Throws when a dependency is not among them or when they form a cycle. */
export function fluxLayers(kustomizations: readonly FluxKustomization[]): FluxLayer[] {
  const order = fluxOrder(kustomizations);
  if (order.problems.length > 0) throw new ClusterError(formatFluxOrderProblems(order.problems), FIX);
  return order.layers.map((layer, i) => ({ index: i + 1, kustomizations: layer }));
}

/** A short label for a layer: its Kustomization names. */
export function layerLabel(layer: FluxLayer): string {
  return layer.kustomizations.map((k) => k.name).join(', ');
}
