/**
 * The shared message bus: one Strimzi KRaft Kafka cluster (`kafka.strimzi.io/v1`) with one node pool of
 * combined controller+broker nodes, sized by the environment profile. Tenant topics are KafkaTopics in its
 * namespace, where its Topic Operator watches.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import {
  Kafka,
  KafkaNodePool,
  KafkaNodePoolSpecResourcesLimits,
  KafkaNodePoolSpecResourcesRequests,
  KafkaNodePoolSpecRoles,
  KafkaNodePoolSpecStorageType,
  KafkaSpecKafkaListenersType,
} from '../../imports/kafka.strimzi.io';
import { LABELS } from '../shared/api';
import { dataAnnotations, KEEP_DATA_ANNOTATIONS } from '../shared/data-bearing';
import { EnvironmentProfile, LOCAL } from '../shared/environment';
import { dnsLabelProblem } from '../shared/names';
import { addIssueCheck, issue, ValidationIssue } from '../shared/validation-error';
import { STRIMZI } from '../shared/versions';
import { conditionExists, HealthCheckExpression, registerHealthCheck, STATUS_OBSERVED_CURRENT } from '../gitops/health-checks';
import { partOfLabel } from '../shared/platform-name';

/**
 * Flux health check of a Strimzi `Kafka` (kafka.strimzi.io/v1, Strimzi 1.2): Ready for the current generation.
 *
 * Strimzi's cluster operator (KafkaAssemblyOperator) first gives a new Kafka the status
 * `NotReady=True, reason Creating` with no `observedGeneration`; every reconciliation then ends by setting
 * `status.observedGeneration` to `metadata.generation` and adding `Ready=True` on success or `NotReady=True`
 * (reason: the exception class) on failure (`createOrUpdate`; `StatusUtils.setStatusConditionAndObservedGeneration`).
 * Strimzi conditions carry no `observedGeneration` of their own. So: current is `Ready=True` with the status
 * observed for this generation; the initial `Creating` status, which has no observedGeneration, is in
 * progress. There is deliberately no `failed`: a failed reconciliation (`NotReady=True`, e.g. a
 * `TimeoutException` while the first brokers start on a small cluster) is retried by Strimzi every two
 * minutes and usually clears, and a `failed` match would end Flux's wait at once; the stage's timeout decides.
 * Flux's own generic check would read `NotReady=True` as healthy.
 */
export const KAFKA_HEALTH_CHECK: HealthCheckExpression = {
  apiVersion: Kafka.GVK.apiVersion,
  kind: Kafka.GVK.kind,
  current: `${STATUS_OBSERVED_CURRENT} && ${conditionExists("c.type == 'Ready' && c.status == 'True'")}`,
};

/** Properties of {@link SharedKafka}. */
export interface SharedKafkaProps {
  /** Name of the Kafka cluster. @default 'shared' */
  readonly name?: string;
  /** Namespace of the cluster and of every tenant KafkaTopic. @default 'kafka' */
  readonly namespace?: string;
  /**
   * StorageClass of the broker volumes; it must retain them (`reclaimPolicy: Retain`: `npm run validate` checks
   * `dist/`), as `deleteClaim: false` keeps the claims but not the volumes of a class that deletes.
   * @default the cluster default (`CoreChart` passes its retained class)
   */
  readonly storageClass?: string;
  /** Sizes: nodes, replication, storage and resources of the brokers. @default LOCAL */
  readonly environment?: EnvironmentProfile;
}

/** Plain-text in-cluster listener port. */
const PLAIN_PORT = 9092;
/** TLS in-cluster listener port. */
const TLS_PORT = 9093;

/** The shared KRaft Kafka cluster. */
export class SharedKafka extends Construct {
  /** Kafka cluster name (the `strimzi.io/cluster` label value of its topics). */
  public readonly clusterName: string;
  /** Namespace where the cluster runs and where KafkaTopics must live. */
  public readonly namespace: string;
  /** In-cluster bootstrap address (plain listener). */
  public readonly bootstrapServers: string;
  /** Ports clients connect to (for network policies). */
  public readonly clientPorts: readonly number[] = [PLAIN_PORT, TLS_PORT];
  /** Plain-text listener port of the bootstrap Service. */
  public readonly plainPort = PLAIN_PORT;
  /** Name of the bootstrap Service (in {@link namespace}). */
  public readonly bootstrapService: string;
  /** Pod labels of the broker pods (for network policies). */
  public readonly brokerPodLabels: Readonly<Record<string, string>>;
  /**
   * The Namespace object. The operator that watches it writes into it at install, so a platform places it in
   * the operator's Flux stage (`FluxStage.place`); the Flux graph check fails when it comes later.
   */
  public readonly namespaceResource: ApiObject;

