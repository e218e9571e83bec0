/** Platform instances (apps, infrastructure, topics) exist only inside workspace namespaces. */
import { Construct } from 'constructs';
import { PLATFORM_GROUP } from '../../shared/api';
import { PlatformPolicy } from './platform-policy';

/** The `workspace-scope` policy: denies instances in namespaces that are not workspaces. */
export class WorkspaceScopePolicy extends PlatformPolicy {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      name: 'workspace-scope',
      description: 'WebApplication, Infrastructure and Topic instances may only be created in workspace namespaces.',
      namespaces: 'non-workspaces',
      match: [{ apiGroup: PLATFORM_GROUP, resources: ['webapplications', 'infrastructures', 'topics'] }],
      rules: [{
        expression: 'false',
        messageExpression: '"namespace " + object.metadata.namespace + " is not a workspace: create a Workspace and put the " + object.kind + " in it"',
      }],
    });
  }
}
