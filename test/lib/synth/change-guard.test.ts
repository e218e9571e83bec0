/**
 * The change guard of writeDist: changes the cluster refuses are errors, changes that lose data need an
 * acknowledgement. Each rule on today's platform and on a made-up kind of the same shape.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import * as k8s from '../../../imports/k8s';
import { KafkaTopic } from '../../../imports/kafka.strimzi.io';
import {
  ANNOTATIONS, buildPlatform, LOCAL, BYTES_PATTERN, cel, EnvironmentProfile, fields, FluxStage, GraphResource, Infrastructure, kroInstanceHealthCheck,
  Platform, PLATFORM_API_VERSION, registerHealthCheck, PostgresOptions, RemovalGuardError, ResourceGraph, Topic, TopicProps, writeDist,
  WriteDistResult,
} from '../../../lib';
import { PRODUCTION_CLUSTER } from '../../helpers/platform';

const newOut = () => join(mkdtempSync(join(tmpdir(), 'mini-atlas-change-guard-')), 'dist');

/** The message writeDist throws, or the result when it writes. */
function attempt(write: () => WriteDistResult): string | WriteDistResult {
  try {
    return write();
  } catch (e) {
    if (e instanceof RemovalGuardError) return e.message;
    throw e;
  }
}

/** Today's platform: team-a's Infrastructure and Topic, optionally a Topic written as raw YAML (no `replicas`). */
interface Today {
  readonly environment?: EnvironmentProfile;
  readonly topic?: TopicProps;
  readonly postgres?: PostgresOptions;
  readonly rawTopic?: boolean;
  readonly change?: (p: Platform) => void;
}
function today(o: Today = {}): Platform {
  const p = buildPlatform({
    environment: o.environment,
    teams: (d) => {
      const ws = d.addWorkspace('team-a', { team: 'team-a' });
      new Infrastructure(ws, 'db', { postgres: { database: 'orders', owner: 'orders_app', ...o.postgres } });
      const orders = new Topic(ws, 'orders', { partitions: 3, ...o.topic });
      if (o.rawTopic) {
        new ApiObject(orders, 'raw', {
          apiVersion: PLATFORM_API_VERSION, kind: 'Topic',
          metadata: { name: 'team-a-raw', namespace: 'team-a', annotations: { [ANNOTATIONS.fluxPrune]: 'disabled' } },
          spec: { partitions: 3 },
        });
      }
    },
  });
  o.change?.(p);
  return p;
}
const rgdOf = (p: Platform, kind: string) => {
  const g = p.foundation.definitions.find((d) => d.kind === kind);
  if (!g) throw new Error(`no ${kind} RGD`);
  return g;
};

const REFUSED = 'Refused by the cluster (no acknowledgement helps):';
const LOSING = 'Losing data unless acknowledged:';
/** The first line, naming the output folder as writeDist was given it (here an absolute temporary path). */
const header = (n: number, out: string) => `Refusing to write ${out}/: ${n} change${n === 1 ? '' : 's'} to the committed ${out}/ would be refused by the cluster or lose data.`;
const quoted = (keys: string[]) => `writeDist's option allowRemoval: ${JSON.stringify(keys)} (npm run synth and @mini-atlas/synth: ${keys.map((k) => `--allow-removal ${k}`).join(' ')})`;
const fix = (...keys: string[]) => `  Fix: create a new instance under a new name and remove the old one with ${quoted(keys)}.`;
const acknowledge = (...keys: string[]) =>
  `  If this is intended, acknowledge it with ${quoted(keys)}, then delete the objects explicitly (see README, "Deleting data").`;
const CLUSTER_GONE = 'the PostgreSQL database: its volume claims go with the Cluster and a new Cluster starts empty';
const TOPIC_GONE = 'the Kafka topic and its records: the Topic Operator deletes the topic with the KafkaTopic';
const INFRA_RGD = 'ResourceGraphDefinition/infrastructure.platform.mini-atlas.io';

