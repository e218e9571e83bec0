/** SharedKafka: the one KRaft Kafka cluster topics live in. */
import { SharedKafka } from '../../../lib/core/shared-kafka';
import { PRODUCTION } from '../../../lib/shared/environment';
import { Json } from '../../helpers/platform';
import { renderConstruct } from '../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new SharedKafka(stage, 'kafka'); })).toMatchSnapshot();
});

test('all props', () => {
  expect(renderConstruct(({ stage }) => {
    new SharedKafka(stage, 'kafka', { name: 'events', namespace: 'events', storageClass: 'retained', environment: PRODUCTION });
  })).toMatchSnapshot();
});

test('the shared Kafka is KRaft on kafka.strimzi.io/v1 with a dual-role node pool', () => {
  const objects = renderConstruct(({ stage }) => { new SharedKafka(stage, 'kafka'); });
  const kafka = objects.find((o) => o.kind === 'Kafka') as Json;
  expect(kafka.apiVersion).toBe('kafka.strimzi.io/v1');
  expect(kafka.spec.zookeeper).toBeUndefined();
  expect(kafka.metadata.namespace).toBe('kafka');
  const pool = objects.find((o) => o.kind === 'KafkaNodePool') as Json;
  expect(pool.metadata.labels['strimzi.io/cluster']).toBe(kafka.metadata.name);
  expect(pool.spec.roles.sort()).toEqual(['broker', 'controller']);
  // local profile: one node, so every replication setting must be 1
  expect(pool.spec.replicas).toBe(1);
  expect(kafka.spec.kafka.config['default.replication.factor']).toBe(1);
  expect(kafka.spec.kafka.config['min.insync.replicas']).toBe(1);
});
