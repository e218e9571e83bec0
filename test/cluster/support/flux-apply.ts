/**
 * Applies the objects of one Flux Kustomization the way kustomize-controller does (fluxcd/pkg/ssa
 * `ApplyAllStaged`), but with strict field validation:
 *
 * 1. CustomResourceDefinitions, Namespaces and ClusterRoles, then wait until the CRDs are Established and
 *    the Namespaces Active;
 * 2. kinds whose name ends in `Class` (StorageClass, GatewayClass, …);
 * 3. everything else.
 *
 * Within a stage every object is first applied server-side as a dry run; when any dry run is rejected the
 * stage applies nothing and the Kustomization fails (that is what Flux does, so a namespaced object whose
 * namespace only appears later blocks its whole Kustomization). The field manager is kustomize-controller's.
 */
import type { DistObject } from './dist';
import { KubeApiError, KubeClient, KubeObject, waitFor } from '../../../tools/control-plane/src/kube-client';

/** The field manager kustomize-controller applies with. */
export const FLUX_FIELD_MANAGER = 'kustomize-controller';

/** One object the API server refused. */
export interface Rejection {
  /** File in dist/. */
  readonly file: string;
  /** `Kind namespace/name`. */
  readonly object: string;
  /** `dry-run` (Flux would stop the whole stage) or `apply`. */
  readonly phase: 'dry-run' | 'apply';
  /** The API server's message, verbatim. */
  readonly message: string;
}

/** Outcome of applying one Kustomization. */
export interface StageOutcome {
  /** Objects stored. */
  readonly applied: readonly DistObject[];
  /** Objects refused. Empty when the Kustomization applied cleanly. */
  readonly rejections: readonly Rejection[];
}

/** `Kind namespace/name` of an object. */
export function describeObject(o: KubeObject): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

const isDefinition = (o: KubeObject): boolean =>
  (o.kind === 'CustomResourceDefinition' && o.apiVersion.startsWith('apiextensions.k8s.io/')) ||
  (o.kind === 'Namespace' && o.apiVersion === 'v1') ||
  (o.kind === 'ClusterRole' && o.apiVersion.startsWith('rbac.authorization.k8s.io/'));

const isClass = (o: KubeObject): boolean => o.kind.endsWith('Class');

function messageOf(e: unknown): string {
  if (e instanceof KubeApiError) return `${e.code} ${e.reason}: ${e.serverMessage}`;
  return e instanceof Error ? e.message : String(e);
}

async function applyAll(client: KubeClient, objects: readonly DistObject[]): Promise<StageOutcome> {
  const dry = await Promise.all(objects.map(async (o): Promise<Rejection | undefined> => {
    try {
      await client.apply(o.object, { fieldManager: FLUX_FIELD_MANAGER, dryRun: true });
      return undefined;
    } catch (e) {
      return { file: o.path, object: describeObject(o.object), phase: 'dry-run', message: messageOf(e) };
    }
  }));
  const refused = dry.filter((r): r is Rejection => r !== undefined);
  if (refused.length > 0) return { applied: [], rejections: refused };
  const applied: DistObject[] = [];
  const rejections: Rejection[] = [];
  for (const o of objects) {
    try {
      await client.apply(o.object, { fieldManager: FLUX_FIELD_MANAGER });
      applied.push(o);
    } catch (e) {
      rejections.push({ file: o.path, object: describeObject(o.object), phase: 'apply', message: messageOf(e) });
    }
  }
  return { applied, rejections };
}

async function waitForDefinitions(client: KubeClient, objects: readonly DistObject[]): Promise<void> {
  for (const { object } of objects) {
    if (object.kind === 'CustomResourceDefinition') {
      await waitFor(`CRD ${object.metadata.name} Established`, async () => {
        const live = await client.get(object.apiVersion, object.kind, object.metadata.name!);
        const conditions = (live?.status?.conditions ?? []) as { type: string; status: string }[];
        return conditions.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
      });
    } else if (object.kind === 'Namespace') {
      await waitFor(`Namespace ${object.metadata.name} Active`, async () => {
        const live = await client.get('v1', 'Namespace', object.metadata.name!);
        return (live?.status as { phase?: string } | undefined)?.phase === 'Active' ? true : undefined;
      });
    }
  }
  if (objects.some((o) => o.object.kind === 'CustomResourceDefinition')) await client.refreshDiscovery();
}

/** Applies one Kustomization's objects in Flux's stages; stops at the first stage with a rejection. */
export async function fluxApplyStaged(client: KubeClient, objects: readonly DistObject[]): Promise<StageOutcome> {
  const definitions = objects.filter((o) => isDefinition(o.object));
  const classes = objects.filter((o) => !isDefinition(o.object) && isClass(o.object));
  const rest = objects.filter((o) => !isDefinition(o.object) && !isClass(o.object));
  const applied: DistObject[] = [];
  for (const [i, stage] of [definitions, classes, rest].entries()) {
    if (stage.length === 0) continue;
    const outcome = await applyAll(client, stage);
    applied.push(...outcome.applied);
    if (outcome.rejections.length > 0) return { applied, rejections: outcome.rejections };
    if (i === 0) await waitForDefinitions(client, stage);
  }
  return { applied, rejections: [] };
}
