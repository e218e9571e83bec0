/** SharedKafka: the one KRaft Kafka cluster topics live in. */
import { SharedKafka } from '../../../lib/core/shared-kafka';
import { PRODUCTION } from '../../../lib/shared/environment';
import { Json } from '../../helpers/platform';
import { issues } from '../../helpers/issues';
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

test('fails if the namespace or the cluster name is not a DNS label (the name at most 40 characters), all reported at once', () => {
  const found = issues(() => renderConstruct(({ stage }) => { new SharedKafka(stage, 'kafka', { namespace: 'Kafka', name: 'k'.repeat(41) }); }));
  expect(found.map((i) => [i.path, i.field, i.value, i.rule])).toEqual([
    ['test/stage/kafka', 'namespace', '"Kafka"', 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit'],
    ['test/stage/kafka', 'name', `"${'k'.repeat(41)}"`, 'is 41 characters long; the limit is 40'],
  ]);
});

test('a 40-character cluster name is accepted', () => {
  expect(issues(() => renderConstruct(({ stage }) => { new SharedKafka(stage, 'kafka', { name: 'k'.repeat(40) }); }))).toEqual([]);
});

test('clients authenticate (SCRAM-SHA-512 over TLS, one listener) and Kafka authorizes every request (issue 16)', () => {
  const objects = renderConstruct(({ stage }) => { new SharedKafka(stage, 'kafka'); });
  const kafka = objects.find((o) => o.kind === 'Kafka') as Json;
  expect(kafka.spec.kafka.listeners).toEqual([
    { name: 'tls', port: 9093, type: 'internal', tls: true, authentication: { type: 'scram-sha-512' } },
  ]);
  // Strimzi adds its own components as super users; the platform names none of its own.
  expect(kafka.spec.kafka.authorization).toEqual({ type: 'simple' });
  expect(kafka.spec.entityOperator).toEqual({ topicOperator: {}, userOperator: { secretPrefix: 'kafka-user-' } });
});

test('clients connect to the authenticated listener only: its bootstrap address, port and the cluster CA Secret', () => {
  let kafka: SharedKafka | undefined;
  renderConstruct(({ stage }) => { kafka = new SharedKafka(stage, 'kafka', { name: 'events', namespace: 'bus' }); });
  expect([kafka!.bootstrapServers, kafka!.clientPorts, kafka!.clientPort, kafka!.clusterCaSecret, kafka!.userSecretPrefix])
    .toEqual(['events-kafka-bootstrap.bus.svc:9093', [9093], 9093, 'events-cluster-ca-cert', 'kafka-user-']);
});
