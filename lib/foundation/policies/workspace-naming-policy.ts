/**
 * Naming convention: in a workspace namespace, workloads, Services, routes, databases and platform
 * instances are named `<workspace>-…`. One policy for every workspace: it reads the prefix from the
 * namespace's `platform.mini-atlas.io/workspace` label.
 */
import { Construct } from 'constructs';
import { PLATFORM_GROUP } from '../../shared/api';
import { PlatformPolicy, PolicyMatch } from './platform-policy';
import { WORKLOAD_RESOURCES } from './required-labels-policy';
import { TENANT_RESOURCES, TenantResource } from '../tenant-access';

/** Resources the naming convention covers, for a platform whose tenant kinds are `tenantResources`. */
export function namedResources(tenantResources: readonly TenantResource[]): readonly PolicyMatch[] {
  return [
    ...WORKLOAD_RESOURCES,
    { apiGroup: '', resources: ['services'] },
    { apiGroup: 'gateway.networking.k8s.io', resources: ['httproutes'] },
    { apiGroup: 'postgresql.cnpg.io', resources: ['clusters'] },
    { apiGroup: PLATFORM_GROUP, resources: tenantResources.map((r) => r.resource) },
  ];
}

/** Resources the naming convention covers with the built-in tenant kinds. */
export const NAMED_RESOURCES: readonly PolicyMatch[] = namedResources(TENANT_RESOURCES);

/** Properties of {@link WorkspaceNamingPolicy}. */
export interface WorkspaceNamingPolicyProps {
  /** The tenant kinds whose instances it names. @default TENANT_RESOURCES (the built-ins) */
  readonly resources?: readonly TenantResource[];
}

/** The `workspace-naming` policy. */
export class WorkspaceNamingPolicy extends PlatformPolicy {
  public constructor(scope: Construct, id: string, props: WorkspaceNamingPolicyProps = {}) {
    super(scope, id, {
      name: 'workspace-naming',
      description: 'Objects in a workspace are named after it: <workspace>-<name>.',
      match: namedResources(props.resources ?? TENANT_RESOURCES),
      operations: ['CREATE'],
      rules: [{
        expression: 'object.metadata.name.startsWith(variables.workspace + "-")',
        messageExpression:
          '"name \\"" + object.metadata.name + "\\" must start with the workspace prefix \\"" + variables.workspace + "-\\" (namespace " + object.metadata.namespace + ")"',
      }],
    });
  }
}
