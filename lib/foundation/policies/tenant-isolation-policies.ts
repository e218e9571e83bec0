/**
 * What a tenant with ordinary edit rights in its workspace could otherwise use to undo its own isolation:
 * - `workspace-guardrails`: the workspace's network policies (Kubernetes NetworkPolicy, CiliumNetworkPolicy —
 *   Cilium adds allow rules from every policy that selects a pod, so one tenant policy can open what the
 *   default-deny closes), its ResourceQuota and LimitRange are the platform's: only KRO (which creates them
 *   from the Workspace RGD) and kube-controller-manager's namespace and garbage collectors (which delete them
 *   with the namespace) may create, change or delete them;
 * - `service-exposure`: no Service of type NodePort or LoadBalancer and no `externalIPs` (both expose pods
 *   outside the Gateway and its host-name ownership; `externalIPs` can also capture traffic to any address,
 *   CVE-2020-8554), and no ExternalName Service (a route to it would make the shared Gateway fetch any name);
 * - `service-endpoints`: Endpoints and EndpointSlices are written by the endpoint controllers from a Service's
 *   selector only; hand-written ones would point a Service, and a route through the shared Gateway, at any
 *   address — another workspace's pods, the API server, the node (CVE-2021-25740);
 * - `role-binding-subjects`: no RoleBinding to everyone (`system:authenticated`, `system:unauthenticated`,
 *   `system:serviceaccounts`, `system:anonymous`) or to every ServiceAccount of another namespace
 *   (`system:serviceaccounts:<namespace>`): Kubernetes puts every user or every ServiceAccount in those groups
 *   (Kubernetes RBAC, "Referring to subjects").
 */
import { Construct } from 'constructs';
import { PlatformPolicy, PlatformPolicyProps, PolicyMatch } from './platform-policy';

/**
 * A policy for objects in a workspace that only some controllers write: every other requester is refused with
 * `<Kind> "<name>" in workspace <ws>: <why>; <user> may not <what>`. The object is the new one, or on DELETE the
 * old one.
 */
function controllersOnly(props: {
  readonly name: string; readonly description: string; readonly match: readonly PolicyMatch[];
  readonly operations?: PlatformPolicyProps['operations']; readonly writers: readonly string[];
  /** Why (a sentence fragment). */ readonly why: string;
  /** What the requester may not do, as CEL. */ readonly what: string;
}): PlatformPolicyProps {
  return {
    name: props.name, description: props.description, match: props.match, operations: props.operations,
    exemptUsers: props.writers,
    variables: { target: 'request.operation == "DELETE" ? oldObject : object' },
    rules: [{
      expression: 'variables.exempt',
      messageExpression:
        `variables.target.kind + " \\"" + variables.target.metadata.name + "\\" in workspace " + variables.workspace + ` +
        `${JSON.stringify(`: ${props.why}; `)} + request.userInfo.username + " may not " + ${props.what}`,
    }],
  };
}

/** Properties of {@link WorkspaceGuardrailsPolicy}. */
export interface WorkspaceGuardrailsPolicyProps {
  /** User names that manage the guardrails (`guardrailControllers(wiring.identities)`). */
  readonly managers: readonly string[];
}

/** The `workspace-guardrails` policy. */
export class WorkspaceGuardrailsPolicy extends PlatformPolicy {
  public constructor(scope: Construct, id: string, props: WorkspaceGuardrailsPolicyProps) {
    super(scope, id, controllersOnly({
      name: 'workspace-guardrails',
      description: 'Network policies, quota and limits in a workspace are created, changed and deleted by the platform only.',
      operations: ['CREATE', 'UPDATE', 'DELETE'],
      match: [
        { apiGroup: 'networking.k8s.io', resources: ['networkpolicies'] },
        { apiGroup: 'cilium.io', resources: ['ciliumnetworkpolicies'] },
        { apiGroup: '', resources: ['resourcequotas', 'limitranges'] },
      ],
      writers: props.managers,
      why: 'network policies, quotas and limits of a workspace are managed by the platform',
      what: 'request.operation + " them"',
    }));
  }
}

