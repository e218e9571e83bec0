/**
 * Host names on the shared Gateway belong to workspaces: in a workspace, every HTTPRoute and GRPCRoute lists
 * its `hostnames` (a route without any matches every host of the listener: Gateway API
 * `HTTPRouteSpec.Hostnames`, "If no hostname is specified ... all hostnames are matched"), and each one is
 * `<workspace>.<domain>` or `<workspace>-<name>.<domain>` (no wildcard). A WebApplication's `spec.hostname`
 * obeys the same rule, so a stolen host name is refused at the instance, not only at the route KRO creates.
 * GRPCRoutes are covered because an HTTP listener accepts them too unless `allowedRoutes.kinds` says otherwise.
 */
import { Construct } from 'constructs';
import { PLATFORM_GROUP } from '../../shared/api';
import { ownedHostnamePattern } from '../../shared/names';
import { PlatformPolicy } from './platform-policy';

/** Stands for the workspace name in the pattern until it is spliced into CEL. */
const WORKSPACE_SLOT = '@workspace@';

/** Properties of {@link HostnameOwnershipPolicy}. */
export interface HostnameOwnershipPolicyProps {
  /** The platform domain: the shared Gateway's listener host name is `*.<domain>`. */
  readonly domain: string;
}

/** The `hostname-ownership` policy. */
export class HostnameOwnershipPolicy extends PlatformPolicy {
  /** The platform domain the policy checks against. */
  public readonly domain: string;

  public constructor(scope: Construct, id: string, props: HostnameOwnershipPolicyProps) {
    const d = JSON.stringify(props.domain);
    super(scope, id, {
      name: 'hostname-ownership',
      description: `A workspace routes only <workspace>.${props.domain} and <workspace>-<name>.${props.domain}; routes list their host names.`,
      match: [
        { apiGroup: 'gateway.networking.k8s.io', resources: ['httproutes', 'grpcroutes'] },
        { apiGroup: PLATFORM_GROUP, resources: ['webapplications'] },
      ],
      variables: {
        hosts: 'object.kind == "WebApplication" ? [object.spec.hostname] : object.spec.?hostnames.orValue([])',
        // The workspace name is a DNS label (no regular-expression metacharacter but "-"), so it is used as is.
        owned: JSON.stringify(ownedHostnamePattern(WORKSPACE_SLOT, props.domain)).replace(WORKSPACE_SLOT, '" + variables.workspace + "'),
      },
      rules: [
        {
          expression: 'variables.hosts.size() > 0',
          messageExpression:
            'object.kind + " \\"" + object.metadata.name + "\\" must list hostnames: a route without them takes every host name of the shared Gateway"',
        },
        {
          expression: 'variables.hosts.all(h, h.matches(variables.owned))',
          messageExpression:
            `object.kind + " \\"" + object.metadata.name + "\\": host names " + variables.hosts.filter(h, !h.matches(variables.owned)).join(", ") + ` +
            `" are not owned by workspace " + variables.workspace + ": use " + variables.workspace + "." + ${d} + " or " + variables.workspace + "-<name>." + ${d} + " (no wildcards)"`,
        },
      ],
    });
    this.domain = props.domain;
  }
}
