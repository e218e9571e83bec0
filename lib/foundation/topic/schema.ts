/** The Topic abstraction's fields: the single source of its RGD schema and its TypeScript type. */
import { fields, SpecOf } from '../../shared/fields';

/** Bounds for partitions. */
export const MAX_PARTITIONS = 48;
/** Retention bounds in hours (1 hour to 30 days). */
export const MIN_RETENTION_HOURS = 1;
export const MAX_RETENTION_HOURS = 720;

export const TOPIC_FIELDS = fields({
  partitions: { type: 'integer', default: 3, minimum: 1, maximum: MAX_PARTITIONS, description: 'Number of partitions (can grow, never shrink)' },
  replicas: { type: 'integer', default: 1, minimum: 1, maximum: 3, immutable: true, description: 'Replication factor (at most the number of brokers)' },
  retentionHours: {
    type: 'integer', default: 168, minimum: MIN_RETENTION_HOURS, maximum: MAX_RETENTION_HOURS,
    description: 'How long records are kept (retention.ms)',
  },
  cleanupPolicy: { type: 'string', default: 'delete', enum: ['delete', 'compact'], description: 'Kafka cleanup.policy' },
});

/** The Topic instance spec. */
export type TopicSpec = SpecOf<typeof TOPIC_FIELDS>;
