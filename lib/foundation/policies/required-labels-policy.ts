/** Workloads in a workspace carry the workspace label with the right value (for ownership and cost). */
import { Construct } from 'constructs';
import { LABELS } from '../../shared/api';
import { PlatformPolicy, PolicyMatch } from './platform-policy';

/** Workloads: everything that runs pods, and the Pods themselves (not their subresources). */
export const WORKLOAD_RESOURCES: readonly PolicyMatch[] = [
  { apiGroup: '', resources: ['pods'] },
  { apiGroup: 'apps', resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'] },
  { apiGroup: 'batch', resources: ['jobs', 'cronjobs'] },
];

/**
 * The `required-labels` policy. A Pod that a controller creates copies its template's labels (a Job's pods the
 * Job's `spec.template`, a CronJob's Jobs its `spec.jobTemplate.metadata`), and Pods and Jobs are checked too;
 * so a workload carries the label on itself and on every template it has, and a template without it is refused
 * where the tenant writes it, not later at a Pod the controller cannot create.
 */
export class RequiredLabelsPolicy extends PlatformPolicy {
  public constructor(scope: Construct, id: string) {
    const label = JSON.stringify(LABELS.workspace);
    const carries = (labels: string): string => `${labels}.?labels.orValue({}).exists(k, k == ${label}) && ${labels}.labels[${label}] == variables.workspace`;
    super(scope, id, {
      name: 'required-labels',
      description: `Workloads and their pod and job templates carry the ${LABELS.workspace} label naming their workspace.`,
      match: WORKLOAD_RESOURCES,
      variables: {
        // Where the label must be: the object itself and the metadata of each template it has (parallel lists,
        // not pairs: CEL list literals must be of one type).
        metas:
          'object.kind == "Pod" ? [object.metadata] : object.kind == "CronJob" ? ' +
          '[object.metadata, object.spec.jobTemplate.spec.template.?metadata.orValue({}), object.spec.jobTemplate.?metadata.orValue({})] : ' +
          '[object.metadata, object.spec.template.?metadata.orValue({})]',
        places: '["the object", "its pod template", "its job template"]',
        missing: `[0, 1, 2].filter(i, i < variables.metas.size() && !(${carries('variables.metas[i]')})).map(i, variables.places[i])`,
      },
      rules: [{
        expression: 'variables.missing.size() == 0',
        messageExpression: `object.kind + " \\"" + object.metadata.name + "\\" must carry the label ${LABELS.workspace}=" + variables.workspace + " on " + variables.missing.join(", ")`,
      }],
    });
  }
}
