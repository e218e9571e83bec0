/** WebApplicationDefinition: the WebApplication RGD (Deployment, Service, HTTPRoute). */
import { WebApplicationDefinition } from '../../../../lib/foundation/web-application/definition';
import { graphResources, renderConstruct, testWiring } from '../../../helpers/construct';
import { evaluateTemplate } from '../../../helpers/kro-readiness';

const objects = renderConstruct((scope) => { new WebApplicationDefinition(scope.stage, 'web-application', testWiring(scope)); });

test('defaults (the default shared services)', () => {
  expect(objects).toMatchSnapshot();
});

test('WebApplication routes its hostname through the shared Gateway to its Service', () => {
  const { route, service } = graphResources(objects);
  expect(route.template.spec.parentRefs).toEqual([{ name: 'platform', namespace: 'gateway-system', sectionName: 'https' }]);
  expect(route.template.spec.hostnames).toEqual(['${schema.spec.hostname}']);
  expect(route.template.spec.rules[0].backendRefs[0]).toEqual({ name: '${service.metadata.name}', port: service.template.spec.ports[0].port });
});

describe('the container environment: one CEL list, each variable only with a value (issue 13)', () => {
  const { deployment } = graphResources(objects);
  const env = deployment.template.spec.template.spec.containers[0].env as string;
  const instance = (spec: Record<string, unknown>, namespace = 'team-a') => ({
    metadata: { name: 'team-a-web', namespace },
    spec: { image: 'ghcr.io/acme/web:1.0.0', hostname: 'web.localtest.me', replicas: 1, port: 8080, healthPath: '/', resources: { cpu: '250m', memory: '256Mi' }, database: '', topic: '', env: [], secretEnv: [], configMapEnv: [], ...spec },
  });
  const cacheService = (name: string, namespace: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace } });
  const cluster = (name: string, namespace: string) => ({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name, namespace } });
  const DATABASE_VARS = ['DATABASE_SECRET_NAME', 'DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME', 'DATABASE_USER', 'DATABASE_PASSWORD', 'DATABASE_URI'];
  const names = (result: unknown): string[] => (result as { name: string }[]).map((e) => e.name);

  test('is one expression, and the RGD reads every cache Service and every PostgreSQL Cluster as a collection', () => {
    expect(env).toMatch(/^\$\{\[\{"name": "PORT"/);
    expect(graphResources(objects).caches).toEqual({
      id: 'caches',
      externalRef: { apiVersion: 'v1', kind: 'Service', metadata: { selector: { matchLabels: { 'app.kubernetes.io/component': 'cache', 'app.kubernetes.io/name': 'valkey' } } } },
    });
    expect(graphResources(objects).databases).toEqual({
      id: 'databases',
      externalRef: {
        apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster',
        metadata: { selector: { matchLabels: { 'app.kubernetes.io/component': 'database', 'app.kubernetes.io/name': 'postgresql' } } },
      },
    });
  });

  test('team-a\'s app (database with its cache Service, topic): every variable, with its value', () => {
    const result = evaluateTemplate(env, {
      schema: instance({ database: 'team-a-db', topic: 'team-a-orders' }),
      caches: [cacheService('team-a-db-cache', 'team-a')],
      databases: [cluster('team-a-db', 'team-a')],
    });
    expect(result).toEqual([
      { name: 'PORT', value: '8080' },
      { name: 'DATABASE_SECRET_NAME', value: 'team-a-db-app' },
      { name: 'DATABASE_HOST', value: 'team-a-db-rw.team-a.svc' },
      { name: 'DATABASE_PORT', valueFrom: { secretKeyRef: { name: 'team-a-db-app', key: 'port' } } },
      { name: 'DATABASE_NAME', valueFrom: { secretKeyRef: { name: 'team-a-db-app', key: 'dbname' } } },
      { name: 'DATABASE_USER', valueFrom: { secretKeyRef: { name: 'team-a-db-app', key: 'username' } } },
      { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'team-a-db-app', key: 'password' } } },
      { name: 'DATABASE_URI', valueFrom: { secretKeyRef: { name: 'team-a-db-app', key: 'uri' } } },
      { name: 'CACHE_HOST', value: 'team-a-db-cache.team-a.svc' },
      { name: 'CACHE_PASSWORD', valueFrom: { secretKeyRef: { name: 'team-a-db-cache-auth', key: 'password' } } },
      { name: 'KAFKA_BOOTSTRAP_SERVERS', value: 'shared-kafka-bootstrap.kafka.svc:9093' },
      { name: 'KAFKA_SECURITY_PROTOCOL', value: 'SASL_SSL' },
      { name: 'KAFKA_SASL_MECHANISM', value: 'SCRAM-SHA-512' },
      // The workspace's own Kafka user, from the copies the kafka-credentials policy keeps in the workspace.
      { name: 'KAFKA_USERNAME', value: 'team-a' },
      { name: 'KAFKA_PASSWORD', valueFrom: { secretKeyRef: { name: 'kafka-credentials', key: 'password' } } },
      { name: 'KAFKA_SASL_JAAS_CONFIG', valueFrom: { secretKeyRef: { name: 'kafka-credentials', key: 'sasl.jaas.config' } } },
      { name: 'KAFKA_CA_CERT', valueFrom: { secretKeyRef: { name: 'kafka-cluster-ca', key: 'ca.crt' } } },
      { name: 'KAFKA_TOPIC', value: 'team-a.team-a-orders' },
      { name: 'KAFKA_GROUP_PREFIX', value: 'team-a.' },
    ]);
  });

  test('an app with no database and no topic gets PORT only (no empty DATABASE_* or KAFKA_*)', () => {
    expect(evaluateTemplate(env, { schema: instance({}), caches: [cacheService('team-a-db-cache', 'team-a')], databases: [cluster('team-a-db', 'team-a')] }))
      .toEqual([{ name: 'PORT', value: '8080' }]);
  });

  test('an app wired to an Infrastructure with its cache disabled (no cache Service) gets no CACHE_*', () => {
    expect(names(evaluateTemplate(env, { schema: instance({ database: 'team-a-db' }), caches: [], databases: [cluster('team-a-db', 'team-a')] })))
      .toEqual(['PORT', ...DATABASE_VARS]);
  });

  test('an app wired to a cache-only Infrastructure (no Cluster) gets CACHE_* and no DATABASE_*', () => {
    expect(names(evaluateTemplate(env, {
      schema: instance({ database: 'team-a-sessions' }),
      caches: [cacheService('team-a-sessions-cache', 'team-a')],
      databases: [cluster('team-a-db', 'team-a'), cluster('team-a-sessions', 'team-b')],
    }))).toEqual(['PORT', 'CACHE_HOST', 'CACHE_PASSWORD']);
  });

  test('a made-up app: topic only, and a cache of the same name in another workspace does not count', () => {
    expect(names(evaluateTemplate(env, {
      schema: instance({ database: 'team-b-store', topic: 'team-b-events' }, 'team-b'),
      caches: [cacheService('team-b-store-cache', 'team-c'), cacheService('team-b-other-cache', 'team-b')],
      databases: [cluster('team-b-store', 'team-b')],
    }))).toEqual([
      'PORT', ...DATABASE_VARS, 'KAFKA_BOOTSTRAP_SERVERS', 'KAFKA_SECURITY_PROTOCOL', 'KAFKA_SASL_MECHANISM',
      'KAFKA_USERNAME', 'KAFKA_PASSWORD', 'KAFKA_SASL_JAAS_CONFIG', 'KAFKA_CA_CERT', 'KAFKA_TOPIC', 'KAFKA_GROUP_PREFIX',
    ]);
  });

  test('a team\'s variables follow the platform\'s, in the order env, secretEnv, configMapEnv (issue 18)', () => {
    expect(evaluateTemplate(env, {
      schema: instance({
        env: [{ name: 'LOG_LEVEL', value: 'info' }],
        secretEnv: [{ name: 'PAYMENT_KEY', secret: 'payments-provider', key: 'api-key' }],
        configMapEnv: [{ name: 'FLAGS', configMap: 'flags', key: 'flags.json' }],
      }),
      caches: [],
    })).toEqual([
      { name: 'PORT', value: '8080' },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'PAYMENT_KEY', valueFrom: { secretKeyRef: { name: 'payments-provider', key: 'api-key' } } },
      { name: 'FLAGS', valueFrom: { configMapKeyRef: { name: 'flags', key: 'flags.json' } } },
    ]);
  });
});

