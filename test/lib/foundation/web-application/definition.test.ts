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
  expect(route.template.spec.parentRefs).toEqual([{ name: 'platform', namespace: 'gateway-system', sectionName: 'http' }]);
  expect(route.template.spec.hostnames).toEqual(['${schema.spec.hostname}']);
  expect(route.template.spec.rules[0].backendRefs[0]).toEqual({ name: '${service.metadata.name}', port: service.template.spec.ports[0].port });
});

describe('the container environment: one CEL list, each variable only with a value (issue 13)', () => {
  const { deployment } = graphResources(objects);
  const env = deployment.template.spec.template.spec.containers[0].env as string;
  const instance = (spec: Record<string, unknown>, namespace = 'team-a') => ({
    metadata: { name: 'team-a-web', namespace },
    spec: { image: 'ghcr.io/acme/web:1.0.0', hostname: 'web.localtest.me', replicas: 1, port: 8080, healthPath: '/', resources: { cpu: '250m', memory: '256Mi' }, database: '', topic: '', ...spec },
  });
  const cacheService = (name: string, namespace: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace } });
  const names = (result: unknown): string[] => (result as { name: string }[]).map((e) => e.name);

  test('is one expression, and the RGD reads every cache Service as a collection', () => {
    expect(env).toMatch(/^\$\{\[\{"name": "PORT"/);
    expect(graphResources(objects).caches).toEqual({
      id: 'caches',
      externalRef: { apiVersion: 'v1', kind: 'Service', metadata: { selector: { matchLabels: { 'app.kubernetes.io/component': 'cache', 'app.kubernetes.io/name': 'valkey' } } } },
    });
  });

  test('team-a\'s app (database with its cache Service, topic): every variable, with its value', () => {
    const result = evaluateTemplate(env, {
      schema: instance({ database: 'team-a-db', topic: 'team-a-orders' }),
      caches: [cacheService('team-a-db-cache', 'team-a')],
    });
    expect(result).toEqual([
      { name: 'PORT', value: '8080' },
      { name: 'DATABASE_SECRET_NAME', value: 'team-a-db-app' },
      { name: 'DATABASE_HOST', value: 'team-a-db-rw.team-a.svc' },
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
    expect(evaluateTemplate(env, { schema: instance({}), caches: [cacheService('team-a-db-cache', 'team-a')] })).toEqual([{ name: 'PORT', value: '8080' }]);
  });

  test('an app wired to an Infrastructure with its cache disabled (no cache Service) gets no CACHE_*', () => {
    expect(names(evaluateTemplate(env, { schema: instance({ database: 'team-a-db' }), caches: [] })))
      .toEqual(['PORT', 'DATABASE_SECRET_NAME', 'DATABASE_HOST', 'DATABASE_URI']);
  });

  test('a made-up app: topic only, and a cache of the same name in another workspace does not count', () => {
    expect(names(evaluateTemplate(env, {
      schema: instance({ database: 'team-b-store', topic: 'team-b-events' }, 'team-b'),
      caches: [cacheService('team-b-store-cache', 'team-c'), cacheService('team-b-other-cache', 'team-b')],
    }))).toEqual([
      'PORT', 'DATABASE_SECRET_NAME', 'DATABASE_HOST', 'DATABASE_URI', 'KAFKA_BOOTSTRAP_SERVERS', 'KAFKA_SECURITY_PROTOCOL', 'KAFKA_SASL_MECHANISM',
      'KAFKA_USERNAME', 'KAFKA_PASSWORD', 'KAFKA_SASL_JAAS_CONFIG', 'KAFKA_CA_CERT', 'KAFKA_TOPIC', 'KAFKA_GROUP_PREFIX',
    ]);
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
