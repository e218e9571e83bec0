/** TopicDefinition: the Topic RGD (a KafkaTopic in the shared cluster). */
import { TopicDefinition } from '../../../../lib/foundation/topic/definition';
import { Json } from '../../../helpers/platform';
import { graphResources, renderConstruct, testWiring } from '../../../helpers/construct';

const objects = renderConstruct((scope) => { new TopicDefinition(scope.stage, 'topic', testWiring(scope)); });

test('defaults (the default shared services)', () => {
  expect(objects).toMatchSnapshot();
});

test('the Topic RGD puts topics in the Kafka namespace, labelled for the shared cluster', () => {
  const { topic } = graphResources(objects);
  expect(topic.template.kind).toBe('KafkaTopic');
  expect(topic.template.metadata.namespace).toBe('kafka');
  expect(topic.template.metadata.labels['strimzi.io/cluster']).toBe('shared');
  expect(topic.template.spec.topicName).toBe('${schema.metadata.namespace + "." + schema.metadata.name}');
});

test('the KafkaTopic keeps at most retentionMiB per partition (retention.bytes) besides retention.ms (issue 16)', () => {
  const { topic } = graphResources(objects);
  expect(topic.template.spec.config).toEqual({
    'retention.ms': '${schema.spec.retentionHours * 3600000}',
    'retention.bytes': '${schema.spec.retentionMiB * 1048576}',
    'cleanup.policy': '${schema.spec.cleanupPolicy}',
    'min.insync.replicas': '${schema.spec.replicas > 1 ? 2 : 1}',
  });
  const rgd = objects.find((o) => o.kind === 'ResourceGraphDefinition') as Json;
  expect(rgd.spec.schema.spec.retentionMiB).toBe('integer | default=256 minimum=1 maximum=1024 description="Most data kept per partition, in MiB (retention.bytes): the oldest segments are deleted beyond it"');
});

test('the bootstrap servers status names the shared cluster in the topic\'s namespace', () => {
  const rgd = objects.find((o) => o.kind === 'ResourceGraphDefinition') as Json;
  expect(rgd.spec.schema.status.bootstrapServers).toBe('${"shared-kafka-bootstrap." + topic.metadata.namespace + ".svc:9093"}');
});
