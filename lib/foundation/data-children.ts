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

/** One kind of child that holds data, and what is lost with it. */
export interface DataChild {
  /** API group, `''` for the core group. */
  readonly group: string;
  readonly kind: string;
  /** What deleting it loses (one line), with the upstream source. */
  readonly loses: string;
}

/** The child kinds that hold data. Key: API group and kind; every version of the kind shares the rule. */
export const DATA_CHILDREN: readonly DataChild[] = [
  {
    group: 'postgresql.cnpg.io', kind: 'Cluster',
    // The Cluster owns its PVCs, so they go with it; a retained PV stays behind unbound, and a new Cluster
    // bootstraps new, empty volumes (cloudnative-pg discussion #4278).
    loses: 'the PostgreSQL database: its volume claims go with the Cluster and a new Cluster starts empty',
  },
  {
    group: 'kafka.strimzi.io', kind: 'KafkaTopic',
    // The unidirectional Topic Operator deletes a managed topic when its KafkaTopic is deleted (Strimzi
    // documentation, "Configuring Kafka topics": `kubectl delete KafkaTopic` deletes the topic).
    loses: 'the Kafka topic and its records: the Topic Operator deletes the topic with the KafkaTopic',
  },
  {
    group: '', kind: 'Namespace',
    loses: 'everything in the namespace: Kubernetes deletes every object in it with the namespace',
  },
  {
    group: '', kind: 'PersistentVolumeClaim',
    loses: 'the volume\'s data (a retained volume stays behind, bound to nothing)',
  },
];

/** The data rule of a child kind, or undefined when deleting it loses nothing. */
export function dataChildOf(apiVersion: string, kind: string): DataChild | undefined {
  const group = apiGroupOf(apiVersion);
  return DATA_CHILDREN.find((c) => c.group === group && c.kind === kind);
}
