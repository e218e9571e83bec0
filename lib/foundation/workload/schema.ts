/** The Workload abstraction's fields: the single source of its RGD schema and its TypeScript type. */
import { fields, SpecOf } from '../../shared/fields';
import { OPTIONAL_CRON_SCHEDULE_PATTERN } from '../../shared/patterns';
import { CONTAINER_FIELDS } from '../container';
import { MAX_REPLICAS } from '../web-application/schema';

/** The shapes of a Workload: a long-running worker, a Job run once, a CronJob. */
export const WORKLOAD_TYPES = ['worker', 'job', 'cron'] as const;
/** A Workload's shape. */
export type WorkloadType = typeof WORKLOAD_TYPES[number];

/** What a CronJob does when a run is due while the previous one still runs (batch/v1 `ConcurrencyPolicy`). */
export const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'] as const;

/** The most retries a Job may take before it counts as failed. */
export const MAX_BACKOFF_LIMIT = 10;

export const WORKLOAD_FIELDS = fields({
  type: {
    type: 'string', required: true, enum: WORKLOAD_TYPES, immutable: true,
    description: 'worker: a Deployment with no Service or route; job: a Job run once; cron: a CronJob run on schedule',
  },
  ...CONTAINER_FIELDS,
  replicas: {
    type: 'integer', default: 1, minimum: 0, maximum: MAX_REPLICAS,
    description: 'Pods of a worker; 0 pauses it. Only for type worker',
  },
  schedule: {
    type: 'string', default: '', pattern: OPTIONAL_CRON_SCHEDULE_PATTERN, maxLength: 128,
    patternHint: 'a five-field cron schedule such as "0 3 * * *", or @hourly, @daily, @weekly, @monthly, @yearly (no TZ=)',
    description: 'Cron schedule, in the controller\'s time zone (UTC by default). Required for type cron, only for type cron',
  },
  concurrencyPolicy: {
    type: 'string', default: 'Forbid', enum: CONCURRENCY_POLICIES,
    description: 'When a run is due while the last still runs: Allow both, Forbid the new one, or Replace the old one. Only for type cron',
  },
  successfulJobsHistoryLimit: { type: 'integer', default: 3, minimum: 0, maximum: 10, description: 'Finished Jobs kept of a cron. Only for type cron' },
  failedJobsHistoryLimit: { type: 'integer', default: 1, minimum: 0, maximum: 10, description: 'Failed Jobs kept of a cron. Only for type cron' },
  backoffLimit: {
    type: 'integer', default: 3, minimum: 0, maximum: MAX_BACKOFF_LIMIT,
    description: 'Retries of a failed pod before the Job counts as failed. For types job and cron',
  },
});

/** The Workload instance spec. */
export type WorkloadSpec = SpecOf<typeof WORKLOAD_FIELDS>;
