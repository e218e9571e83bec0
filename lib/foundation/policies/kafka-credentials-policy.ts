/**
 * Brings each workspace its Kafka credentials and the cluster CA, never through Git.
 *
 * Strimzi's User Operator writes a workspace's credentials (`password`, `sasl.jaas.config`) into a Secret in
 * the Kafka namespace, and Strimzi keeps the cluster CA certificate there (`<cluster>-cluster-ca-cert`,
 * `ca.crt`); a `secretKeyRef` cannot cross namespaces. The Workspace RGD labels the user's Secret with the
 * workspace (KafkaUser `spec.template.secret`); that Secret is this policy's trigger: Kyverno's background
 * controller clones it into the workspace as `kafka-credentials` and the cluster CA as `kafka-cluster-ca`.
 * `synchronize: true` keeps both copies equal to their sources (a renewed CA, a changed password, a tenant's
 * edit or deletion of a copy is undone) and deletes the copies when the trigger goes, i.e. when the Workspace
 * and so its KafkaUser are deleted (Kyverno documentation, "Generate Rules": clone, synchronize). Kyverno drops
 * the source's owner references when it clones across namespaces, so the garbage collector does not take the
 * copy for an orphan (kyverno/kyverno#2276).
 *
 * A `kyverno.io/v1` ClusterPolicy like `cache-password`: the same background controller and RBAC, and the kind
 * whose clone rules the Kyverno CLI tests (`cloneSourceResource`).
 */
import { Construct } from 'constructs';
import {
  ClusterPolicy,
  ClusterPolicySpecRules,
  ClusterPolicySpecRulesMatchAnyResourcesOperations,
} from '../../../imports/kyverno.io';
import { LABELS } from '../../shared/api';
import { partOfLabel } from '../../shared/platform-name';
import { registerHealthCheck } from '../../gitops/health-checks';
import { KAFKA_WORKSPACE_SECRETS } from '../conventions';
import { CLUSTER_POLICY_HEALTH_CHECK } from './cache-password-policy';

/** Properties of {@link KafkaCredentialsPolicy}. */
export interface KafkaCredentialsPolicyProps {
  /** Namespace of the shared Kafka, where the User Operator writes user Secrets. */
  readonly kafkaNamespace: string;
  /** Name of the Kafka cluster (the `strimzi.io/cluster` label of its user Secrets). */
  readonly kafkaCluster: string;
  /** The Secret holding the cluster CA certificate (`<cluster>-cluster-ca-cert`). */
  readonly clusterCaSecret: string;
}

/** The `kafka-credentials` generate policy. */
export class KafkaCredentialsPolicy extends Construct {
  public readonly policyName = 'kafka-credentials';

  public constructor(scope: Construct, id: string, props: KafkaCredentialsPolicyProps) {
    super(scope, id);
    const workspace = `{{ request.object.metadata.labels."${LABELS.workspace}" }}`;
    // The User Operator's Secrets of this cluster's KafkaUsers that a Workspace created (they carry its label).
    const match = {
      any: [{
        resources: {
          kinds: ['Secret'],
          namespaces: [props.kafkaNamespace],
          operations: [ClusterPolicySpecRulesMatchAnyResourcesOperations.CREATE, ClusterPolicySpecRulesMatchAnyResourcesOperations.UPDATE],
          selector: {
            matchLabels: { 'strimzi.io/kind': 'KafkaUser', 'strimzi.io/cluster': props.kafkaCluster },
            matchExpressions: [{ key: LABELS.workspace, operator: 'Exists' }],
          },
        },
      }],
    };
    const copy = (name: string, ruleName: string, source: string): ClusterPolicySpecRules => ({
      name: ruleName,
      match,
      generate: {
        apiVersion: 'v1',
        kind: 'Secret',
        name,
        namespace: workspace,
        synchronize: true,
        clone: { namespace: props.kafkaNamespace, name: source },
      },
    });
    new ClusterPolicy(this, 'policy', {
      metadata: {
        name: this.policyName,
        labels: partOfLabel(this),
        annotations: { 'policies.kyverno.io/description': 'Copies each workspace\'s Kafka user Secret and the Kafka cluster CA into the workspace, and keeps them in sync.' },
      },
      spec: {
        rules: [
          copy(KAFKA_WORKSPACE_SECRETS.credentials, 'copy-user-credentials', '{{ request.object.metadata.name }}'),
          copy(KAFKA_WORKSPACE_SECRETS.clusterCa, 'copy-cluster-ca', props.clusterCaSecret),
        ],
      },
    });
    registerHealthCheck(this, CLUSTER_POLICY_HEALTH_CHECK);
  }
}
