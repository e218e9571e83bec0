/** The environment profile changes sizes without touching tenant code. */
import { Json, find, ofKind, render } from './helpers/platform';

test('production: 3 Kafka nodes with replication 3 / min ISR 2, 3 Postgres instances, bigger quotas', () => {
  const local = render();
  const prod = render({ environment: 'production' });
  const pool = (f: typeof local) => (ofKind(f, 'KafkaNodePool')[0] as Json).spec;
  const kafka = (f: typeof local) => (ofKind(f, 'Kafka')[0] as Json).spec.kafka.config;
  expect([pool(local).replicas, pool(prod).replicas]).toEqual([1, 3]);
  expect(kafka(prod)).toMatchObject({ 'default.replication.factor': 3, 'min.insync.replicas': 2, 'offsets.topic.replication.factor': 3 });
  const infra = (f: typeof local) => (find(f, 'Infrastructure', 'team-a-db') as Json).spec.postgres;
  expect([infra(local).instances, infra(prod).instances]).toEqual([1, 3]);
  expect((find(prod, 'Topic', 'team-a-orders') as Json).spec.replicas).toBe(3);
  expect((find(prod, 'Workspace', 'team-a') as Json).spec.quota.cpu).toBe('32');
  // Only sizes differ: the same objects exist in both.
  expect(prod.map((f) => f.path)).toEqual(local.map((f) => f.path));
});

test('an unknown profile is rejected with the valid names', () => {
  expect(() => render({ environment: 'staging' as never })).toThrow('unknown environment profile "staging"; use one of: local, production');
});
