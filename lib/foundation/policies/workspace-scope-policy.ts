/** Platform instances (apps, workloads, infrastructure, topics) exist only inside workspace namespaces. */
import { Construct } from 'constructs';
import { PLATFORM_GROUP } from '../../shared/api';
import { PlatformPolicy } from './platform-policy';
import { TENANT_RESOURCES } from '../tenant-access';

/** The `workspace-scope` policy: denies instances in namespaces that are not workspaces. */
export class WorkspaceScopePolicy extends PlatformPolicy {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      name: 'workspace-scope',
      description: 'WebApplication, Workload, Infrastructure and Topic instances may only be created in workspace namespaces.',
      namespaces: 'non-workspaces',
      match: [{ apiGroup: PLATFORM_GROUP, resources: TENANT_RESOURCES.map((r) => r.resource) }],
      rules: [{
        expression: 'false',
        messageExpression: '"namespace " + object.metadata.namespace + " is not a workspace: create a Workspace and put the " + object.kind + " in it"',
      }],
    });
  }
}