  public constructor(scope: Construct, id: string, props: SharedKafkaProps = {}) {
    super(scope, id);
    this.clusterName = props.name ?? 'shared';
    this.namespace = props.namespace ?? 'kafka';
    this.bootstrapService = `${this.clusterName}-kafka-bootstrap`;
    this.bootstrapServers = `${this.bootstrapService}.${this.namespace}.svc:${PLAIN_PORT}`;
    this.brokerPodLabels = { 'strimzi.io/cluster': this.clusterName, 'strimzi.io/broker-role': 'true' };
    const labels = { ...partOfLabel(this), [LABELS.component]: 'kafka' };
    // Losing the cluster loses every team's topics: Kafka and KafkaNodePool are data-bearing and the namespace
    // holds them (lib/shared/data-bearing.ts), so Flux never prunes any of them.

    this.namespaceResource = new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: this.namespace,
        labels: { ...labels, 'pod-security.kubernetes.io/enforce': 'restricted' },
        annotations: KEEP_DATA_ANNOTATIONS,
      },
    });

    const { kafka } = props.environment ?? LOCAL;
    new KafkaNodePool(this, 'pool', {
      metadata: {
        name: 'dual-role',
        namespace: this.namespace,
        labels: { ...labels, 'strimzi.io/cluster': this.clusterName },
        annotations: dataAnnotations(KafkaNodePool.GVK.apiVersion, KafkaNodePool.GVK.kind),
      },
      spec: {
        replicas: kafka.nodes,
        roles: [KafkaNodePoolSpecRoles.CONTROLLER, KafkaNodePoolSpecRoles.BROKER],
        storage: {
          type: KafkaNodePoolSpecStorageType.PERSISTENT_HYPHEN_CLAIM,
          size: kafka.storage,
          deleteClaim: false,
          ...(props.storageClass ? { class: props.storageClass } : {}),
        },
        resources: {
          requests: { cpu: KafkaNodePoolSpecResourcesRequests.fromString(kafka.cpuRequest), memory: KafkaNodePoolSpecResourcesRequests.fromString(kafka.memoryLimit) },
          limits: { memory: KafkaNodePoolSpecResourcesLimits.fromString(kafka.memoryLimit) },
        },
      },
    });

    new Kafka(this, 'cluster', {
      metadata: { name: this.clusterName, namespace: this.namespace, labels, annotations: dataAnnotations(Kafka.GVK.apiVersion, Kafka.GVK.kind) },
      spec: {
        kafka: {
          version: STRIMZI.kafkaVersion,
          metadataVersion: STRIMZI.kafkaMetadataVersion,
          listeners: [
            { name: 'plain', port: PLAIN_PORT, type: KafkaSpecKafkaListenersType.INTERNAL, tls: false },
            { name: 'tls', port: TLS_PORT, type: KafkaSpecKafkaListenersType.INTERNAL, tls: true },
          ],
          config: {
            'default.replication.factor': kafka.replicationFactor,
            'min.insync.replicas': kafka.minInSyncReplicas,
            'offsets.topic.replication.factor': kafka.replicationFactor,
            'transaction.state.log.replication.factor': kafka.replicationFactor,
            'transaction.state.log.min.isr': kafka.minInSyncReplicas,
            // Topics exist only as KafkaTopic resources; clients cannot create them by accident.
            'auto.create.topics.enable': false,
          },
        },
        entityOperator: {
          // Watches this namespace only (the default), which is where tenant KafkaTopics are created.
          topicOperator: {},
        },
      },
    });

    // The KafkaNodePool needs no check of its own: the Kafka's covers it (READINESS_DECLARATIONS).
    registerHealthCheck(this, KAFKA_HEALTH_CHECK);
    addIssueCheck(this, () => this.check());
  }

  private check(): ValidationIssue[] {
    const out: ValidationIssue[] = [];
    const ns = dnsLabelProblem(this.namespace);
    if (ns) out.push(issue(this, 'namespace', this.namespace, ns));
    const name = dnsLabelProblem(this.clusterName, 40);
    if (name) out.push(issue(this, 'name', this.clusterName, name));
    return out;
  }
}
