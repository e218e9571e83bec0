/**
 * Generates the password of every Infrastructure cache in the cluster, never in Git.
 *
 * When KRO creates a cache Service annotated `platform.mini-atlas.io/generate-password-secret: <name>`,
 * Kyverno's background controller creates the Secret `<name>` with a random 32-character password, once
 * (`synchronize: false`: it is never regenerated or overwritten). The Valkey pod waits for it.
 *
 * One of the platform's two `kyverno.io/v1` ClusterPolicies (with `kafka-credentials`): the CEL GeneratingPolicy of Kyverno 1.19
 * has no source of randomness, and KRO's `random.seededString` derives its output from a seed any reader of
 * the instance can see. Move to the CEL kind once it gains one; ClusterPolicy removal is planned for 1.20.
 */
import { Construct } from 'constructs';
import {
  ClusterPolicy,
  ClusterPolicySpecRulesMatchAnyResourcesOperations,
} from '../../../imports/kyverno.io';
import { ANNOTATIONS, LABELS } from '../../shared/api';
import { conditionExists, HealthCheckExpression, registerHealthCheck } from '../../gitops/health-checks';
import { partOfLabel } from '../../shared/platform-name';

/**
 * Flux health check of a Kyverno `ClusterPolicy` (kyverno.io/v1, Kyverno 1.19): its `Ready` condition is True,
 * which Kyverno's `IsReady` defines as "the policy is ready to serve the admission request" (api/kyverno/v1,
 * `PolicyStatus.SetReady`/`IsReady`; the CRD's READY printer column). `Ready=False` (reason Failed) is also
 * what a policy shows until its webhook is configured, so there is no failed expression; Kyverno stamps no
 * generation on the condition.
 */
export const CLUSTER_POLICY_HEALTH_CHECK: HealthCheckExpression = {
  apiVersion: ClusterPolicy.GVK.apiVersion,
  kind: ClusterPolicy.GVK.kind,
  current: conditionExists("c.type == 'Ready' && c.status == 'True'"),
};

/** Length of generated passwords. */
export const GENERATED_PASSWORD_LENGTH = 32;

/** The `cache-password` generate policy. */
export class CachePasswordPolicy extends Construct {
  public readonly policyName = 'cache-password';

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const annotation = `request.object.metadata.annotations."${ANNOTATIONS.generatePassword}"`;
    new ClusterPolicy(this, 'policy', {
      metadata: {
        name: this.policyName,
        labels: partOfLabel(this),
        annotations: { 'policies.kyverno.io/description': 'Generates a random password Secret for each cache Service that asks for one.' },
      },
      spec: {
        rules: [{
          name: 'generate-cache-password',
          match: {
            any: [{
              resources: {
                kinds: ['Service'],
                operations: [ClusterPolicySpecRulesMatchAnyResourcesOperations.CREATE],
                annotations: { [ANNOTATIONS.generatePassword]: '?*' },
                namespaceSelector: { matchExpressions: [{ key: LABELS.workspace, operator: 'Exists' }] },
              },
            }],
          },
          generate: {
            apiVersion: 'v1',
            kind: 'Secret',
            name: `{{ ${annotation} }}`,
            namespace: '{{ request.object.metadata.namespace }}',
            synchronize: false,
            data: {
              type: 'Opaque',
              metadata: { labels: { [LABELS.workspace]: '{{ request.object.metadata.namespace }}', [LABELS.managedBy]: 'kyverno' } },
              stringData: { password: `{{ random('[a-zA-Z0-9]{${GENERATED_PASSWORD_LENGTH}}') }}` },
            },
          },
        }],
      },
    });
    registerHealthCheck(this, CLUSTER_POLICY_HEALTH_CHECK);
  }
}
