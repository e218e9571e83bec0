/**
 * Issue 11 item 4: an instance is Ready only when its children are. Every RGD resource gets the `readyWhen`
 * of its kind from CHILD_READINESS; a kind missing from the table fails synth; the conditions are evaluated
 * (as KRO evaluates them) against fixture statuses.
 */
import { App, Chart } from 'cdk8s';
import * as k8s from '../../../imports/k8s';
import {
  CHILD_READINESS, collectIssues, fields, NOT_AWAITED_ANNOTATION, readinessOf, ResourceGraph, ValidationIssue,
} from '../../../lib';
import { evaluateReadyWhen } from '../../helpers/kro-readiness';
import { Json, ofKind, render, rgdResources } from '../../helpers/platform';

const DEPLOYMENT = (d: string): string[] => [
  `\${has(${d}.status) && has(${d}.status.observedGeneration) && ${d}.status.observedGeneration >= ${d}.metadata.generation}`,
  `\${has(${d}.status) && (has(${d}.status.updatedReplicas) ? ${d}.status.updatedReplicas : 0) >= ${d}.spec.replicas}`,
  `\${has(${d}.status) && (has(${d}.status.replicas) ? ${d}.status.replicas : 0) <= (has(${d}.status.updatedReplicas) ? ${d}.status.updatedReplicas : 0)}`,
  `\${has(${d}.status) && (has(${d}.status.availableReplicas) ? ${d}.status.availableReplicas : 0) >= (has(${d}.status.updatedReplicas) ? ${d}.status.updatedReplicas : 0)}`,
];
const CLUSTER = [
  '${has(database.status) && has(database.status.conditions) && database.status.conditions.exists(c, c.type == "Ready" && c.status == "True")}',
  '${has(database.status) && (has(database.status.readyInstances) ? database.status.readyInstances : 0) == database.spec.instances}',
];
const KAFKA_TOPIC = [
  '${has(topic.status) && has(topic.status.observedGeneration) && topic.status.observedGeneration >= topic.metadata.generation}',
  '${has(topic.status) && has(topic.status.conditions) && topic.status.conditions.exists(c, c.type == "Ready" && c.status == "True")}',
];
const DATABASE = (d: string): string[] => [
  `\${has(${d}.status) && has(${d}.status.observedGeneration) && ${d}.status.observedGeneration >= ${d}.metadata.generation}`,
  `\${has(${d}.status) && has(${d}.status.applied) && ${d}.status.applied == true}`,
];
const KAFKA_USER = [
  '${has(kafkaUser.status) && has(kafkaUser.status.observedGeneration) && kafkaUser.status.observedGeneration >= kafkaUser.metadata.generation}',
  '${has(kafkaUser.status) && has(kafkaUser.status.conditions) && kafkaUser.status.conditions.exists(c, c.type == "Ready" && c.status == "True")}',
];
const NAMESPACE = ['${has(workspaceNamespace.status) && has(workspaceNamespace.status.phase) && workspaceNamespace.status.phase == "Active"}'];
const QUOTA = ['${has(quota.spec.hard) ? quota.spec.hard.all(k, has(quota.status) && has(quota.status.used) && k in quota.status.used) : true}'];
/** Why a Workspace does not wait for its KafkaUser, as the RGD's template carries it. */
const KAFKA_USER_REASON = 'a Kafka or User Operator outage must not hold a workspace that has no Topics, nor Flux\'s delivery-workspaces stage ' +
  'and every team after it; the Topics that use Kafka wait for their own KafkaTopic';

const files = render();
const readyWhenOf = (kind: string): Record<string, unknown> =>
  Object.fromEntries(Object.entries(rgdResources(files, kind)).map(([id, r]) => [id, (r as Json).readyWhen]));