describe('today\'s platform', () => {
  test('a shrinking partition count and changed immutable fields are refused, all at once, and dist/ stays as it was', () => {
    // Two brokers, so that two replicas pass the cross-check and only the change guard speaks.
    const environment: EnvironmentProfile = { ...LOCAL, name: 'two-brokers', kafka: { ...LOCAL.kafka, nodes: 2 } };
    const out = newOut();
    writeDist(today({ environment }).app, out);
    const file = join(out, 'delivery/team-a/topic-team-a-team-a-orders.yaml');
    const committed = readFileSync(file, 'utf8');
    const changed = today({ environment, topic: { partitions: 2, replicas: 2 }, postgres: { database: 'sales', owner: 'sales_app', storage: '512Mi' } });
    // An acknowledgement does not help: the cluster would still refuse the update.
    expect(attempt(() => writeDist(changed.app, out, { allowRemoval: ['Topic/team-a/team-a-orders'] }))).toBe([
      header(5, out), REFUSED,
      '  - Infrastructure/team-a/team-a-db: spec.postgres.database is immutable and would change from "orders" to "sales"',
      '  - Infrastructure/team-a/team-a-db: spec.postgres.owner is immutable and would change from "orders_app" to "sales_app"',
      '  - Infrastructure/team-a/team-a-db: spec.postgres.storage can only grow and would shrink from "1Gi" to "512Mi"',
      '  - Topic/team-a/team-a-orders: spec.partitions can only grow and would shrink from 3 to 2',
      '  - Topic/team-a/team-a-orders: spec.replicas is immutable and would change from 1 to 2',
      fix('Infrastructure/team-a/team-a-db', 'Topic/team-a/team-a-orders'),
    ].join('\n'));
    expect(readFileSync(file, 'utf8')).toBe(committed);
    // Growing is fine, and so is a field without a change rule.
    expect(attempt(() => writeDist(today({ environment, topic: { partitions: 6, retentionHours: 24 }, postgres: { storage: '2Gi', instances: 2 } }).app, out)))
      .toMatchObject({ removed: [] });
  });

  test('switching the profile changes Topic replicas: explicit on the library\'s Topic, inherited from the RGD default on a raw one', () => {
    const out = newOut();
    writeDist(today({ rawTopic: true }).app, out);
    expect(attempt(() => writeDist(today({ rawTopic: true, environment: PRODUCTION_CLUSTER }).app, out))).toBe([
      header(2, out), REFUSED,
      '  - Topic/team-a/team-a-orders: spec.replicas is immutable and would change from 1 to 3',
      '  - Topic/team-a/team-a-raw: spec.replicas is immutable and would change from 1 to 3 (the instance does not set it and the Topic RGD\'s default changes from 1 to 3; setting it to 1 on the instance keeps it)',
      fix('Topic/team-a/team-a-orders', 'Topic/team-a/team-a-raw'),
    ].join('\n'));
    // Keeping the value where the instances are: the library's Topic sets it, the raw one is given it.
    const kept = today({ rawTopic: true, environment: PRODUCTION_CLUSTER, topic: { replicas: 1 }, change: (p) => {
      (p.delivery.node.findAll().find((c) => c.node.id === 'raw') as ApiObject).addJsonPatch(JsonPatch.add('/spec/replicas', 1));
    } });
    expect(attempt(() => writeDist(kept.app, out))).toMatchObject({ removed: [] });
  });

  test('switching from a consumer-defined profile down to LOCAL shrinks the database and broker volumes and changes replicas', () => {
    const staging: EnvironmentProfile = { ...PRODUCTION_CLUSTER, name: 'staging', postgres: { instances: 2, storage: '5Gi' }, topicReplicas: 2 };
    const out = newOut();
    writeDist(today({ rawTopic: true, environment: staging }).app, out);
    expect(attempt(() => writeDist(today({ rawTopic: true }).app, out))).toBe([
      header(4, out), REFUSED,
      '  - Infrastructure/team-a/team-a-db: spec.postgres.storage can only grow and would shrink from "5Gi" to "1Gi"',
      '  - KafkaNodePool/kafka/dual-role: spec.storage.size can only grow and would shrink from "100Gi" to "2Gi"',
      '  - Topic/team-a/team-a-orders: spec.replicas is immutable and would change from 2 to 1',
      '  - Topic/team-a/team-a-raw: spec.replicas is immutable and would change from 2 to 1 (the instance does not set it and the Topic RGD\'s default changes from 2 to 1; setting it to 2 on the instance keeps it)',
      fix('Infrastructure/team-a/team-a-db', 'KafkaNodePool/kafka/dual-role', 'Topic/team-a/team-a-orders', 'Topic/team-a/team-a-raw'),
    ].join('\n'));
  });

  test('renaming the Infrastructure\'s database child, or making it conditional, needs an acknowledgement', () => {
    const out = newOut();
    writeDist(today().app, out);
    const renamed = today({ change: (p) => rgdOf(p, 'Infrastructure').definition.addJsonPatch(JsonPatch.replace('/spec/resources/0/id', 'postgres')) });
    expect(attempt(() => writeDist(renamed.app, out))).toBe([
      header(1, out), LOSING,
      `  - ${INFRA_RGD}#database: resource "database" (Cluster) holds data and would leave the graph (renamed or removed): KRO deletes it from every Infrastructure instance, and with it ${CLUSTER_GONE}`,
      acknowledge(`${INFRA_RGD}#database`),
    ].join('\n'));
    const conditional = today({ change: (p) => rgdOf(p, 'Infrastructure').definition.addJsonPatch(
      JsonPatch.add('/spec/resources/0/includeWhen', ['${schema.spec.postgres.instances > 0}'])) });
    expect(attempt(() => writeDist(conditional.app, out))).toBe([
      header(1, out), LOSING,
      `  - ${INFRA_RGD}#database: resource "database" (Cluster) holds data and would exist only when \${schema.spec.postgres.instances > 0}: KRO deletes it from every Infrastructure instance where that is false, and with it ${CLUSTER_GONE}`,
      acknowledge(`${INFRA_RGD}#database`),
    ].join('\n'));
    expect(attempt(() => writeDist(conditional.app, out, { allowRemoval: [`${INFRA_RGD}#database`] }))).toMatchObject({ removed: [`${INFRA_RGD}#database`] });
  });

  test('the database child keeping its id but naming another object, or the RGD generating another kind, needs an acknowledgement', () => {
    const out = newOut();
    writeDist(today().app, out);
    const renamed = today({ change: (p) => rgdOf(p, 'Infrastructure').definition.addJsonPatch(
      JsonPatch.replace('/spec/resources/0/template/metadata/name', '${schema.metadata.name}-pg')) });
    expect(attempt(() => writeDist(renamed.app, out))).toBe([
      header(1, out), LOSING,
      `  - ${INFRA_RGD}#database: resource "database" (Cluster) holds data and would become another object (Cluster \${schema.metadata.namespace}/\${schema.metadata.name} → Cluster \${schema.metadata.namespace}/\${schema.metadata.name}-pg): KRO creates the new one empty and deletes the old one from every Infrastructure instance, and with it ${CLUSTER_GONE}`,
      acknowledge(`${INFRA_RGD}#database`),
    ].join('\n'));
    const rekinded = today({ change: (p) => rgdOf(p, 'Infrastructure').definition.addJsonPatch(JsonPatch.replace('/spec/schema/kind', 'Backend')) });
    expect(attempt(() => writeDist(rekinded.app, out))).toBe([
      header(1, out), LOSING,
      `  - ${INFRA_RGD}: the RGD would generate Backend instead of Infrastructure: KRO stops managing every Infrastructure instance, and deleting the old CRD deletes every instance and everything they hold`,
      acknowledge(INFRA_RGD),
    ].join('\n'));
  });

  test('removing an RGD needs an acknowledgement; it is reported with the other changes, once', () => {
    const out = newOut();
    writeDist(today().app, out);
    const without = today({ postgres: { database: 'sales' }, change: (p) => { p.foundation.stage.node.tryRemoveChild('topic'); } });
    expect(attempt(() => writeDist(without.app, out))).toBe([
      header(2, out), REFUSED,
      '  - Infrastructure/team-a/team-a-db: spec.postgres.database is immutable and would change from "orders" to "sales"',
      fix('Infrastructure/team-a/team-a-db'), LOSING,
      '  - ResourceGraphDefinition/topic.platform.mini-atlas.io: the RGD would be removed: KRO stops managing every Topic instance, and deleting its CRD (KRO does so itself when run with --allow-crd-deletion) deletes every instance and everything they hold',
      acknowledge('ResourceGraphDefinition/topic.platform.mini-atlas.io'),
    ].join('\n'));
    const acknowledged = today({ change: (p) => { p.foundation.stage.node.tryRemoveChild('topic'); } });
    expect(attempt(() => writeDist(acknowledged.app, out, { allowRemoval: ['ResourceGraphDefinition/topic.platform.mini-atlas.io'] })))
      .toMatchObject({ removed: ['ResourceGraphDefinition/topic.platform.mini-atlas.io'] });
  });
});

