/**
 * Which children of a ResourceGraphDefinition hold data, defined once per kind.
 *
 * KRO (v0.9, `pkg/controller/instance`) deletes a child that leaves an instance's graph — because the RGD no
 * longer has a resource of that id (removed or renamed: a renamed child is a new object, created empty) or
 * because its `includeWhen` is now false — and with the RGD it deletes the generated CRD, so every instance
 * and every child go. For the kinds below that is data lost, so the change guard of `writeDist`
 * (lib/synth/change-guard.ts) asks for an acknowledgement before such an RGD change reaches `dist/`.
 * Every other child kind (Deployments, Services, policies, quotas…) is recreated from its template with
 * nothing lost.
 */
import { apiGroupOf } from '../shared/api';
import { DATA_BEARING_KINDS } from '../shared/data-bearing';

/** One kind of child that holds data, and what is lost with it. */
export interface DataChild {
  /** API group, `''` for the core group. */
  readonly group: string;
  readonly kind: string;
  /** What deleting it loses (one line), with the upstream source. */
  readonly loses: string;
}

/**
 * Kinds that hold data only as an RGD's child, beside the data-bearing kinds: they are not in
 * DATA_BEARING_KINDS because the cluster must stay free to delete them (the namespace controller, and
 * CloudNativePG deleting a Cluster's claims), but KRO deleting one of an instance's children loses its data.
 */
const CHILD_ONLY: readonly DataChild[] = [
  { group: '', kind: 'Namespace', loses: 'everything in the namespace: Kubernetes deletes every object in it with the namespace' },
  { group: '', kind: 'PersistentVolumeClaim', loses: 'the volume\'s data (a retained volume stays behind, bound to nothing)' },
];

/**
 * The child kinds that hold data: every data-bearing kind that says what its deletion loses
 * (`DataBearingKind.deletionLoses`, lib/shared/data-bearing.ts), then Namespace and PersistentVolumeClaim.
 * Key: API group and kind; every version of the kind shares the rule.
 */
export const DATA_CHILDREN: readonly DataChild[] = [
  ...DATA_BEARING_KINDS.flatMap((k) => (k.deletionLoses ? [{ group: k.group, kind: k.kind, loses: k.deletionLoses }] : [])),
  ...CHILD_ONLY,
];

/** The data rule of a child kind, or undefined when deleting it loses nothing. */
export function dataChildOf(apiVersion: string, kind: string): DataChild | undefined {
  const group = apiGroupOf(apiVersion);
  return DATA_CHILDREN.find((c) => c.group === group && c.kind === kind);
}
