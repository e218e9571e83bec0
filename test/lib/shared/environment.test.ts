/** The environment profile changes sizes without touching tenant code. */
import { App, Chart } from 'cdk8s';
import { CoreChart, DeliveryChart, EnvironmentProfile, FluxStage, FoundationChart, LOCAL, PRODUCTION, profileProblems, renderApp, SharedKafka, Topic, Workspace } from '../../../lib';
import { issues } from '../../helpers/issues';
import { Json, find, ofKind, PRODUCTION_CLUSTER, render } from '../../helpers/platform';

test('production: 3 Kafka nodes with replication 3 / min ISR 2, 3 Postgres instances, bigger quotas', () => {
  const local = render();
  const prod = render({ environment: PRODUCTION_CLUSTER });
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

/** A profile a consumer writes: not one of the built-ins. */
const STAGING: EnvironmentProfile = {
  name: 'staging',
  kafka: { nodes: 2, replicationFactor: 2, minInSyncReplicas: 1, storage: '10Gi', cpuRequest: '500m', memoryLimit: '2Gi' },
  postgres: { instances: 2, storage: '5Gi' },
  topicReplicas: 2,
  storage: { provisioner: 'pd.csi.storage.gke.io', parameters: { type: 'pd-ssd' } },
  workspaceQuota: {
    cpu: '8', memory: '16Gi', storage: '50Gi', pods: 80, defaultContainerCpu: '300m', defaultContainerMemory: '384Mi',
  },
};

test('a consumer-defined profile reaches the Kafka node pool, the workspace quota and the instance defaults', () => {
  const files = render({ environment: STAGING });
  const pool = ofKind(files, 'KafkaNodePool')[0] as Json;
  expect(pool.spec.replicas).toBe(2);
  expect(pool.spec.storage.size).toBe('10Gi');
  expect(pool.spec.resources).toEqual({ requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '2Gi' } });
  expect((ofKind(files, 'Kafka')[0] as Json).spec.kafka.config).toMatchObject({
    'default.replication.factor': 2, 'min.insync.replicas': 1, 'transaction.state.log.min.isr': 1,
  });
  expect((find(files, 'Workspace', 'team-a') as Json).spec.quota).toEqual({
    cpu: '8', memory: '16Gi', storage: '50Gi', pods: 80, defaultContainerCpu: '300m', defaultContainerMemory: '384Mi',
  });
  expect((find(files, 'Topic', 'team-a-orders') as Json).spec.replicas).toBe(2);
  expect((find(files, 'Infrastructure', 'team-a-db') as Json).spec.postgres).toEqual({
    instances: 2, storage: '5Gi', database: 'orders', owner: 'orders_app',
  });
});

test('standalone constructs take the profile as a prop, LOCAL by default; Topic takes its workspace\'s', () => {
  const app = new App();
  const stage = new FluxStage(new Chart(app, 'c'), 's', { path: 's' });
  const kafka = (id: string, environment?: EnvironmentProfile) =>
    (new SharedKafka(stage, id, { name: id, namespace: id, environment }).node.findChild('pool') as Json).toJson().spec.replicas;
  expect([kafka('a'), kafka('b', STAGING)]).toEqual([LOCAL.kafka.nodes, 2]);
  const plain = new Workspace(stage, 'team-x', { team: 'x' });
  const staged = new Workspace(stage, 'team-y', { team: 'y', environment: STAGING });
  expect([plain.environment, staged.environment]).toEqual([LOCAL, STAGING]);
  const replicas = (ws: Workspace) => (new Topic(ws, 't').apiObject.toJson() as Json).spec.replicas;
  expect([replicas(plain), replicas(staged)]).toEqual([1, 2]);
});

/** Every `default=` of an RGD's schema, by dotted field path (the marker's text after `default=`). */
function rgdDefaults(files: ReturnType<typeof render>, kind: string): Record<string, string> {
  const rgd = ofKind(files, 'ResourceGraphDefinition').find((r) => (r as Json).spec.schema.kind === kind) as Json;
  const out: Record<string, string> = {};
  const walk = (schema: Json, prefix: string) => {
    for (const [name, v] of Object.entries(schema)) {
      if (typeof v === 'string') {
        const m = /default=("[^"]*"|\S+)/.exec(v);
        if (m) out[prefix + name] = m[1];
      } else walk(v, `${prefix}${name}.`);
    }
  };
  walk(rgd.spec.schema.spec, '');
  return out;
}

/** The profile-dependent defaults of the three sized RGDs, as the RGD markers spell them. */
const profileDefaults = (files: ReturnType<typeof render>) => ({
  topicReplicas: rgdDefaults(files, 'Topic').replicas,
  quota: Object.fromEntries(Object.entries(rgdDefaults(files, 'Workspace')).filter(([k]) => k.startsWith('quota.'))),
  postgres: [rgdDefaults(files, 'Infrastructure')['postgres.instances'], rgdDefaults(files, 'Infrastructure')['postgres.storage']],
});

test('the RGD schema defaults follow the profile in force: production', () => {
  expect(profileDefaults(render({ environment: PRODUCTION_CLUSTER }))).toEqual({
    topicReplicas: '3',
    quota: {
      'quota.cpu': '"32"', 'quota.memory': '"64Gi"', 'quota.storage': '"500Gi"', 'quota.pods': '200',
      'quota.defaultContainerCpu': '"500m"', 'quota.defaultContainerMemory': '"512Mi"',
      // The Kafka limits are the same in every profile (KAFKA_QUOTA_DEFAULTS).
      'quota.topics': '10', 'quota.kafkaProducerBytesPerSecond': '1048576', 'quota.kafkaConsumerBytesPerSecond': '2097152',
    },
    postgres: ['3', '"20Gi"'],
  });
  // The local profile keeps today's laptop sizes.
  expect(profileDefaults(render())).toEqual({
    topicReplicas: '1',
    quota: {
      'quota.cpu': '"4"', 'quota.memory': '"8Gi"', 'quota.storage': '"20Gi"', 'quota.pods': '40',
      'quota.defaultContainerCpu': '"250m"', 'quota.defaultContainerMemory': '"256Mi"',
      // The Kafka limits are the same in every profile (KAFKA_QUOTA_DEFAULTS).
      'quota.topics': '10', 'quota.kafkaProducerBytesPerSecond': '1048576', 'quota.kafkaConsumerBytesPerSecond': '2097152',
    },
    postgres: ['1', '"1Gi"'],
  });
});

test('the RGD schema defaults follow a consumer-defined profile; no other default depends on the profile', () => {
  const staged = render({ environment: STAGING });
  expect(profileDefaults(staged)).toEqual({
    topicReplicas: '2',
    quota: {
      'quota.cpu': '"8"', 'quota.memory': '"16Gi"', 'quota.storage': '"50Gi"', 'quota.pods': '80',
      'quota.defaultContainerCpu': '"300m"', 'quota.defaultContainerMemory': '"384Mi"',
      // The Kafka limits are the same in every profile (KAFKA_QUOTA_DEFAULTS).
      'quota.topics': '10', 'quota.kafkaProducerBytesPerSecond': '1048576', 'quota.kafkaConsumerBytesPerSecond': '2097152',
    },
    postgres: ['2', '"5Gi"'],
  });
  // Every other default is the same in every profile: the nine above are all that the profile sizes.
  const local = render();
  const changed = ['Workspace', 'WebApplication', 'Infrastructure', 'Topic'].flatMap((kind) => {
    const [a, b] = [rgdDefaults(local, kind), rgdDefaults(staged, kind)];
    return Object.keys(a).filter((k) => a[k] !== b[k]).map((k) => `${kind}.${k}`);
  });
  expect(changed).toEqual([
    'Workspace.quota.cpu', 'Workspace.quota.defaultContainerCpu', 'Workspace.quota.defaultContainerMemory',
    'Workspace.quota.memory', 'Workspace.quota.pods', 'Workspace.quota.storage',
    'Infrastructure.postgres.instances', 'Infrastructure.postgres.storage', 'Topic.replicas',
  ]);
});

test('a FoundationChart takes its Core layer\'s profile, a DeliveryChart its Foundation layer\'s, unless given their own', () => {
  const defaults = (core?: EnvironmentProfile, foundation?: EnvironmentProfile, delivery?: EnvironmentProfile) => {
    const app = new App();
    const c = new CoreChart(app, 'core', { environment: core });
    const f = new FoundationChart(app, 'foundation', { core: c, environment: foundation });
    const d = new DeliveryChart(app, 'delivery', { foundation: f, environment: delivery });
    const ws = d.addWorkspace('team-x', { team: 'x' });
    new Topic(ws, 't');
    const files = renderApp(app);
    return [f.environment.name, rgdDefaults(files, 'Topic').replicas, d.environment.name, (find(files, 'Topic', 'team-x-t') as Json).spec.replicas];
  };
  expect(defaults()).toEqual(['local', '1', 'local', 1]);
  expect(defaults(STAGING)).toEqual(['staging', '2', 'staging', 2]);
  expect(defaults(LOCAL, PRODUCTION)).toEqual(['production', '3', 'production', 3]);
  expect(defaults(LOCAL, LOCAL, STAGING)).toEqual(['local', '1', 'staging', 2]);
});

describe('a profile is checked against itself and against the schemas its values become defaults of', () => {
  test('the built-in profiles are consistent', () => {
    expect([profileProblems(LOCAL), profileProblems(PRODUCTION)]).toEqual([[], []]);
  });

  test('a made-up profile with more replicas than brokers and a min ISR above its replication: every problem, at once', () => {
    const lopsided: EnvironmentProfile = { ...PRODUCTION_CLUSTER, name: 'lopsided', topicReplicas: 3, kafka: { ...PRODUCTION.kafka, nodes: 1, minInSyncReplicas: 5 } };
    expect(issues(() => render({ environment: lopsided, teams: () => undefined })).map((i) => [i.path, i.field, i.value, i.rule, i.fix])).toEqual([
      ['core', 'environment.topicReplicas', '3', "is more than the profile's 1 Kafka broker (kafka.nodes): Kafka cannot place the replicas", 'fix the environment profile "lopsided"'],
      ['core', 'environment.kafka.replicationFactor', '3', "is more than the profile's 1 Kafka broker (kafka.nodes): Kafka cannot place the replicas", 'fix the environment profile "lopsided"'],
      ['core', 'environment.kafka.minInSyncReplicas', '5', 'is more than kafka.replicationFactor (3): every write with acks=all would be refused', 'fix the environment profile "lopsided"'],
    ]);
  });

  test('profile values that break the RGD fields they default: each reported on its RGD, naming the default', () => {
    const oversized: EnvironmentProfile = {
      ...PRODUCTION_CLUSTER, name: 'oversized', kafka: { ...PRODUCTION.kafka, nodes: 5, replicationFactor: 5 }, topicReplicas: 5,
      postgres: { ...PRODUCTION.postgres, instances: 9 }, workspaceQuota: { ...PRODUCTION.workspaceQuota, cpu: 'many' },
    };
    const rule = "the field's own constraint: the API server would refuse the RGD's CRD";
    expect(issues(() => render({ environment: oversized, teams: () => undefined })).map((i) => [i.path, i.field, i.value, i.rule])).toEqual([
      ['foundation/foundation/workspace', 'schema.spec.quota.cpu.default', '"many"', `must match a CPU quantity such as 4 or 500m, ${rule}`],
      ['foundation/foundation/infrastructure', 'schema.spec.postgres.instances.default', '9', `must be between 1 and 5, ${rule}`],
      ['foundation/foundation/topic', 'schema.spec.replicas.default', '5', `must be between 1 and 3, ${rule}`],
    ]);
  });

  test('a profile value below one', () => {
    expect(profileProblems({ ...LOCAL, name: 'zero', topicReplicas: 0 })).toEqual([{ field: 'topicReplicas', value: '0', rule: 'must be a whole number of at least 1' }]);
  });
});

describe('storage: the retained StorageClass takes its provisioner from the profile or CoreChartProps.storage', () => {
  const storageClass = (files: ReturnType<typeof render>) => ofKind(files, 'StorageClass')[0];
  test('LOCAL: Kind\'s local-path; a consumer profile: its own provisioner and parameters', () => {
    expect(storageClass(render())).toMatchObject({ metadata: { name: 'retained' }, provisioner: 'rancher.io/local-path' });
    expect(storageClass(render({ environment: STAGING }))).toMatchObject({ provisioner: 'pd.csi.storage.gke.io', parameters: { type: 'pd-ssd' } });
  });
  test('CoreChartProps.storage overrides the profile\'s, including the class name the databases and brokers use', () => {
    const files = render({ core: { storage: { name: 'keep', provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3' } } } });
    expect(storageClass(files)).toMatchObject({ metadata: { name: 'keep' }, provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3' } });
    expect((ofKind(files, 'KafkaNodePool')[0] as Json).spec.storage.class).toBe('keep');
    // Another provisioner does not inherit the profile's parameters.
    expect(storageClass(render({ environment: STAGING, core: { storage: { provisioner: 'ebs.csi.aws.com' } } })).parameters).toBeUndefined();
  });
  test('PRODUCTION names no provisioner: synth refuses rather than default to Kind\'s', () => {
    expect(issues(() => render({ environment: PRODUCTION, teams: () => undefined })).map((i) => [i.path, i.field, i.value, i.rule, i.fix])).toEqual([[
      'core', 'storage.provisioner', 'undefined',
      'is unset, and the environment profile "production" names no storage provisioner: the retained StorageClass needs the provisioner of this cluster\'s volumes',
      "set CoreChartProps.storage.provisioner (buildPlatform({ core: { storage: { provisioner: 'ebs.csi.aws.com' } } })) or the profile's storage.provisioner",
    ]]);
  });
  test('a provisioner that is not a qualified name', () => {
    expect(issues(() => render({ core: { storage: { provisioner: 'EBS CSI' } }, teams: () => undefined })).map((i) => [i.path, i.field, i.value, i.rule])).toEqual([[
      'core/operators/retained-storage', 'provisioner', '"EBS CSI"', 'is not a provisioner name (a qualified name such as ebs.csi.aws.com or rancher.io/local-path)',
    ]]);
  });
});
