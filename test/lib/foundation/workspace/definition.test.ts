/** WorkspaceDefinition: the Workspace RGD (namespace, quotas, network isolation). */
import { WorkspaceDefinition } from '../../../../lib/foundation/workspace/definition';
import { Json } from '../../../helpers/platform';
import { graphResources, renderConstruct, testWiring } from '../../../helpers/construct';

const objects = renderConstruct((scope) => { new WorkspaceDefinition(scope.stage, 'workspace', testWiring(scope)); });

test('defaults (the default shared services)', () => {
  expect(objects).toMatchSnapshot();
});

describe('the Workspace network policy', () => {
  const { isolation, postgresApiAccess } = graphResources(objects);
  const spec = isolation.template.spec;

  test('selects every pod and has both ingress and egress rules (default deny)', () => {
    expect(spec.endpointSelector).toEqual({});
    // same namespace and the CNPG operator in; same namespace, DNS, Kafka out (each asserted below)
    expect(spec.ingress).toHaveLength(2);
    expect(spec.egress).toHaveLength(3);
  });

  test('allows DNS egress to kube-dns on 53/UDP and 53/TCP', () => {
    const dns = spec.egress.find((e: Json) => e.toEndpoints?.[0]?.matchLabels?.['k8s:k8s-app'] === 'kube-dns');
    expect(dns.toEndpoints[0].matchLabels['k8s:io.kubernetes.pod.namespace']).toBe('kube-system');
    expect(dns.toPorts[0].ports).toEqual(expect.arrayContaining([{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }]));
  });

  test('allows DNS lookups of cluster names only (any depth below cluster.local), not external names', () => {
    const dns = spec.egress.find((e: Json) => e.toEndpoints?.[0]?.matchLabels?.['k8s:k8s-app'] === 'kube-dns');
    expect(dns.toPorts[0].rules).toEqual({ dns: [{ matchPattern: '**.cluster.local' }] });
  });

  test('allows the CNPG operator and the same namespace in; the shared Gateway is not let in to every pod', () => {
    expect(JSON.stringify(spec.ingress)).not.toContain('"ingress"');
    expect(spec.ingress).toContainEqual({ fromEndpoints: [{}] });
    const cnpg = spec.ingress.find((i: Json) => i.fromEndpoints?.[0]?.matchLabels?.['k8s:io.kubernetes.pod.namespace'] === 'cnpg-system');
    expect(cnpg.toPorts[0].ports.map((p: Json) => p.port).sort()).toEqual(['5432', '8000']);
  });

  test('allows egress to the Kafka brokers only on the authenticated client port', () => {
    const kafka = spec.egress.find((e: Json) => e.toEndpoints?.[0]?.matchLabels?.['k8s:io.kubernetes.pod.namespace'] === 'kafka');
    expect(kafka.toEndpoints[0].matchLabels['strimzi.io/cluster']).toBe('shared');
    expect(kafka.toPorts[0].ports).toEqual([{ port: '9093', protocol: 'TCP' }]);
  });

  test('allows the API server only to PostgreSQL instance managers, only on the API server port (6443 on Kind)', () => {
    expect(postgresApiAccess.template.spec.endpointSelector).toEqual({ matchExpressions: [{ key: 'cnpg.io/cluster', operator: 'Exists' }] });
    expect(postgresApiAccess.template.spec.egress).toEqual([{ toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '6443', protocol: 'TCP' }] }] }]);
    expect(JSON.stringify(spec)).not.toContain('kube-apiserver');
    expect(JSON.stringify(spec)).not.toMatch(/"world"|"all"|"cluster"/);
  });
});

test('the API server port is an option: a cluster serving on 443 opens 443 and nothing else', () => {
  const custom = renderConstruct((scope) => { new WorkspaceDefinition(scope.stage, 'workspace', testWiring(scope, { apiServerPort: 443 })); });
  const { postgresApiAccess } = graphResources(custom);
  expect(postgresApiAccess.template.spec.egress).toEqual([{ toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }]);
  expect(postgresApiAccess.template.spec.description).toBe('PostgreSQL instance managers reach the Kubernetes API server on its port 443');
});

