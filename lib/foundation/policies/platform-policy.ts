/**
 * A Kyverno `ValidatingPolicy` (policies.kyverno.io/v1, CEL) in Enforce mode (`Deny`), the policy kind
 * Kyverno recommends from 1.17 on. By default it applies to workspace namespaces only, and exposes the
 * workspace name as `variables.workspace`.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ValidatingPolicy,
  ValidatingPolicySpecFailurePolicy,
  ValidatingPolicySpecValidationActions,
} from '../../../imports/policies.kyverno.io';
import { LABELS } from '../../shared/api';
import { HealthCheckExpression, registerHealthCheck } from '../../gitops/health-checks';
import { partOfLabel } from '../../shared/platform-name';

/**
 * Flux health check of a Kyverno `ValidatingPolicy` (policies.kyverno.io/v1, Kyverno 1.19): Kyverno reports
 * it ready. Kyverno's status controller sets `status.conditionStatus.ready` to true only when every condition
 * it tracks is True: `WebhookConfigured` (the admission webhook enforces the policy) and
 * `RBACPermissionsGranted` (reports can be written) (pkg/controllers/policystatus, `updateVpolStatus`,
 * `reconcileConditions`); it is the CRD's READY printer column. Its False states are "not yet" (the webhook
 * is configured moments after the policy appears), so there is no failed expression. Kyverno stamps no
 * generation on these conditions, so a stale ready cannot be told apart.
 */
export const VALIDATING_POLICY_HEALTH_CHECK: HealthCheckExpression = {
  apiVersion: ValidatingPolicy.GVK.apiVersion,
  kind: ValidatingPolicy.GVK.kind,
  current: 'has(status.conditionStatus) && has(status.conditionStatus.ready) && status.conditionStatus.ready == true',
};

/** Resources a policy matches. */
export interface PolicyMatch {
  /** API group (`''` for core). */
  readonly apiGroup: string;
  /** Plural resources. */
  readonly resources: readonly string[];
  /** @default ['*'] */
  readonly apiVersions?: readonly string[];
}

/** One CEL rule. */
export interface PolicyRule {
  /** CEL that must be true. */
  readonly expression: string;
  /** CEL producing the denial message (can name the bad value). */
  readonly messageExpression: string;
}

/** Properties of {@link PlatformPolicy}. */
export interface PlatformPolicyProps {
  /** Policy name. */
  readonly name: string;
  /** What it is for (annotation `policies.kyverno.io/description`). */
  readonly description: string;
  /** Matched resources. */
  readonly match: readonly PolicyMatch[];
  /** Operations. @default ['CREATE', 'UPDATE'] */
  readonly operations?: readonly ('CREATE' | 'UPDATE' | 'DELETE')[];
  /** Rules. */
  readonly rules: readonly PolicyRule[];
  /**
   * Which namespaces: workspace namespaces only, or namespaces that are NOT workspaces, or all.
   * @default 'workspaces'
   */
  readonly namespaces?: 'workspaces' | 'non-workspaces' | 'all';
  /**
   * A Pod policy: also match every kind that carries a pod template (`POD_TEMPLATE_RESOURCES`: bare Pods
   * and their `ephemeralcontainers` subresource, Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs,
   * CronJobs). The rules read the pod through `variables.podSpec`, `variables.podMetadata` and
   * `variables.containers` (containers, init and ephemeral containers), whatever the kind.
   * @default false
   */
  readonly podTemplates?: boolean;
  /**
   * User names whose requests the rules let through: the platform controllers that legitimately do what
   * tenants may not (see `PlatformIdentities`). Exposed to the rules as the boolean `variables.exempt`.
   * @default none
   */
  readonly exemptUsers?: readonly string[];
  /** Extra CEL variables. @default none */
  readonly variables?: Readonly<Record<string, string>>;
}

/**
 * Every resource that is or carries a pod template, with where its pod lives (the paths Kyverno's own autogen
 * uses: pkg/cel/autogen/config.go, `spec.template` and `spec.jobTemplate.spec.template`).
 *
 * Pod policies match these explicitly instead of relying on Kyverno's autogen: at Kyverno 1.19 a
 * ValidatingPolicy is auto-generated for controllers only when it matches exactly one resource rule of
 * exactly `pods` (pkg/cel/autogen/support.go, `CanAutoGen`), so adding `pods/ephemeralcontainers` would
 * silently drop every controller; and the autogen list has no ReplicaSet unless named.
 */
