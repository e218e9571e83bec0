/** Platform instances (apps, workloads, infrastructure, topics) exist only inside workspace namespaces. */
import { Construct } from 'constructs';
import { PLATFORM_GROUP } from '../../shared/api';
import { PlatformPolicy } from './platform-policy';
import { TENANT_RESOURCES, TenantResource } from '../tenant-access';

/** Properties of {@link WorkspaceScopePolicy}. */
export interface WorkspaceScopePolicyProps {
  /** The tenant kinds it confines. @default TENANT_RESOURCES (the built-ins) */
  readonly resources?: readonly TenantResource[];
}

/** The `workspace-scope` policy: denies instances in namespaces that are not workspaces. */
export class WorkspaceScopePolicy extends PlatformPolicy {
  public constructor(scope: Construct, id: string, props: WorkspaceScopePolicyProps = {}) {
    const resources = props.resources ?? TENANT_RESOURCES;
    const kinds = resources.map((r) => r.kind);
    super(scope, id, {
      name: 'workspace-scope',
      description: `${kinds.slice(0, -1).join(', ')}${kinds.length > 1 ? ' and ' : ''}${kinds[kinds.length - 1]} instances may only be created in workspace namespaces.`,
      namespaces: 'non-workspaces',
      match: [{ apiGroup: PLATFORM_GROUP, resources: resources.map((r) => r.resource) }],
      rules: [{
        expression: 'false',
        messageExpression: '"namespace " + object.metadata.namespace + " is not a workspace: create a Workspace and put the " + object.kind + " in it"',
      }],
    });
  }
}