test('the Workspace namespace enforces Pod Security restricted and carries the workspace label', () => {
  const labels = graphResources(objects).workspaceNamespace.template.metadata.labels;
  expect(labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  expect(labels['platform.mini-atlas.io/workspace']).toBe('${schema.metadata.name}');
});

describe('the workspace on the shared Kafka (issue 16)', () => {
  const { kafkaUser, quota } = graphResources(objects);
  const rgd = objects.find((o) => o.kind === 'ResourceGraphDefinition') as Json;

  test('a KafkaUser named after the workspace, in the Kafka namespace, for the shared cluster, authenticating with SCRAM-SHA-512', () => {
    expect(kafkaUser.template.apiVersion).toBe('kafka.strimzi.io/v1');
    expect(kafkaUser.template.kind).toBe('KafkaUser');
    expect(kafkaUser.template.metadata).toEqual({
      name: '${schema.metadata.name}',
      namespace: 'kafka',
      labels: { 'strimzi.io/cluster': 'shared', 'platform.mini-atlas.io/workspace': '${schema.metadata.name}', 'app.kubernetes.io/managed-by': 'kro' },
      // The declared readiness exception: the Workspace does not wait for its KafkaUser, and says why.
      annotations: {
        'platform.mini-atlas.io/readiness-not-awaited': 'a Kafka or User Operator outage must not hold a workspace that has no Topics, ' +
          'nor Flux\'s delivery-workspaces stage and every team after it; the Topics that use Kafka wait for their own KafkaTopic',
      },
    });
    expect(kafkaUser.readyWhen).toBeUndefined();
    expect(kafkaUser.template.spec.authentication).toEqual({ type: 'scram-sha-512' });
  });

  test('its ACLs: read, write and describe on the workspace\'s topics, read and describe on its groups, by prefix; nothing else', () => {
    expect(kafkaUser.template.spec.authorization).toEqual({
      type: 'simple',
      acls: [
        { type: 'allow', resource: { type: 'topic', name: '${schema.metadata.name + "."}', patternType: 'prefix' }, operations: ['Read', 'Write', 'Describe'] },
        { type: 'allow', resource: { type: 'group', name: '${schema.metadata.name + "."}', patternType: 'prefix' }, operations: ['Read', 'Describe'] },
      ],
    });
  });

  test('client quotas from the workspace spec, and the Secret labelled with the workspace for the kafka-credentials policy', () => {
    expect(kafkaUser.template.spec.quotas).toEqual({
      producerByteRate: '${schema.spec.quota.kafkaProducerBytesPerSecond}',
      consumerByteRate: '${schema.spec.quota.kafkaConsumerBytesPerSecond}',
    });
    expect(kafkaUser.template.spec.template).toEqual({ secret: { metadata: { labels: { 'platform.mini-atlas.io/workspace': '${schema.metadata.name}' } } } });
  });

  test('the ResourceQuota counts Topics; the schema bounds the topic count and the byte rates', () => {
    expect(quota.template.spec.hard['count/topics.platform.mini-atlas.io']).toBe('${string(schema.spec.quota.topics)}');
    const q = rgd.spec.schema.spec.quota;
    expect([q.topics, q.kafkaProducerBytesPerSecond, q.kafkaConsumerBytesPerSecond]).toEqual([
      'integer | default=10 minimum=0 maximum=100 description="Maximum number of Topics (ResourceQuota count/topics.platform.mini-atlas.io)"',
      'integer | default=1048576 minimum=1024 maximum=104857600 description="Bytes per second the workspace\'s Kafka user may publish to each broker before Kafka throttles it (KafkaUser quotas.producerByteRate)"',
      'integer | default=2097152 minimum=1024 maximum=104857600 description="Bytes per second the workspace\'s Kafka user may fetch from each broker before Kafka throttles it (KafkaUser quotas.consumerByteRate)"',
    ]);
  });
});