describe('today\'s RGDs: every child with a readiness signal has its kind\'s readyWhen', () => {
  test('WebApplication', () => {
    expect(readyWhenOf('WebApplication')).toEqual({
      caches: undefined, deployment: DEPLOYMENT('deployment'), autoscaledDeployment: DEPLOYMENT('autoscaledDeployment'), autoscaler: undefined,
      disruptionBudget: undefined, service: undefined, gatewayAccess: undefined, route: undefined,
    });
  });
  test('Workload: a worker rolled out, a job complete, a cron job once it exists', () => {
    expect(readyWhenOf('Workload')).toEqual({
      caches: undefined, worker: DEPLOYMENT('worker'),
      job: ['${has(job.status) && has(job.status.conditions) && job.status.conditions.exists(c, c.type == "Complete" && c.status == "True")}'],
      cron: undefined,
    });
  });
  test('Infrastructure', () => {
    // `databases` is a collection: KRO binds each of its objects to `each` in readyWhen.
    expect(readyWhenOf('Infrastructure')).toEqual({
      database: CLUSTER, bootstrapDatabase: DATABASE('bootstrapDatabase'), databases: DATABASE('each'), cacheService: undefined, cache: DEPLOYMENT('cache'),
    });
  });
  test('Topic', () => {
    expect(readyWhenOf('Topic')).toEqual({ topic: KAFKA_TOPIC });
  });
  test('Workspace', () => {
    expect(readyWhenOf('Workspace')).toEqual({
      workspaceNamespace: NAMESPACE, isolation: undefined, postgresApiAccess: undefined, quota: QUOTA, limits: undefined, kafkaUser: undefined,
    });
    // toEqual ignores undefined properties: the ids themselves, in order.
    expect(Object.keys(readyWhenOf('Workspace'))).toEqual([
      'workspaceNamespace', 'isolation', 'egress', 'postgresApiAccess', 'deliveryAccount', 'deliveryBinding', 'developerBinding', 'viewerBinding',
      'stageStatusRole', 'stageStatusBinding', 'quota', 'limits', 'kafkaUser',
    ]);
  });

  test('the one declared exception: the Workspace\'s KafkaUser, whose kind has a signal, is not awaited and carries the reason', () => {
    const annotated = Object.entries(rgdResources(files, 'Workspace')).concat(...['WebApplication', 'Infrastructure', 'Topic'].map((k) => Object.entries(rgdResources(files, k))))
      .filter(([, r]) => (r as Json).template?.metadata?.annotations?.[NOT_AWAITED_ANNOTATION] !== undefined)
      .map(([id, r]) => [id, (r as Json).template.kind, (r as Json).template.metadata.annotations[NOT_AWAITED_ANNOTATION], (r as Json).readyWhen]);
    expect(annotated).toEqual([['kafkaUser', 'KafkaUser', KAFKA_USER_REASON, undefined]]);
    expect('readyWhen' in readinessOf('kafka.strimzi.io/v1', 'KafkaUser')!).toBe(true);
  });

  test('every generated kind shows KRO\'s state and Ready condition first and its age last', () => {
    const columns = Object.fromEntries(ofKind(files, 'ResourceGraphDefinition').map((r) => {
      const schema = (r as Json).spec.schema;
      return [schema.kind, schema.additionalPrinterColumns.map((c: Json) => `${c.name}=${c.jsonPath}`)];
    }));
    const state = ['State=.status.state', 'Ready=.status.conditions[?(@.type=="Ready")].status'];
    const age = 'Age=.metadata.creationTimestamp';
    expect(columns).toEqual({
      Workspace: [...state, 'Team=.spec.team', age],
      WebApplication: [...state, 'Image=.spec.image', 'Replicas=.spec.replicas', 'Available=.status.availableReplicas', 'URL=.status.url', age],
      Workload: [...state, 'Type=.spec.type', 'Image=.spec.image', 'Schedule=.spec.schedule', age],
      Infrastructure: [...state, 'Instances=.spec.postgres.instances', 'Secret=.status.databaseSecret', age],
      Topic: [...state, 'Partitions=.spec.partitions', 'Topic=.status.topicName', age],
    });
  });
});

