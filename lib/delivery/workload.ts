/** Workload: a worker, a Job or a CronJob of a workspace, with no route. */
import { issue, ValidationIssue } from '../shared/validation-error';
import { PodDemand, workloadPods } from '../foundation/cross-checks';
import { WORKLOAD_FIELDS, WorkloadSpec, WorkloadType } from '../foundation/workload/schema';
import { ContainerInstance, ContainerProps, containerSpec } from './container';
import { Workspace } from './workspace';

/**
 * Longest name of a cron Workload: the CronJob controller names each Job `<cronjob>-<11 characters>`, so the API
 * server refuses a CronJob name over 52 characters (k8s.io/kubernetes pkg/apis/batch/validation
 * `ValidateCronJobCreate`: "must be no more than 52 characters").
 */
export const MAX_CRON_NAME = 52;

/** Properties of {@link Workload}. */
export interface WorkloadProps extends ContainerProps {
  /** Kubernetes name of the instance (also of its Deployment, Job or CronJob). @default `<workspace>-<id>` */
  readonly name?: string;
  /**
   * `worker`: a Deployment with no Service or route; `job`: a Job run once (its pod template cannot change
   * after creation, a Kubernetes rule: give a changed job a new name); `cron`: a CronJob. Immutable.
   */
  readonly type: WorkloadType;
  /** Pods of a worker (0–10); 0 pauses it. Only for type `worker`. @default 1 */
  readonly replicas?: number;
  /** Cron schedule (five fields, or `@hourly`, `@daily`…; no `TZ=`). Required for, and only for, type `cron`. @default '' */
  readonly schedule?: string;
  /** A run due while the last one still runs: `Allow`, `Forbid` or `Replace`. Only for type `cron`. @default 'Forbid' */
  readonly concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  /** Finished Jobs kept (0–10). Only for type `cron`. @default 3 */
  readonly successfulJobsHistoryLimit?: number;
  /** Failed Jobs kept (0–10). Only for type `cron`. @default 1 */
  readonly failedJobsHistoryLimit?: number;
  /** Retries of a failed pod before the Job counts as failed (0–10). Only for types `job` and `cron`. @default 3 */
  readonly backoffLimit?: number;
}

/** The props that apply to some types only, with the types they apply to. */
const TYPE_ONLY: readonly (readonly [keyof WorkloadProps & keyof WorkloadSpec, readonly WorkloadType[]])[] = [
  ['replicas', ['worker']],
  ['schedule', ['cron']],
  ['concurrencyPolicy', ['cron']],
  ['successfulJobsHistoryLimit', ['cron']],
  ['failedJobsHistoryLimit', ['cron']],
  ['backoffLimit', ['job', 'cron']],
];

/** A workspace's worker, job or cron job. */
export class Workload extends ContainerInstance<typeof WORKLOAD_FIELDS> {
  public constructor(workspace: Workspace, id: string, props: WorkloadProps) {
    super(workspace, id, props, { kind: 'Workload', group: 'workloads', fields: WORKLOAD_FIELDS, spec: containerSpec(props) as WorkloadSpec });
  }

  /** The pods it runs at most at once, each with its container's resources. */
  public override podDemands(): readonly PodDemand[] {
    return workloadPods(this.name, this.resolvedSpec);
  }

  /** The Deployment a worker creates under the instance's name (Jobs and CronJobs have their own kinds). */
  public override derivedObjects(): readonly string[] {
    return this.resolvedSpec.type === 'worker' ? [`Deployment ${this.name}`] : [];
  }

  protected override maxNameLength(): number {
    return this.resolvedSpec.type === 'cron' ? MAX_CRON_NAME : 63;
  }

  protected override validateInstance(): ValidationIssue[] {
    const out = super.validateInstance();
    const { type } = this.resolvedSpec;
    for (const [field, types] of TYPE_ONLY) {
      if (this.spec[field] !== undefined && !types.includes(type)) {
        out.push(issue(this, `spec.${field}`, this.spec[field], `is only used by type ${types.join(' and ')}, not ${type}`, `remove ${field}`));
      }
    }
    if (type === 'cron' && this.resolvedSpec.schedule === '') {
      out.push(issue(this, 'spec.schedule', '', 'is required for type cron', 'set a schedule such as "0 3 * * *" (daily at 03:00 UTC)'));
    }
    return out;
  }
}
