/**
 * A Workspace may not take a reserved namespace: Kubernetes', Flux's or a platform component's (the library's
 * `RESERVED_NAMESPACES`) or any `kube-*` name (`RESERVED_NAMESPACE_PREFIXES`). KRO would otherwise adopt that
 * namespace (label it a workspace, add quota and network policies) when a Workspace is applied as YAML,
 * bypassing the TypeScript check that reads the same two lists.
 */
import { Construct } from 'constructs';
import { PLATFORM_GROUP, RESERVED_NAMESPACE_PREFIXES, RESERVED_NAMESPACES } from '../../shared/api';
import { PlatformPolicy } from './platform-policy';

/** The `reserved-workspaces` policy (cluster-scoped Workspace instances, on create). */
export class ReservedWorkspacesPolicy extends PlatformPolicy {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      name: 'reserved-workspaces',
      description: `Workspaces may not be named ${RESERVED_NAMESPACES.join(', ')} or ${RESERVED_NAMESPACE_PREFIXES.map((p) => `${p}*`).join(', ')}.`,
      namespaces: 'all',
      operations: ['CREATE'],
      match: [{ apiGroup: PLATFORM_GROUP, resources: ['workspaces'] }],
      variables: { reserved: JSON.stringify(RESERVED_NAMESPACES), prefixes: JSON.stringify(RESERVED_NAMESPACE_PREFIXES) },
      rules: [{
        expression: '!(object.metadata.name in variables.reserved) && !variables.prefixes.exists(p, object.metadata.name.startsWith(p))',
        messageExpression:
          '"Workspace \\"" + object.metadata.name + "\\" would take a reserved namespace (Kubernetes, Flux or a platform component: " + ' +
          'variables.reserved.join(", ") + ", " + variables.prefixes.map(p, p + "*").join(", ") + "); choose a team-specific name"',
      }],
    });
  }
}