export const POD_TEMPLATE_RESOURCES: readonly PolicyMatch[] = [
  { apiGroup: '', resources: ['pods', 'pods/ephemeralcontainers'] },
  { apiGroup: 'apps', resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'] },
  { apiGroup: 'batch', resources: ['jobs', 'cronjobs'] },
];

/** The pod (spec or metadata) of any {@link POD_TEMPLATE_RESOURCES} object, as CEL. */
function podPart(part: 'spec' | 'metadata'): string {
  const template = part === 'spec' ? 'template.spec' : 'template.?metadata.orValue({})';
  const jobTemplate = part === 'spec' ? 'jobTemplate.spec.template.spec' : 'jobTemplate.spec.template.?metadata.orValue({})';
  return `object.kind == "Pod" ? object.${part} : object.kind == "CronJob" ? object.spec.${jobTemplate} : object.spec.${template}`;
}

/** CEL variables of a pod policy: `podSpec`, `podMetadata`, and `containers` (regular, init and ephemeral). */
export const POD_TEMPLATE_VARIABLES: Readonly<Record<string, string>> = {
  podSpec: podPart('spec'),
  podMetadata: podPart('metadata'),
  containers: 'variables.podSpec.containers + variables.podSpec.?initContainers.orValue([]) + variables.podSpec.?ephemeralContainers.orValue([])',
};

/** A Kyverno ValidatingPolicy that denies violations. */
export class PlatformPolicy extends Construct {
  public readonly policyName: string;
  public readonly policy: ApiObject;

  public constructor(scope: Construct, id: string, props: PlatformPolicyProps) {
    super(scope, id);
    this.policyName = props.name;
    const namespaces = props.namespaces ?? 'workspaces';
    const operations = [...(props.operations ?? ['CREATE', 'UPDATE'])];
    this.policy = new ValidatingPolicy(this, 'policy', {
      metadata: {
        name: props.name,
        labels: partOfLabel(this),
        annotations: { 'policies.kyverno.io/description': props.description },
      },
      spec: {
        validationActions: [ValidatingPolicySpecValidationActions.DENY],
        failurePolicy: ValidatingPolicySpecFailurePolicy.FAIL,
        matchConstraints: {
          resourceRules: [...(props.podTemplates ? POD_TEMPLATE_RESOURCES : []), ...props.match].map((m) => ({
            apiGroups: [m.apiGroup],
            apiVersions: [...(m.apiVersions ?? ['*'])],
            resources: [...m.resources],
            operations,
            // A namespaceSelector never skips a cluster-scoped object (admissionregistration.k8s.io/v1
            // MatchResources.namespaceSelector: "If the object is another cluster scoped resource, it never skips
            // the policy"): a policy about some namespaces matches namespaced objects only. Without this,
            // `operator-labels` (resources `*`) refused the CiliumIdentity objects Cilium's agent creates for each
            // new set of pod labels (labelled `io.kubernetes.pod.namespace`), and new pods got no network.
            ...(namespaces === 'all' ? {} : { scope: 'Namespaced' }),
          })),
          ...(namespaces === 'all'
            ? {}
            : {
              namespaceSelector: {
                matchExpressions: [{ key: LABELS.workspace, operator: namespaces === 'workspaces' ? 'Exists' : 'DoesNotExist' }],
              },
            }),
        },
        variables: [
          ...(namespaces === 'workspaces'
            ? [{ name: 'workspace', expression: `namespaceObject.metadata.labels[${JSON.stringify(LABELS.workspace)}]` }]
            : []),
          ...(props.exemptUsers ? [{ name: 'exempt', expression: `request.userInfo.username in ${JSON.stringify(props.exemptUsers)}` }] : []),
          ...Object.entries({ ...(props.podTemplates ? POD_TEMPLATE_VARIABLES : {}), ...(props.variables ?? {}) })
            .map(([name, expression]) => ({ name, expression })),
        ],
        validations: props.rules.map((r) => ({ expression: r.expression, messageExpression: r.messageExpression })),
      },
    });
    // Tenants must not arrive before the policies that keep them in bounds enforce: their stage waits for this.
    registerHealthCheck(this, VALIDATING_POLICY_HEALTH_CHECK);
  }
}
