/** Workloads in a workspace carry the workspace label with the right value (for ownership and cost). */
import { Construct } from 'constructs';
import { LABELS } from '../../shared/api';
import { PlatformPolicy } from './platform-policy';

/** The `required-labels` policy. */
export class RequiredLabelsPolicy extends PlatformPolicy {
  public constructor(scope: Construct, id: string) {
    const label = JSON.stringify(LABELS.workspace);
    super(scope, id, {
      name: 'required-labels',
      description: `Workloads carry the ${LABELS.workspace} label naming their workspace.`,
      match: [
        { apiGroup: 'apps', resources: ['deployments', 'statefulsets', 'daemonsets'] },
        { apiGroup: 'batch', resources: ['cronjobs'] },
      ],
      rules: [{
        expression: `has(object.metadata.labels) && ${label} in object.metadata.labels && object.metadata.labels[${label}] == variables.workspace`,
        messageExpression: `object.kind + " \\"" + object.metadata.name + "\\" must carry the label ${LABELS.workspace}=" + variables.workspace`,
      }],
    });
  }
}