describe('scaling: replicas, autoscaler and disruption budget (issue 18)', () => {
  const r = graphResources(objects);
  const scaled = '${schema.spec.autoscaling.enabled}';

  test('exactly one of the two Deployments is included; the autoscaled one has no replicas, otherwise they are equal', () => {
    expect([r.deployment.includeWhen, r.autoscaledDeployment.includeWhen]).toEqual([['${!schema.spec.autoscaling.enabled}'], [scaled]]);
    expect(r.deployment.template.spec.replicas).toBe('${schema.spec.replicas}');
    expect('replicas' in r.autoscaledDeployment.template.spec).toBe(false);
    const rest = Object.fromEntries(Object.entries(r.deployment.template.spec).filter(([k]) => k !== 'replicas'));
    expect(r.autoscaledDeployment.template).toEqual({ ...r.deployment.template, spec: rest });
  });

  test('the autoscaler targets the Deployment by name, on CPU utilisation of the request', () => {
    expect(r.autoscaler.includeWhen).toEqual([scaled]);
    expect(r.autoscaler.template).toEqual({
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler',
      metadata: { name: '${schema.metadata.name}', namespace: '${schema.metadata.namespace}', labels: r.deployment.template.metadata.labels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: '${schema.metadata.name}' },
        minReplicas: '${schema.spec.autoscaling.minReplicas}',
        maxReplicas: '${schema.spec.autoscaling.maxReplicas}',
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: '${schema.spec.autoscaling.cpuUtilization}' } } }],
      },
    });
  });

  test('the disruption budget (one pod at a time, the app\'s pods) exists exactly when more than one pod can run', () => {
    expect(r.disruptionBudget.template.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: r.deployment.template.spec.selector.matchLabels } });
    const [when] = r.disruptionBudget.includeWhen as string[];
    const include = (spec: object) => evaluateTemplate(when!, { schema: { spec } });
    expect([
      include({ replicas: 1, autoscaling: { enabled: false, maxReplicas: 3 } }),
      include({ replicas: 0, autoscaling: { enabled: false, maxReplicas: 3 } }),
      include({ replicas: 2, autoscaling: { enabled: false, maxReplicas: 1 } }),
      include({ replicas: 1, autoscaling: { enabled: true, maxReplicas: 3 } }),
      include({ replicas: 5, autoscaling: { enabled: true, maxReplicas: 1 } }),
    ]).toEqual([false, false, true, true, false]);
  });

  test('probes: readinessPath and livenessPath each fall back to healthPath', () => {
    const c = r.deployment.template.spec.template.spec.containers[0];
    const path = (probe: string, spec: object) => evaluateTemplate(c[probe].httpGet.path, { schema: { spec: { healthPath: '/health', readinessPath: '', livenessPath: '', ...spec } } });
    expect([
      path('readinessProbe', {}), path('livenessProbe', {}), path('readinessProbe', { readinessPath: '/readyz' }), path('livenessProbe', { readinessPath: '/readyz' }),
      path('livenessProbe', { livenessPath: '/livez' }),
    ]).toEqual(['/health', '/health', '/readyz', '/health', '/livez']);
  });

  test('command and args are the spec\'s lists', () => {
    const c = r.deployment.template.spec.template.spec.containers[0];
    expect([c.command, c.args]).toEqual(['${schema.spec.command}', '${schema.spec.args}']);
  });
});

test("the shared Gateway (Cilium's ingress identity) reaches exactly this app's pods, on the app's HTTP port only", () => {
  const { gatewayAccess, deployment } = graphResources(objects);
  expect(gatewayAccess.template.kind).toBe('CiliumNetworkPolicy');
  expect(gatewayAccess.template.metadata.name).toBe('${schema.metadata.name + "-gateway"}');
  // The same labels the Deployment's pods carry, so the policy selects those pods and no other.
  expect(gatewayAccess.template.spec.endpointSelector).toEqual({ matchLabels: deployment.template.spec.selector.matchLabels });
  expect(gatewayAccess.template.spec.ingress).toEqual([{
    fromEntities: ['ingress'],
    toPorts: [{ ports: [{ port: '${string(schema.spec.port)}', protocol: 'TCP' }] }],
  }]);
  expect(gatewayAccess.template.spec.egress).toBeUndefined();
});
