/** Topic: a Kafka topic on the shared message bus, owned by a workspace. */
import { issue, ValidationIssue } from '../shared/validation-error';
import { kafkaTopicName, MAX_KAFKA_TOPIC_NAME } from '../foundation/conventions';
import { topicReplicasProblem } from '../foundation/cross-checks';
import { TOPIC_FIELDS, topicFields, TopicSpec } from '../foundation/topic/schema';
import { Construct } from 'constructs';
import { freeId, Instance } from './instance';
import { Workspace } from './workspace';

/** Properties of {@link Topic}. */
export interface TopicProps {
  /** Kubernetes name of the instance. @default `<workspace>-<id>` */
  readonly name?: string;
  /** Partitions (1–48); can grow, never shrink. @default 3 */
  readonly partitions?: number;
  /** Replication factor (1–3, at most the brokers). Immutable. @default 1 (local profile; 3 in production) */
  readonly replicas?: number;
  /** Retention in hours (1–720). @default 168 */
  readonly retentionHours?: number;
  /** Most data kept per partition, in MiB (1–1024; Kafka `retention.bytes`). @default 256 */
  readonly retentionMiB?: number;
  /** Kafka `cleanup.policy`. @default 'delete' */
  readonly cleanupPolicy?: 'delete' | 'compact';
}

/** A workspace's Kafka topic. */
export class Topic extends Instance<typeof TOPIC_FIELDS> {
  /** The workspace it belongs to. */
  public readonly workspace: Workspace;

  public constructor(workspace: Workspace, id: string, props: TopicProps = {}) {
    const duplicates: string[] = [];
    const scope: Construct = workspace.node.tryFindChild('topics') as Construct | undefined ?? new Construct(workspace, 'topics');
    const { name, ...rest } = props;
    const spec: TopicSpec = { replicas: workspace.environment.topicReplicas, ...rest };
    super(scope, freeId(scope, id, duplicates), duplicates, {
      kind: 'Topic',
      name: name ?? workspace.qualify(id),
      namespace: workspace.namespace,
      fields: topicFields(workspace.environment),
      spec,
      workspace: workspace.name,
    });
    this.workspace = workspace;
  }

  /** The Kafka topic name: `<workspace>.<instance name>`, unique across workspaces. */
  public get topicName(): string {
    return kafkaTopicName(this.workspace.namespace, this.name);
  }

  protected override validateInstance(): ValidationIssue[] {
    const out: ValidationIssue[] = [];
    if (this.topicName.length > MAX_KAFKA_TOPIC_NAME) {
      out.push(issue(this, 'topicName', this.topicName, `is longer than Kafka's ${MAX_KAFKA_TOPIC_NAME} characters`));
    }
    // The brokers of the profile that sizes the shared Kafka (buildPlatform passes one profile to both).
    const replicas = topicReplicasProblem(this.resolvedSpec.replicas, this.workspace.environment.kafka.nodes);
    if (replicas) out.push(issue(this, 'spec.replicas', this.resolvedSpec.replicas, replicas.rule, replicas.fix));
    return out;
  }
}