describe('sizes of data-bearing objects only grow (DataBearingKind.growOnly)', () => {
  test('today: switching production down to local would shrink the shared Kafka\'s broker volumes; refused', () => {
    const out = newOut();
    writeDist(buildPlatform({ environment: PRODUCTION_CLUSTER, teams: () => undefined }).app, out);
    expect(attempt(() => writeDist(buildPlatform({ environment: LOCAL, teams: () => undefined }).app, out))).toBe([
      header(1, out), REFUSED,
      '  - KafkaNodePool/kafka/dual-role: spec.storage.size can only grow and would shrink from "100Gi" to "2Gi"',
      fix('KafkaNodePool/kafka/dual-role'),
    ].join('\n'));
  });

  test('a made-up component writing a CloudNativePG Cluster directly: 10Gi → 5Gi refused, 10Gi → 20Gi written', () => {
    const cluster = (size: string): App => {
      const app = new App();
      const stage = new FluxStage(new Chart(app, 'db'), 'db', { path: 'db', wait: false });
      new ApiObject(stage, 'pg', { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg', namespace: 'db' }, spec: { instances: 1, storage: { size } } });
      return app;
    };
    const out = newOut();
    writeDist(cluster('10Gi'), out);
    expect(attempt(() => writeDist(cluster('5Gi'), out))).toBe([
      header(1, out), REFUSED,
      '  - Cluster/db/pg: spec.storage.size can only grow and would shrink from "10Gi" to "5Gi"',
      fix('Cluster/db/pg'),
    ].join('\n'));
    expect(attempt(() => writeDist(cluster('20Gi'), out))).toMatchObject({ removed: [] });
  });
});

/** A made-up abstraction of the same shape: a grow-only and an immutable field, a data child and a plain one. */
interface Queue {
  readonly shardsDefault?: number;
  readonly regionDefault?: string;
  readonly logId?: string;
  readonly logWhen?: string[];
  /** Namespace of the log's KafkaTopic. */
  readonly logNamespace?: string;
  readonly withRgd?: boolean;
  readonly endpointId?: string;
  readonly diskDefault?: string;
  /** A new immutable field without a default, set on the instance that sets its fields. */
  readonly zone?: string;
  /** Spec of the instance that sets its fields (the other one sets none). */
  readonly explicit?: { shards: number; region: string; size: number; disk: string };
}
function queueApp(q: Queue = {}): App {
  const app = new App();
  const chart = new Chart(app, 'platform');
  const foundation = new FluxStage(chart, 'foundation', { path: 'foundation' });
  const delivery = new FluxStage(chart, 'delivery', { path: 'delivery', dependsOn: [foundation] });
  if (q.withRgd ?? true) {
    const log: GraphResource = {
      id: q.logId ?? 'log',
      ...(q.logWhen ? { includeWhen: q.logWhen } : {}),
      template: KafkaTopic.manifest({ metadata: { name: cel('schema.metadata.name'), namespace: q.logNamespace ?? 'kafka' }, spec: { partitions: cel<number>('schema.spec.shards') } }),
    };
    const endpoint: GraphResource = {
      id: q.endpointId ?? 'endpoint',
      template: k8s.KubeService.manifest({ metadata: { name: cel('schema.metadata.name') }, spec: { ports: [{ port: 80 }] } }),
    };
    const rgd = new ResourceGraph(foundation, 'queue', {
      kind: 'Queue',
      fields: fields({
        shards: { type: 'integer', default: q.shardsDefault ?? 2, minimum: 1, growOnly: true, description: 'Shards (can grow, never shrink)' },
        region: { type: 'string', default: q.regionDefault ?? 'eu', immutable: true, description: 'Region' },
        size: { type: 'integer', default: 1, description: 'Size' },
        disk: { type: 'string', default: q.diskDefault ?? '2Gi', pattern: BYTES_PATTERN, growOnly: true, description: 'Disk (can grow, never shrink)' },
        ...(q.zone ? { zone: { type: 'string', immutable: true, description: 'Zone' } } : {}),
      }),
      resources: [log, endpoint],
    });
    // Never pruned by Flux, like a stateful object: its removal is still reported once, as an RGD's.
    rgd.definition.metadata.addAnnotation(ANNOTATIONS.fluxPrune, 'disabled');
  }
  // The instances' health check, which the RGD registers when it is there.
  registerHealthCheck(delivery, kroInstanceHealthCheck(PLATFORM_API_VERSION, 'Queue'));
  const instance = (name: string, spec: object) => new ApiObject(delivery, name, {
    apiVersion: PLATFORM_API_VERSION, kind: 'Queue',
    metadata: { name, namespace: 'team-q', annotations: { [ANNOTATIONS.fluxPrune]: 'disabled' } }, spec,
  });
  instance('q-set', { ...(q.explicit ?? { shards: 4, region: 'eu', size: 1, disk: '1Ti' }), ...(q.zone ? { zone: q.zone } : {}) });
  instance('q-default', {});
  return app;
}
const QUEUE_RGD = 'ResourceGraphDefinition/queue.platform.mini-atlas.io';

describe('a made-up kind of the same shape', () => {
  test('a grow-only field shrinking and an immutable field changing are refused, set or inherited from a changed default', () => {
    const out = newOut();
    writeDist(queueApp(), out);
    expect(attempt(() => writeDist(queueApp({ explicit: { shards: 3, region: 'us', size: 1, disk: '1023Gi' }, shardsDefault: 1, regionDefault: 'ap', diskDefault: '1536Mi' }), out))).toBe([
      header(6, out), REFUSED,
      '  - Queue/team-q/q-default: spec.disk can only grow and would shrink from "2Gi" to "1536Mi" (the instance does not set it and the Queue RGD\'s default changes from "2Gi" to "1536Mi"; setting it to "2Gi" on the instance keeps it)',
      '  - Queue/team-q/q-default: spec.region is immutable and would change from "eu" to "ap" (the instance does not set it and the Queue RGD\'s default changes from "eu" to "ap"; setting it to "eu" on the instance keeps it)',
      '  - Queue/team-q/q-default: spec.shards can only grow and would shrink from 2 to 1 (the instance does not set it and the Queue RGD\'s default changes from 2 to 1; setting it to 2 on the instance keeps it)',
      '  - Queue/team-q/q-set: spec.disk can only grow and would shrink from "1Ti" to "1023Gi"',
      '  - Queue/team-q/q-set: spec.region is immutable and would change from "eu" to "us"',
      '  - Queue/team-q/q-set: spec.shards can only grow and would shrink from 4 to 3',
      fix('Queue/team-q/q-default', 'Queue/team-q/q-set'),
    ].join('\n'));
    // Growing, a field without a rule, a changed default the instances do not inherit, and a first value for
    // an immutable field that had none (a transition rule needs a value before and after) are all fine.
    expect(attempt(() => writeDist(queueApp({ explicit: { shards: 8, region: 'eu', size: 5, disk: '2Ti' }, shardsDefault: 3, diskDefault: '3Gi', zone: 'a' }), out))).toMatchObject({ removed: [] });
  });

  test('a data child renamed, moved to another object or made conditional, and the RGD removed, need an acknowledgement; a plain child does not', () => {
    const out = newOut();
    writeDist(queueApp(), out);
    expect(attempt(() => writeDist(queueApp({ logId: 'journal' }), out))).toBe([
      header(1, out), LOSING,
      `  - ${QUEUE_RGD}#log: resource "log" (KafkaTopic) holds data and would leave the graph (renamed or removed): KRO deletes it from every Queue instance, and with it ${TOPIC_GONE}`,
      acknowledge(`${QUEUE_RGD}#log`),
    ].join('\n'));
    expect(attempt(() => writeDist(queueApp({ logWhen: ['${schema.spec.size > 1}'] }), out))).toBe([
      header(1, out), LOSING,
      `  - ${QUEUE_RGD}#log: resource "log" (KafkaTopic) holds data and would exist only when \${schema.spec.size > 1}: KRO deletes it from every Queue instance where that is false, and with it ${TOPIC_GONE}`,
      acknowledge(`${QUEUE_RGD}#log`),
    ].join('\n'));
    expect(attempt(() => writeDist(queueApp({ logNamespace: 'events' }), out))).toBe([
      header(1, out), LOSING,
      `  - ${QUEUE_RGD}#log: resource "log" (KafkaTopic) holds data and would become another object (KafkaTopic kafka/\${schema.metadata.name} → KafkaTopic events/\${schema.metadata.name}): KRO creates the new one empty and deletes the old one from every Queue instance, and with it ${TOPIC_GONE}`,
      acknowledge(`${QUEUE_RGD}#log`),
    ].join('\n'));
    expect(attempt(() => writeDist(queueApp({ withRgd: false }), out))).toBe([
      header(1, out), LOSING,
      `  - ${QUEUE_RGD}: the RGD would be removed: KRO stops managing every Queue instance, and deleting its CRD (KRO does so itself when run with --allow-crd-deletion) deletes every instance and everything they hold`,
      acknowledge(QUEUE_RGD),
    ].join('\n'));
    expect(attempt(() => writeDist(queueApp({ endpointId: 'web' }), out))).toMatchObject({ removed: [] });
    expect(attempt(() => writeDist(queueApp({ logId: 'journal' }), out, { allowRemoval: [`${QUEUE_RGD}#log`] }))).toMatchObject({ removed: [`${QUEUE_RGD}#log`] });
  });
});
