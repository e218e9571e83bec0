/**
 * The Topic API: a Strimzi KafkaTopic on the shared Kafka, created in the Kafka namespace (the only one its
 * Topic Operator watches) under the name `<workspace>.<topic>`, which cannot collide across workspaces.
 */
import { Construct } from 'constructs';
import { KafkaTopic } from '../../../imports/kafka.strimzi.io';
import { LABELS } from '../../shared/api';
import { cel } from '../../shared/cel';
import { EnvironmentProfile, LOCAL } from '../../shared/environment';
import { topicFields } from './schema';
import { celKafkaTopicName } from '../conventions';
import { PlatformWiring } from '../../core/platform-wiring';
import { ResourceGraph } from '../resource-graph';

const TOPIC_NAME = celKafkaTopicName('schema.metadata.namespace', 'schema.metadata.name');
const HOUR_MS = 3_600_000;
const MIB = 1_048_576;

/** The RGD behind `kind: Topic`. */
export class TopicDefinition extends ResourceGraph {
  /**
   * @param environment the profile whose sizes become the schema defaults (`replicas`) @default LOCAL
   */
  public constructor(scope: Construct, id: string, wiring: PlatformWiring, environment: EnvironmentProfile = LOCAL) {
    super(scope, id, {
      kind: 'Topic',
      fields: topicFields(environment),
      status: {
        topicName: '${topic.spec.topicName}',
        // KRO requires status fields to refer to a resource: the address is built from the KafkaTopic's namespace.
        bootstrapServers: `\${"${wiring.kafka.bootstrapService}." + topic.metadata.namespace + ".svc:${wiring.kafka.clientPort}"}`,
      },
      printerColumns: [
        { name: 'Partitions', type: 'integer', jsonPath: '.spec.partitions' },
        { name: 'Topic', type: 'string', jsonPath: '.status.topicName' },
      ],
      resources: [{
        id: 'topic',
        template: KafkaTopic.manifest({
          metadata: {
            name: cel(TOPIC_NAME),
            namespace: wiring.kafka.namespace,
            labels: {
              'strimzi.io/cluster': wiring.kafka.clusterName,
              [LABELS.workspace]: cel('schema.metadata.namespace'),
              [LABELS.managedBy]: 'kro',
            },
          },
          spec: {
            topicName: cel(TOPIC_NAME),
            partitions: cel<number>('schema.spec.partitions'),
            replicas: cel<number>('schema.spec.replicas'),
            config: {
              'retention.ms': cel<number>(`schema.spec.retentionHours * ${HOUR_MS}`),
              // Bounds the disk a partition takes whatever the traffic (Kafka topic config `retention.bytes`: per
              // partition, for the delete cleanup policy); with the workspace's topic count and the partition
              // bound it bounds a workspace's share of the brokers' disk.
              'retention.bytes': cel<number>(`schema.spec.retentionMiB * ${MIB}`),
              'cleanup.policy': cel('schema.spec.cleanupPolicy'),
              'min.insync.replicas': cel<number>('schema.spec.replicas > 1 ? 2 : 1'),
            },
          },
        }),
      }],
    });
  }
}
