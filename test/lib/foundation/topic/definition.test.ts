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

test('the bootstrap servers status names the shared cluster in the topic\'s namespace', () => {
  const rgd = objects.find((o) => o.kind === 'ResourceGraphDefinition') as Json;
  expect(rgd.spec.schema.status.bootstrapServers).toBe('${"shared-kafka-bootstrap." + topic.metadata.namespace + ".svc:9092"}');
});
