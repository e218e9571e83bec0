/**
 * Naming convention: in a workspace namespace, workloads, Services, routes, databases and platform
 * instances are named `<workspace>-…`. One policy for every workspace: it reads the prefix from the
 * namespace's `platform.mini-atlas.io/workspace` label.
 */
import { Construct } from 'constructs';
import { TENANT_RESOURCES } from '../tenant-access';
import { PLATFORM_GROUP } from '../../shared/api';
import { PlatformPolicy, PolicyMatch } from './platform-policy';
import { WORKLOAD_RESOURCES } from './required-labels-policy';

/** Resources the naming convention covers. */
export const NAMED_RESOURCES: readonly PolicyMatch[] = [
  ...WORKLOAD_RESOURCES,
  { apiGroup: '', resources: ['services'] },
  { apiGroup: 'gateway.networking.k8s.io', resources: ['httproutes'] },
  { apiGroup: 'postgresql.cnpg.io', resources: ['clusters'] },
  // The tenant kinds a team writes (TENANT_RESOURCES: WebApplication, Workload, Infrastructure, Topic).
  { apiGroup: PLATFORM_GROUP, resources: TENANT_RESOURCES.map((r) => r.resource) },
];

/** The `workspace-naming` policy. */
export class WorkspaceNamingPolicy extends PlatformPolicy {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      name: 'workspace-naming',
      description: 'Objects in a workspace are named after it: <workspace>-<name>.',
      match: NAMED_RESOURCES,
      operations: ['CREATE'],
      rules: [{
        expression: 'object.metadata.name.startsWith(variables.workspace + "-")',
        messageExpression:
          '"name \\"" + object.metadata.name + "\\" must start with the workspace prefix \\"" + variables.workspace + "-\\" (namespace " + object.metadata.namespace + ")"',
      }],
    });
  }
}
