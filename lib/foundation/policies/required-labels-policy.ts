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

/** The `required-labels` policy. */
export class RequiredLabelsPolicy extends PlatformPolicy {
  public constructor(scope: Construct, id: string) {
    const label = JSON.stringify(LABELS.workspace);
    super(scope, id, {
      name: 'required-labels',
      description: `Workloads carry the ${LABELS.workspace} label naming their workspace.`,
      // Every workload kind, bare Pods included: a Pod the ReplicaSet, Job or StatefulSet controller creates
      // copies its template's labels, so a template without the label is refused where it is written.
      match: WORKLOAD_RESOURCES,
      rules: [{
        expression: `has(object.metadata.labels) && ${label} in object.metadata.labels && object.metadata.labels[${label}] == variables.workspace`,
        messageExpression: `object.kind + " \\"" + object.metadata.name + "\\" must carry the label ${LABELS.workspace}=" + variables.workspace`,
      }],
    });
  }
}

