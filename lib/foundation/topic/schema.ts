/** The Topic abstraction's fields: the single source of its RGD schema and its TypeScript type. */
import { EnvironmentProfile, LOCAL } from '../../shared/environment';
import { fields, SpecOf } from '../../shared/fields';

/** Bounds for partitions. */
export const MAX_PARTITIONS = 48;
/** Retention bounds in hours (1 hour to 30 days). */
export const MIN_RETENTION_HOURS = 1;
export const MAX_RETENTION_HOURS = 720;
/** Size bounds per partition in MiB (`retention.bytes`): 1 MiB to 1 GiB. */
export const MIN_RETENTION_MIB = 1;
export const MAX_RETENTION_MIB = 1024;

/**
 * The Topic fields with the defaults of `environment` (`replicas` ← `topicReplicas`): what the RGD of that
 * environment declares, so a Topic written as raw YAML gets the profile's replication too.
 *
 * Change rules (read by the change guard of `writeDist`, lib/synth/change-guard.ts):
 *  - `partitions` only grows: Kafka cannot decrease a topic's partitions and Strimzi's Topic Operator refuses
 *    the change (strimzi-kafka-operator documentation, "Configuring Kafka topics"; the operator's
 *    `PartitionDecreaseException`).
 *  - `replicas` is immutable: the Topic Operator changes a replication factor only through Cruise Control
 *    (strimzi-kafka-operator PR #9483, "Using Cruise Control to modify topic replication factor"), which the
 *    shared Kafka does not run; the RGD marks it `immutable=true`, so the API server refuses the change.
 */
export function topicFields(environment: EnvironmentProfile) {
  return fields({
    partitions: { type: 'integer', default: 3, minimum: 1, maximum: MAX_PARTITIONS, growOnly: true, description: 'Number of partitions (can grow, never shrink)' },
    replicas: { type: 'integer', default: environment.topicReplicas, minimum: 1, maximum: 3, immutable: true, description: 'Replication factor (at most the number of brokers)' },
    retentionHours: {
      type: 'integer', default: 168, minimum: MIN_RETENTION_HOURS, maximum: MAX_RETENTION_HOURS,
      description: 'How long records are kept (retention.ms)',
    },
    retentionMiB: {
      type: 'integer', default: 256, minimum: MIN_RETENTION_MIB, maximum: MAX_RETENTION_MIB,
      description: 'Most data kept per partition, in MiB (retention.bytes): the oldest segments are deleted beyond it',
    },
    cleanupPolicy: { type: 'string', default: 'delete', enum: ['delete', 'compact'], description: 'Kafka cleanup.policy' },
  });
}

/** The Topic fields with the {@link LOCAL} profile's defaults: the spec type, the README table. */
export const TOPIC_FIELDS = topicFields(LOCAL);

/** The Topic instance spec. */
export type TopicSpec = SpecOf<typeof TOPIC_FIELDS>;
