/**
 * The Workload API: an application without a route, in one of three shapes chosen by `spec.type` — a worker
 * (a Deployment: no Service, no HTTPRoute, nothing reaches it), a Job run once, or a CronJob. The container is
 * the WebApplication's (pinned image, restricted security context, requests = limits, the same environment
 * and wiring to a database and a topic of the workspace); exactly one of the three children exists
 * (`includeWhen` on the type, which is immutable).
 */
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { LABELS } from '../../shared/api';
import { cel } from '../../shared/cel';
import { PlatformWiring } from '../../core/platform-wiring';
import { ResourceGraph } from '../resource-graph';
import { appPodSpec, CONNECTION_EXTERNALS, envExpression, HAS_CACHE, HAS_DATABASE, withContainerExpressions } from '../container';
import { WorkloadType, WORKLOAD_FIELDS } from './schema';

/** CEL: the Workload is of `type`. */
const isType = (type: WorkloadType): string => cel(`schema.spec.type == ${JSON.stringify(type)}`);

/**
 * The restart policy of a Job's pods: `Never`, so each failed attempt is a new pod the Job controller counts
 * against `backoffLimit` and its log stays readable (batch/v1 Job: `OnFailure` restarts the container in place).
 */
const JOB_RESTART = 'Never';

/** The RGD behind `kind: Workload`. */
export class WorkloadDefinition extends ResourceGraph {
  public constructor(scope: Construct, id: string, wiring: PlatformWiring) {
    const name = cel('schema.metadata.name');
    const ns = cel('schema.metadata.namespace');
    const selector = { [LABELS.name]: 'workload', [LABELS.instance]: name };
    const labels = { ...selector, [LABELS.workspace]: ns, [LABELS.managedBy]: 'kro' };
    const env = envExpression(wiring, HAS_CACHE, HAS_DATABASE);
    const jobSpec = (): k8s.JobSpec => ({
      backoffLimit: cel<number>('schema.spec.backoffLimit'),
      template: { metadata: { labels }, spec: appPodSpec({}, JOB_RESTART) },
    });

    super(scope, id, {
      kind: 'Workload',
      fields: WORKLOAD_FIELDS,
      printerColumns: [
        { name: 'Type', type: 'string', jsonPath: '.spec.type' },
        { name: 'Image', type: 'string', jsonPath: '.spec.image' },
        { name: 'Schedule', type: 'string', jsonPath: '.spec.schedule' },
      ],
      externals: CONNECTION_EXTERNALS,
      resources: [
        {
          id: 'worker',
          includeWhen: [isType('worker')],
          template: withContainerExpressions(env, ['spec', 'template', 'spec'], k8s.KubeDeployment.manifest({
            metadata: { name, namespace: ns, labels },
            spec: {
              replicas: cel<number>('schema.spec.replicas'),
              selector: { matchLabels: selector },
              template: { metadata: { labels }, spec: appPodSpec({}) },
            },
          })),
        },
        {
          // A Job's pod template cannot change after creation (the API server refuses it: batch/v1 Job
          // `spec.template` is immutable), so a job's container is fixed once it exists; its instance is Ready
          // once the Job completed. No `ttlSecondsAfterFinished`: KRO would re-create a Job the TTL deleted, and
          // run it again.
          id: 'job',
          includeWhen: [isType('job')],
          template: withContainerExpressions(env, ['spec', 'template', 'spec'], k8s.KubeJob.manifest({
            metadata: { name, namespace: ns, labels },
            spec: jobSpec(),
          })),
        },
        {
          id: 'cron',
          includeWhen: [isType('cron')],
          template: withContainerExpressions(env, ['spec', 'jobTemplate', 'spec', 'template', 'spec'], k8s.KubeCronJob.manifest({
            metadata: { name, namespace: ns, labels },
            spec: {
              schedule: cel('schema.spec.schedule'),
              concurrencyPolicy: cel('schema.spec.concurrencyPolicy'),
              successfulJobsHistoryLimit: cel<number>('schema.spec.successfulJobsHistoryLimit'),
              failedJobsHistoryLimit: cel<number>('schema.spec.failedJobsHistoryLimit'),
              // The Jobs it creates carry the workspace labels too (the required-labels policy checks them).
              jobTemplate: { metadata: { labels }, spec: jobSpec() },
            },
          })),
        },
      ],
    });
  }
}