describe('a made-up graph', () => {
  const SPEC = fields({ image: { type: 'string', description: 'Image' } });

  test('a child of a kind the readiness table does not know fails synth, naming the resource, kind and fix', () => {
    const app = new App();
    new ResourceGraph(new Chart(app, 'made-up'), 'batch', {
      kind: 'NightlyJob',
      fields: SPEC,
      resources: [
        { id: 'job', template: { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'nightly' } } },
        { id: 'widget', template: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } } },
      ],
    });
    const expected: ValidationIssue[] = [
      {
        path: 'made-up/batch', field: 'resources.job.template', value: '"v1 ReplicationController"',
        rule: 'has no readiness rule: its kind is not in CHILD_READINESS (lib/foundation/readiness.ts), so KRO would count it ready as soon as it exists',
        fix: 'add group "" kind "ReplicationController" to CHILD_READINESS, with its readyWhen rule or the reason it reports no readiness',
      },
      {
        path: 'made-up/batch', field: 'resources.widget.template', value: '"example.com/v1 Widget"',
        rule: 'has no readiness rule: its kind is not in CHILD_READINESS (lib/foundation/readiness.ts), so KRO would count it ready as soon as it exists',
        fix: 'add group "example.com" kind "Widget" to CHILD_READINESS, with its readyWhen rule or the reason it reports no readiness',
      },
    ];
    expect(collectIssues(app)).toEqual(expected);
  });

  test('a second Deployment and a Namespace get their kind\'s readiness under their own ids; extra conditions come after', () => {
    const app = new App();
    const graph = new ResourceGraph(new Chart(app, 'made-up'), 'workers', {
      kind: 'Workers',
      fields: SPEC,
      printerColumns: [{ name: 'Image', type: 'string', jsonPath: '.spec.image' }],
      resources: [
        { id: 'scratch', template: k8s.KubeNamespace.manifest({ metadata: { name: 'scratch' } }) },
        { id: 'worker', template: k8s.KubeDeployment.manifest({ metadata: { name: 'worker' }, spec: { selector: {}, template: {} } }) },
        { id: 'svc', template: k8s.KubeService.manifest({ metadata: { name: 'worker' } }), readyWhen: ['${svc.spec.clusterIP != ""}'] },
      ],
    });
    expect(collectIssues(app)).toEqual([]);
    const spec = (graph.definition.toJson() as Json).spec;
    expect(spec.resources.map((r: Json) => [r.id, r.readyWhen])).toEqual([
      ['scratch', ['${has(scratch.status) && has(scratch.status.phase) && scratch.status.phase == "Active"}']],
      ['worker', DEPLOYMENT('worker')],
      ['svc', ['${svc.spec.clusterIP != ""}']],
    ]);
    expect(spec.schema.additionalPrinterColumns.map((c: Json) => c.name)).toEqual(['State', 'Ready', 'Image', 'Age']);
  });
});

