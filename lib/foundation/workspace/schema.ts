/** The Workspace abstraction's fields: the single source of its RGD schema and its TypeScript type. */
import { EnvironmentProfile, LOCAL } from '../../shared/environment';
import { fields, SpecOf } from '../../shared/fields';
import { BYTES_PATTERN, CPU_PATTERN, NAME_PATTERN } from '../../shared/patterns';
import { EGRESS_FIELD } from '../egress';

/** Default and bounds of a workspace's Kafka limits (`quota.topics`, `quota.kafka*`). */
export const KAFKA_QUOTA_DEFAULTS = { topics: 10, producerBytesPerSecond: 1_048_576, consumerBytesPerSecond: 2_097_152 } as const;
/** Largest Kafka byte rate a workspace may be given (100 MiB/s per broker). */
export const MAX_KAFKA_BYTE_RATE = 104_857_600;

/**
 * The Workspace fields with the defaults of `environment` (the pod and storage `quota` values ←
 * `workspaceQuota`; the Kafka limits ← {@link KAFKA_QUOTA_DEFAULTS}): what the RGD of that environment
 * declares, so a Workspace written as raw YAML gets the profile's quota too.
 */
export function workspaceFields(environment: EnvironmentProfile) {
  const q = environment.workspaceQuota;
  return fields({
    team: {
      type: 'string', required: true, pattern: NAME_PATTERN, maxLength: 63, patternHint: 'a DNS-1123 label',
      description: 'Team that owns the workspace; becomes the platform.mini-atlas.io/team label',
    },
    quota: {
      type: 'object', description: 'ResourceQuota and LimitRange of the workspace namespace',
      fields: {
        cpu: { type: 'string', default: q.cpu, pattern: CPU_PATTERN, patternHint: 'a CPU quantity such as 4 or 500m', description: 'Total CPU limits of all pods' },
        memory: { type: 'string', default: q.memory, pattern: BYTES_PATTERN, patternHint: 'a quantity such as 8Gi', description: 'Total memory limits of all pods' },
        storage: { type: 'string', default: q.storage, pattern: BYTES_PATTERN, patternHint: 'a quantity such as 20Gi', description: 'Total requested persistent storage' },
        pods: { type: 'integer', default: q.pods, minimum: 1, maximum: 1000, description: 'Maximum number of pods' },
        defaultContainerCpu: { type: 'string', default: q.defaultContainerCpu, pattern: CPU_PATTERN, patternHint: 'a CPU quantity', description: 'CPU limit given to containers that set none' },
        defaultContainerMemory: { type: 'string', default: q.defaultContainerMemory, pattern: BYTES_PATTERN, patternHint: 'a quantity such as 256Mi', description: 'Memory limit given to containers that set none' },
        topics: {
          type: 'integer', default: KAFKA_QUOTA_DEFAULTS.topics, minimum: 0, maximum: 100,
          description: 'Maximum number of Topics (ResourceQuota count/topics.platform.mini-atlas.io)',
        },
        kafkaProducerBytesPerSecond: {
          type: 'integer', default: KAFKA_QUOTA_DEFAULTS.producerBytesPerSecond, minimum: 1024, maximum: MAX_KAFKA_BYTE_RATE,
          description: 'Bytes per second the workspace\'s Kafka user may publish to each broker before Kafka throttles it (KafkaUser quotas.producerByteRate)',
        },
        kafkaConsumerBytesPerSecond: {
          type: 'integer', default: KAFKA_QUOTA_DEFAULTS.consumerBytesPerSecond, minimum: 1024, maximum: MAX_KAFKA_BYTE_RATE,
          description: 'Bytes per second the workspace\'s Kafka user may fetch from each broker before Kafka throttles it (KafkaUser quotas.consumerByteRate)',
        },
      },
    },
    egress: EGRESS_FIELD,
  });
}

/** The Workspace fields with the {@link LOCAL} profile's defaults: the spec type, the README table. */
export const WORKSPACE_FIELDS = workspaceFields(LOCAL);

/** The Workspace instance spec. */
export type WorkspaceSpec = SpecOf<typeof WORKSPACE_FIELDS>;
