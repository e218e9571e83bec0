/**
 * A Kyverno `ValidatingPolicy` (policies.kyverno.io/v1, CEL) in Enforce mode (`Deny`), the policy kind
 * Kyverno recommends from 1.17 on. By default it applies to workspace namespaces only, and exposes the
 * workspace name as `variables.workspace`.
 */
import { Construct } from 'constructs';
import {
  ValidatingPolicy,
  ValidatingPolicySpecFailurePolicy,
  ValidatingPolicySpecValidationActions,
} from '../../../imports/policies.kyverno.io';
import { LABELS } from '../../shared/api';
import { HealthCheckExpression, registerHealthCheck } from '../../gitops/health-checks';

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
  /** @default ['*'] (['v1'] for Pod policies with pod controllers: Kyverno only auto-generates from an exact match) */
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
  /** Also apply to the pod controllers (Deployment, StatefulSet, …) of a Pod policy. @default false */
  readonly podControllers?: boolean;
  /** Extra CEL variables. @default none */
  readonly variables?: Readonly<Record<string, string>>;
}

/** Controllers Kyverno rewrites a Pod policy for. */
export const POD_CONTROLLERS = ['deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs'] as const;

/** A Kyverno ValidatingPolicy that denies violations. */
export class PlatformPolicy extends Construct {
  public readonly policyName: string;
  public readonly policy: ValidatingPolicy;

  public constructor(scope: Construct, id: string, props: PlatformPolicyProps) {
    super(scope, id);
    this.policyName = props.name;
    const namespaces = props.namespaces ?? 'workspaces';
    const operations = [...(props.operations ?? ['CREATE', 'UPDATE'])];
    this.policy = new ValidatingPolicy(this, 'policy', {
      metadata: {
        name: props.name,
        labels: { [LABELS.partOf]: 'mini-atlas' },
        annotations: { 'policies.kyverno.io/description': props.description },
      },
      spec: {
        validationActions: [ValidatingPolicySpecValidationActions.DENY],
        failurePolicy: ValidatingPolicySpecFailurePolicy.FAIL,
        matchConstraints: {
          resourceRules: props.match.map((m) => ({
            apiGroups: [m.apiGroup],
            apiVersions: [...(m.apiVersions ?? (props.podControllers ? ['v1'] : ['*']))],
            resources: [...m.resources],
            operations,
          })),
          ...(namespaces === 'all'
            ? {}
            : {
              namespaceSelector: {
                matchExpressions: [{ key: LABELS.workspace, operator: namespaces === 'workspaces' ? 'Exists' : 'DoesNotExist' }],
              },
            }),
        },
        ...(props.podControllers ? { autogen: { podControllers: { controllers: [...POD_CONTROLLERS] } } } : {}),
        variables: [
          ...(namespaces === 'workspaces'
            ? [{ name: 'workspace', expression: `namespaceObject.metadata.labels[${JSON.stringify(LABELS.workspace)}]` }]
            : []),
          ...Object.entries(props.variables ?? {}).map(([name, expression]) => ({ name, expression })),
        ],
        validations: props.rules.map((r) => ({ expression: r.expression, messageExpression: r.messageExpression })),
      },
    });
    // Tenants must not arrive before the policies that keep them in bounds enforce: their stage waits for this.
    registerHealthCheck(this, VALIDATING_POLICY_HEALTH_CHECK);
  }
}