/** Group and user names that stand for everyone (or every ServiceAccount) in the cluster. */
export const BROAD_SUBJECTS: readonly { readonly kind: 'Group' | 'User'; readonly name: string }[] = [
  { kind: 'Group', name: 'system:authenticated' },
  { kind: 'Group', name: 'system:unauthenticated' },
  { kind: 'Group', name: 'system:serviceaccounts' },
  { kind: 'User', name: 'system:anonymous' },
];

/** The `role-binding-subjects` policy. */
export class RoleBindingSubjectsPolicy extends PlatformPolicy {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      name: 'role-binding-subjects',
      description: `RoleBindings in a workspace bind no broad subject (${BROAD_SUBJECTS.map((s) => s.name).join(', ')}, system:serviceaccounts:<other namespace>).`,
      match: [{ apiGroup: 'rbac.authorization.k8s.io', resources: ['rolebindings'] }],
      variables: {
        broad: JSON.stringify(BROAD_SUBJECTS.map((s) => `${s.kind}:${s.name}`)),
        bound: 'object.?subjects.orValue([]).map(s, s.kind + ":" + s.name)',
        // Every ServiceAccount of one namespace; the workspace's own are its tenant's to bind.
        tooBroad: 'variables.bound.filter(s, s in variables.broad || ' +
          '(s.startsWith("Group:system:serviceaccounts:") && s != "Group:system:serviceaccounts:" + object.metadata.namespace))',
      },
      rules: [{
        expression: 'variables.tooBroad.size() == 0',
        messageExpression:
          '"RoleBinding \\"" + object.metadata.name + "\\" binds " + variables.tooBroad.join(", ") + ' +
          '": a workspace role may not be granted to everyone, nor to every ServiceAccount of another namespace; bind named users, groups or ServiceAccounts"',
      }],
    });
  }
}

/** The `service-exposure` policy. */
export class ServiceExposurePolicy extends PlatformPolicy {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      name: 'service-exposure',
      description: 'Services in a workspace are ClusterIP (or headless) without externalIPs; traffic enters through the shared Gateway.',
      match: [{ apiGroup: '', resources: ['services'] }],
      rules: [
        {
          expression: '!(object.spec.?type.orValue("ClusterIP") in ["NodePort", "LoadBalancer", "ExternalName"])',
          messageExpression:
            '"Service \\"" + object.metadata.name + "\\" has type " + object.spec.type + ": " + (object.spec.type == "ExternalName" ' +
            '? "a route to it would make the shared Gateway fetch any name" : "workspaces expose applications only through the shared Gateway (use a WebApplication)")',
        },
        {
          expression: 'object.spec.?externalIPs.orValue([]).size() == 0',
          messageExpression: '"Service \\"" + object.metadata.name + "\\" sets externalIPs " + object.spec.externalIPs.join(", ") + ": not allowed in a workspace"',
        },
      ],
    });
  }
}

/** Properties of {@link ServiceEndpointsPolicy}. */
export interface ServiceEndpointsPolicyProps {
  /** User names that write endpoints (`endpointControllers(wiring.identities)`). */
  readonly writers: readonly string[];
}

/** The `service-endpoints` policy. */
export class ServiceEndpointsPolicy extends PlatformPolicy {
  public constructor(scope: Construct, id: string, props: ServiceEndpointsPolicyProps) {
    super(scope, id, controllersOnly({
      name: 'service-endpoints',
      description: "Endpoints and EndpointSlices in a workspace come from the endpoint controllers only (a Service's selector).",
      match: [
        { apiGroup: '', resources: ['endpoints'] },
        { apiGroup: 'discovery.k8s.io', resources: ['endpointslices'] },
      ],
      writers: props.writers,
      why: "endpoints come from a Service's selector (the endpoint controllers)",
      what: '"write them"',
    }));
  }
}