describe('a made-up graph with a child not awaited (the declared exception)', () => {
  const SPEC = fields({ image: { type: 'string', description: 'Image' } });
  const user = (name: string): object => ({ apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaUser', metadata: { name, namespace: 'kafka' }, spec: {} });
  const graph = (resources: ConstructorParameters<typeof ResourceGraph>[2]['resources']): { app: App; graph: ResourceGraph } => {
    const app = new App();
    return { app, graph: new ResourceGraph(new Chart(app, 'made-up'), 'users', { kind: 'Users', fields: SPEC, resources }) };
  };

  test('a child of a kind with a signal and no stated reason gets its kind\'s readyWhen: the rule holds', () => {
    const { app, graph: g } = graph([{ id: 'kafkaUser', template: user('plain') }]);
    expect(collectIssues(app)).toEqual([]);
    const [r] = (g.definition.toJson() as Json).spec.resources;
    expect([r.readyWhen, r.template.metadata.annotations]).toEqual([KAFKA_USER, undefined]);
  });

  test('with a stated reason: no readyWhen, and the template carries the reason beside its own annotations', () => {
    const template = { ...user('excepted'), metadata: { name: 'excepted', namespace: 'kafka', annotations: { owner: 'platform' } } };
    const { app, graph: g } = graph([{ id: 'kafkaUser', template, notAwaited: 'the made-up reason' }]);
    expect(collectIssues(app)).toEqual([]);
    const [r] = (g.definition.toJson() as Json).spec.resources;
    expect([r.readyWhen, r.template.metadata.annotations]).toEqual([undefined, { owner: 'platform', [NOT_AWAITED_ANNOTATION]: 'the made-up reason' }]);
  });

  test('a blank reason, a kind without a signal, or readyWhen beside it fails synth, naming resource, rule and fix', () => {
    const { app } = graph([
      { id: 'kafkaUser', template: user('blank'), notAwaited: '  ' },
      { id: 'svc', template: k8s.KubeService.manifest({ metadata: { name: 'svc' } }), notAwaited: 'it is only a Service' },
      { id: 'other', template: user('other'), notAwaited: 'reason', readyWhen: ['${other.metadata.name != ""}'] },
    ]);
    const expected: ValidationIssue[] = [
      {
        path: 'made-up/users', field: 'resources.kafkaUser.notAwaited', value: '"  "',
        rule: 'states no reason: an instance may skip the readiness of a KafkaUser (the User Operator reconciled the current generation (user, ACLs, quotas, Secret) and reports the Ready condition True) only for a stated reason',
        fix: 'say why the instance must not wait for it, or remove notAwaited so the kind\'s readyWhen applies',
      },
      {
        path: 'made-up/users', field: 'resources.svc.notAwaited', value: '"it is only a Service"',
        rule: 'declares Service not awaited, but its kind has no readiness signal to opt out of (CHILD_READINESS: a ClusterIP Service works once it exists; the pods behind it are covered by their Deployment\'s rule)',
        fix: 'remove notAwaited',
      },
      {
        path: 'made-up/users', field: 'resources.other.readyWhen', value: '"${other.metadata.name != \\"\\"}"',
        rule: 'is set beside notAwaited: a resource the instance does not wait for has no readiness conditions',
        fix: 'remove readyWhen, or notAwaited',
      },
    ];
    expect(collectIssues(app)).toEqual(expected);
  });
});

describe('the readiness table', () => {
  test('classifies each kind once, with a readyWhen rule or a reason', () => {
    const keys = CHILD_READINESS.map((r) => `${r.group}/${r.kind}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.fromEntries(CHILD_READINESS.map((r) => [`${r.group}/${r.kind}`, 'readyWhen' in r ? 'readyWhen' : 'none']))).toEqual({
      'apps/Deployment': 'readyWhen',
      'postgresql.cnpg.io/Cluster': 'readyWhen',
      'postgresql.cnpg.io/Database': 'readyWhen',
      'kafka.strimzi.io/KafkaTopic': 'readyWhen',
      'kafka.strimzi.io/KafkaUser': 'readyWhen',
      '/Namespace': 'readyWhen',
      '/Service': 'none',
      '/ResourceQuota': 'readyWhen',
      '/LimitRange': 'none',
      '/ServiceAccount': 'none',
      'rbac.authorization.k8s.io/Role': 'none',
      'rbac.authorization.k8s.io/RoleBinding': 'none',
      'cilium.io/CiliumNetworkPolicy': 'none',
      'gateway.networking.k8s.io/HTTPRoute': 'none',
      'batch/Job': 'readyWhen',
      'batch/CronJob': 'none',
      'autoscaling/HorizontalPodAutoscaler': 'none',
      'policy/PodDisruptionBudget': 'none',
    });
  });
});

describe('Job readiness, evaluated on fixture statuses (a job Workload is Ready once its Job completed)', () => {
  const job = (status?: object): object => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', generation: 1 }, spec: {}, ...(status ? { status } : {}) });
  const [complete] = readyWhenOf('Workload').job as string[];
  test.each([
    ['completed', job({ succeeded: 1, conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }] }), { ready: true }],
    ['running', job({ active: 1 }), { ready: false, failed: complete }],
    ['failed after its retries', job({ failed: 4, conditions: [{ type: 'FailureTarget', status: 'True' }, { type: 'Failed', status: 'True' }] }), { ready: false, failed: complete }],
    ['just created: no status yet', job(), { ready: false, failed: complete }],
  ])('%s', (_case, object, expected) => {
    expect(verdict('Workload', 'job', object)).toEqual(expected);
  });
});

/** KRO's verdict for the rendered readyWhen of resource `id` of `kind`'s RGD. */
function verdict(kind: string, id: string, observed: object): ReturnType<typeof evaluateReadyWhen> {
  const collection = (rgdResources(files, kind)[id] as Json).forEach !== undefined;
  return evaluateReadyWhen(readyWhenOf(kind)[id] as string[], collection ? 'each' : id, observed);
}

describe('Deployment readiness, evaluated on fixture statuses', () => {
  const deployment = (replicas: number, generation: number, status?: object): object =>
    ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', generation }, spec: { replicas }, ...(status ? { status } : {}) });
  const [observed, updated, noOld, available] = DEPLOYMENT('deployment');

  test.each([
    ['rolled out', deployment(2, 2, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 }), { ready: true }],
    ['pods pending: no availableReplicas at all', deployment(2, 2, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, unavailableReplicas: 2 }), { ready: false, failed: available }],
    ['one of two available', deployment(2, 2, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1, unavailableReplicas: 1 }), { ready: false, failed: available }],
    ['scaled to 0 (the controller omits every counter)', deployment(0, 2, { observedGeneration: 2 }), { ready: true }],
    ['stale generation: ready for the previous spec', deployment(3, 3, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }), { ready: false, failed: observed }],
    ['new replicas not created yet', deployment(3, 3, { observedGeneration: 3, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }), { ready: false, failed: updated }],
    ['old replicas still running', deployment(2, 3, { observedGeneration: 3, replicas: 4, updatedReplicas: 2, availableReplicas: 2 }), { ready: false, failed: noOld }],
    ['just created: no status yet', deployment(2, 1), { ready: false, failed: observed }],
  ])('%s', (_case, object, expected) => {
    expect(verdict('WebApplication', 'deployment', object)).toEqual(expected);
  });

  test('the cache Deployment of an Infrastructure follows the same rule under its own id', () => {
    const pending = deployment(1, 1, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, unavailableReplicas: 1 });
    expect(verdict('Infrastructure', 'cache', pending)).toEqual({ ready: false, failed: DEPLOYMENT('cache')[3] });
  });
});

describe('CloudNativePG Cluster readiness, evaluated on fixture statuses', () => {
  const cluster = (instances: number, status?: object): object =>
    ({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'db', generation: 1 }, spec: { instances }, ...(status ? { status } : {}) });
  const readyCondition = (status: 'True' | 'False') => ({ type: 'Ready', status, reason: status === 'True' ? 'ClusterIsReady' : 'ClusterIsNotReady' });

  test.each([
    ['healthy', cluster(1, { phase: 'Cluster in healthy state', instances: 1, readyInstances: 1, conditions: [readyCondition('True')] }), { ready: true }],
    ['setting up the primary', cluster(1, { phase: 'Setting up primary', instances: 1, conditions: [readyCondition('False')] }), { ready: false, failed: CLUSTER[0] }],
    ['Ready still True from before instances went 1 → 2', cluster(2, { phase: 'Cluster in healthy state', instances: 1, readyInstances: 1, conditions: [readyCondition('True')] }), { ready: false, failed: CLUSTER[1] }],
    ['no readyInstances reported', cluster(1, { phase: 'Cluster in healthy state', conditions: [readyCondition('True')] }), { ready: false, failed: CLUSTER[1] }],
    ['no status yet', cluster(1), { ready: false, failed: CLUSTER[0] }],
  ])('%s', (_case, object, expected) => {
    expect(verdict('Infrastructure', 'database', object)).toEqual(expected);
  });
});

describe('CloudNativePG Database readiness, evaluated on fixture statuses (each item of the databases collection)', () => {
  const database = (generation: number, status?: object): object =>
    ({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Database', metadata: { name: 'team-a-db-db-reports', generation }, spec: { name: 'reports' }, ...(status ? { status } : {}) });
  const [observed, applied] = DATABASE('each');

  test.each([
    ['applied', database(1, { observedGeneration: 1, applied: true }), { ready: true }],
    ['an extension failed (applied false with a message)', database(1, { observedGeneration: 1, applied: false, message: 'extension "vector" is not available' }), { ready: false, failed: applied }],
    ['applied for a stale generation (extensions changed)', database(2, { observedGeneration: 1, applied: true }), { ready: false, failed: observed }],
    ['no status yet', database(1), { ready: false, failed: observed }],
  ])('%s', (_case, object, expected) => {
    expect(verdict('Infrastructure', 'databases', object)).toEqual(expected);
  });
});

describe('KafkaTopic readiness, evaluated on fixture statuses', () => {
  const topic = (generation: number, status?: object): object =>
    ({ apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: { name: 'team-a.orders', generation }, spec: { partitions: 3 }, ...(status ? { status } : {}) });

  test.each([
    ['ready', topic(1, { observedGeneration: 1, topicName: 'team-a.orders', conditions: [{ type: 'Ready', status: 'True' }] }), { ready: true }],
    ['not ready (Strimzi reports a NotReady condition)', topic(1, { observedGeneration: 1, conditions: [{ type: 'NotReady', status: 'True', reason: 'KafkaError' }] }), { ready: false, failed: KAFKA_TOPIC[1] }],
    ['Ready for a stale generation', topic(2, { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] }), { ready: false, failed: KAFKA_TOPIC[0] }],
    ['no status yet', topic(1), { ready: false, failed: KAFKA_TOPIC[0] }],
  ])('%s', (_case, object, expected) => {
    expect(verdict('Topic', 'topic', object)).toEqual(expected);
  });
});

describe('KafkaUser readiness, evaluated on fixture statuses', () => {
  const user = (generation: number, status?: object): object =>
    ({ apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaUser', metadata: { name: 'team-a', generation }, spec: {}, ...(status ? { status } : {}) });

  test.each([
    ['ready', user(1, { observedGeneration: 1, username: 'team-a', secret: 'kafka-user-team-a', conditions: [{ type: 'Ready', status: 'True' }] }), { ready: true }],
    ['not ready (Strimzi reports a NotReady condition)', user(1, { observedGeneration: 1, conditions: [{ type: 'NotReady', status: 'True', reason: 'KafkaError' }] }), { ready: false, failed: KAFKA_USER[1] }],
    ['Ready for a stale generation (ACLs changed, not yet applied)', user(2, { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] }), { ready: false, failed: KAFKA_USER[0] }],
    ['no status yet', user(1), { ready: false, failed: KAFKA_USER[0] }],
  ])('%s', (_case, object, expected) => {
    // The kind's rule (the Workspace does not await its KafkaUser; a graph that does gets exactly this).
    const entry = readinessOf('kafka.strimzi.io/v1', 'KafkaUser');
    const rule = entry && 'readyWhen' in entry ? entry.readyWhen('kafkaUser').map((c) => `\${${c}}`) : [];
    expect(rule).toEqual(KAFKA_USER);
    expect(evaluateReadyWhen(rule, 'kafkaUser', object)).toEqual(expected);
  });
});

describe('ResourceQuota readiness (every spec.hard key in status.used), evaluated on fixture statuses', () => {
  const TOPICS = 'count/topics.platform.mini-atlas.io';
  const hard = { pods: '40', 'limits.cpu': '8', [TOPICS]: '10' };
  const quota = (status?: object): object =>
    ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'workspace-quota', namespace: 'team-a' }, spec: { hard }, ...(status ? { status } : {}) });

  test.each([
    ['every limited resource counted', quota({ hard, used: { pods: '3', 'limits.cpu': '1', [TOPICS]: '0' } }), { ready: true }],
    ['Topics not counted yet (the Topic CRD not yet discovered): the API server refuses every Topic', quota({ hard, used: { pods: '3', 'limits.cpu': '1' } }), { ready: false, failed: QUOTA[0] }],
    ['status not written yet', quota(), { ready: false, failed: QUOTA[0] }],
    ['no spec.hard: nothing limited', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: {} }, { ready: true }],
  ])('%s', (_case, object, expected) => {
    expect(verdict('Workspace', 'quota', object)).toEqual(expected);
  });
});

describe('Namespace readiness, evaluated on fixture statuses', () => {
  const ns = (status?: object): object => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' }, ...(status ? { status } : {}) });

  test.each([
    ['Active', ns({ phase: 'Active' }), { ready: true }],
    ['Terminating', ns({ phase: 'Terminating' }), { ready: false, failed: NAMESPACE[0] }],
    ['no status', ns(), { ready: false, failed: NAMESPACE[0] }],
  ])('%s', (_case, object, expected) => {
    expect(verdict('Workspace', 'workspaceNamespace', object)).toEqual(expected);
  });
});
