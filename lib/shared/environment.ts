/**
 * Environment profiles: the sizes that differ between a laptop and a real cluster. A profile is an object of
 * {@link EnvironmentProfile}: the built-ins {@link LOCAL} and {@link PRODUCTION}, or one a consumer writes. It is
 * chosen once — `buildPlatform({ environment })`, or `npm run synth -- --env production` (`MINI_ATLAS_ENV`),
 * which resolves a built-in by name — and passed as a prop to the constructs it sizes (charts → SharedKafka and
 * Workspace; Infrastructure and Topic take their Workspace's). It never appears in tenant code.
 */
import { show, ValidationIssue } from './validation-error';

/** Sizes for one environment; write your own for an environment the built-ins do not fit. */
export interface EnvironmentProfile {
  /** Profile name, e.g. `local` or a consumer's `staging`. */
  readonly name: string;
  /** Shared Kafka cluster. */
  readonly kafka: {
    /** Broker+controller nodes (combined roles in one node pool). */
    readonly nodes: number;
    /** Default and internal-topic replication factor. */
    readonly replicationFactor: number;
    /** `min.insync.replicas` for the cluster. */
    readonly minInSyncReplicas: number;
    /** Persistent volume per node. */
    readonly storage: string;
    readonly cpuRequest: string;
    readonly memoryLimit: string;
  };
  /** Defaults for an Infrastructure's PostgreSQL. */
  readonly postgres: { readonly instances: number; readonly storage: string };
  /** Replicas of a tenant's Kafka topic. */
  readonly topicReplicas: number;
  /**
   * The provisioner of the platform's `retained` StorageClass (databases' and brokers' volumes) in this
   * environment: a CSI driver name of its clusters. A profile without it must get one from
   * `CoreChartProps.storage` (synth refuses otherwise), so a real cluster never defaults to Kind's.
   * @default none
   */
  readonly storage?: {
    readonly provisioner: string;
    /** StorageClass `parameters` of the provisioner. @default none */
    readonly parameters?: Readonly<Record<string, string>>;
  };
  /** Per-workspace ResourceQuota and LimitRange. */
  readonly workspaceQuota: {
    readonly cpu: string;
    readonly memory: string;
    readonly storage: string;
    readonly pods: number;
    readonly defaultContainerCpu: string;
    readonly defaultContainerMemory: string;
  };
}

/** A single-node Kind cluster on a laptop. */
export const LOCAL: EnvironmentProfile = {
  name: 'local',
  kafka: { nodes: 1, replicationFactor: 1, minInSyncReplicas: 1, storage: '2Gi', cpuRequest: '250m', memoryLimit: '1Gi' },
  postgres: { instances: 1, storage: '1Gi' },
  topicReplicas: 1,
  // Kind's local-path-provisioner (the version in lib/shared/versions.ts).
  storage: { provisioner: 'rancher.io/local-path' },
  workspaceQuota: {
    cpu: '4', memory: '8Gi', storage: '20Gi', pods: 40, defaultContainerCpu: '250m', defaultContainerMemory: '256Mi',
  },
};

/** A multi-node cluster with real redundancy. It names no storage provisioner: the platform gives its cluster's. */
export const PRODUCTION: EnvironmentProfile = {
  name: 'production',
  kafka: { nodes: 3, replicationFactor: 3, minInSyncReplicas: 2, storage: '100Gi', cpuRequest: '1', memoryLimit: '8Gi' },
  postgres: { instances: 3, storage: '20Gi' },
  topicReplicas: 3,
  workspaceQuota: {
    cpu: '32', memory: '64Gi', storage: '500Gi', pods: 200, defaultContainerCpu: '500m', defaultContainerMemory: '512Mi',
  },
};

/** The built-in profiles, `LOCAL` first: what a synth program offers when it declares none of its own. */
export const BUILT_IN_PROFILES: readonly EnvironmentProfile[] = [LOCAL, PRODUCTION];

/**
 * Checks a profile against itself: Kafka cannot place more replicas than it has brokers, and a partition
 * with fewer in-sync replicas than `min.insync.replicas` refuses writes with `acks=all` (Apache Kafka
 * documentation, broker config `min.insync.replicas`), so `topicReplicas` and `kafka.replicationFactor` must
 * not exceed `kafka.nodes`, and `kafka.minInSyncReplicas` must not exceed `kafka.replicationFactor`.
 * Each value must also be at least 1. Each problem is a ValidationIssue without its path: the dotted field, the value as JSON, the rule.
 */
export function profileProblems(p: EnvironmentProfile): Omit<ValidationIssue, 'path'>[] {
  const out: Omit<ValidationIssue, 'path'>[] = [];
  const atLeastOne: [string, number][] = [
    ['kafka.nodes', p.kafka.nodes], ['kafka.replicationFactor', p.kafka.replicationFactor], ['kafka.minInSyncReplicas', p.kafka.minInSyncReplicas],
    ['postgres.instances', p.postgres.instances], ['topicReplicas', p.topicReplicas],
  ];
  for (const [field, value] of atLeastOne) {
    if (!Number.isInteger(value) || value < 1) out.push({ field, value: show(value), rule: 'must be a whole number of at least 1' });
  }
  const brokers = p.kafka.nodes;
  if (p.topicReplicas > brokers) out.push({ field: 'topicReplicas', value: show(p.topicReplicas), rule: `is more than the profile's ${brokers} Kafka broker${brokers === 1 ? '' : 's'} (kafka.nodes): Kafka cannot place the replicas` });
  if (p.kafka.replicationFactor > brokers) {
    out.push({ field: 'kafka.replicationFactor', value: show(p.kafka.replicationFactor), rule: `is more than the profile's ${brokers} Kafka broker${brokers === 1 ? '' : 's'} (kafka.nodes): Kafka cannot place the replicas` });
  }
  if (p.kafka.minInSyncReplicas > p.kafka.replicationFactor) {
    out.push({ field: 'kafka.minInSyncReplicas', value: show(p.kafka.minInSyncReplicas), rule: `is more than kafka.replicationFactor (${p.kafka.replicationFactor}): every write with acks=all would be refused` });
  }
  return out;
}
