/** Snapshots of every layer, and the behaviour that matters in each. */
import { RenderedFile } from '../lib';
import { find, Json, ofKind, render, rgdResources } from './helpers/platform';

const files = render();
const byFolder = (prefix: string) =>
  Object.fromEntries(files.filter((f) => f.path.startsWith(prefix)).map((f) => [f.path, f.object]));

describe('snapshots (guard against unreviewed drift)', () => {
  test.each(['flux-system/', 'core/operators/', 'core/shared-services/', 'foundation/', 'delivery/workspaces/', 'delivery/team-a/'])('%s', (folder) => {
    expect(byFolder(folder)).toMatchSnapshot();
  });
});

describe('dist layout', () => {
  test('one folder per Flux path, every object placed', () => {
    const folders = new Set(files.map((f) => f.path.split('/').slice(0, -1).join('/')));
    expect([...folders].sort()).toEqual(['core/operators', 'core/shared-services', 'delivery/team-a', 'delivery/workspaces', 'flux-system', 'foundation']);
  });

  test('rendering is deterministic', () => {
    const again = render();
    expect(JSON.stringify(again)).toEqual(JSON.stringify(files));
  });

  test('holds the four RGDs, five operators, KRaft Kafka with a node pool, the Gateway, policies and team-a', () => {
    expect(ofKind(files, 'ResourceGraphDefinition').map((r: Json) => r.spec.schema.kind).sort())
      .toEqual(['Infrastructure', 'Topic', 'WebApplication', 'Workspace']);
    expect(ofKind(files, 'HelmRelease').map((h) => h.metadata.name).sort())
      .toEqual(['cilium', 'cloudnative-pg', 'kro', 'kyverno', 'strimzi-kafka-operator']);
    expect(ofKind(files, 'Kafka')).toHaveLength(1);
    expect(ofKind(files, 'KafkaNodePool')).toHaveLength(1);
    expect(ofKind(files, 'Gateway')).toHaveLength(1);
    expect(ofKind(files, 'ValidatingPolicy').map((p) => p.metadata.name).sort())
      .toEqual(['host-isolation', 'image-registries', 'required-labels', 'stateful-deletion', 'workspace-naming', 'workspace-scope']);
    expect(['Workspace', 'WebApplication', 'Infrastructure', 'Topic'].map((kind) => ofKind(files, kind).map((o) => o.metadata.name)))
      .toEqual([['team-a'], ['team-a-web'], ['team-a-db'], ['team-a-orders']]);
  });
});

describe('CoreChart', () => {
  const releases = ofKind(files, 'HelmRelease') as Json[];

  /** `{ name: value }` over the five releases, so a missing or extra release fails like a wrong value. */
  const byRelease = (value: (r: Json) => unknown): Record<string, unknown> =>
    Object.fromEntries(releases.map((r) => [r.metadata.name, value(r)]));
  const everyRelease = (value: unknown): Record<string, unknown> =>
    Object.fromEntries(['cilium', 'cloudnative-pg', 'kro', 'kyverno', 'strimzi-kafka-operator'].map((n) => [n, value]));
  const EXACT_VERSION = /^\d+\.\d+\.\d+$/;

  test('every HelmRelease pins an exact chart version (in its chart, or its OCIRepository tag)', () => {
    const pin = (r: Json): unknown => (r.spec.chart
      ? { chart: r.spec.chart.spec.version }
      : { ociTag: (find(files, 'OCIRepository', r.spec.chartRef.name) as Json).spec.ref.tag });
    expect(byRelease(pin)).toEqual({
      'cilium': { chart: expect.stringMatching(EXACT_VERSION) },
      'cloudnative-pg': { chart: expect.stringMatching(EXACT_VERSION) },
      'kro': { ociTag: expect.stringMatching(EXACT_VERSION) },
      'kyverno': { chart: expect.stringMatching(EXACT_VERSION) },
      'strimzi-kafka-operator': { ociTag: expect.stringMatching(EXACT_VERSION) },
    });
    // an OCI source pins by tag only (no semver range, no digest that could drift from the tag)
    expect(ofKind(files, 'OCIRepository').map((o) => [o.metadata.name, Object.keys((o as Json).spec.ref)]))
      .toEqual([['kro', ['tag']], ['strimzi-kafka-operator', ['tag']]]);
  });

  test('HelmReleases install and upgrade CRDs, and remediate', () => {
    expect(byRelease((r) => r.spec.install)).toEqual(everyRelease({ crds: 'CreateReplace', remediation: { retries: 3 } }));
    expect(byRelease((r) => r.spec.upgrade))
      .toEqual(everyRelease(expect.objectContaining({ crds: 'CreateReplace', remediation: { retries: 3, remediateLastFailure: true } })));
  });

  test('every operator but Cilium waits for Cilium (pods need the network)', () => {
    expect(byRelease((r) => r.spec.dependsOn)).toEqual({
      ...everyRelease([{ name: 'cilium', namespace: 'kube-system' }]),
      cilium: undefined,
    });
  });

  test('Cilium replaces kube-proxy and runs the Gateway API in host-network mode', () => {
    const values = (find(files, 'HelmRelease', 'cilium') as Json).spec.values;
    expect(values.kubeProxyReplacement).toBe(true);
    expect(values.gatewayAPI).toMatchObject({ enabled: true, hostNetwork: { enabled: true } });
  });

  test('KRO runs in aggregation RBAC mode with a ClusterRole for exactly the managed kinds', () => {
    expect((find(files, 'HelmRelease', 'kro') as Json).spec.values.rbac.mode).toBe('aggregation');
    const role = find(files, 'ClusterRole', 'mini-atlas:kro:platform-abstractions') as Json;
    expect(role.metadata.labels['rbac.kro.run/aggregate-to-controller']).toBe('true');
    const granted = role.rules.flatMap((r: Json) => r.resources.map((res: string) => `${r.apiGroups.join(',')}/${res}: ${r.verbs.join(',')}`));
    const crud = 'get,list,watch,create,update,patch,delete';
    expect(granted).toEqual([
      ...['workspaces', 'webapplications', 'infrastructures', 'topics'].map((k) => `platform.mini-atlas.io/${k}: ${crud}`),
      ...['workspaces', 'webapplications', 'infrastructures', 'topics'].map((k) => `platform.mini-atlas.io/${k}/status: get,update,patch`),
      ...['namespaces', 'services', 'resourcequotas', 'limitranges'].map((k) => `/${k}: ${crud}`),
      `apps/deployments: ${crud}`,
      `cilium.io/ciliumnetworkpolicies: ${crud}`,
      `gateway.networking.k8s.io/httproutes: ${crud}`,
      `postgresql.cnpg.io/clusters: ${crud}`,
      `kafka.strimzi.io/kafkatopics: ${crud}`,
    ]);
  });

  test('the shared Kafka is KRaft on kafka.strimzi.io/v1 with a dual-role node pool', () => {
    const kafka = ofKind(files, 'Kafka')[0] as Json;
    expect(kafka.apiVersion).toBe('kafka.strimzi.io/v1');
    expect(kafka.spec.zookeeper).toBeUndefined();
    expect(kafka.metadata.namespace).toBe('kafka');
    const pool = ofKind(files, 'KafkaNodePool')[0] as Json;
    expect(pool.metadata.labels['strimzi.io/cluster']).toBe(kafka.metadata.name);
    expect(pool.spec.roles.sort()).toEqual(['broker', 'controller']);
    // local profile: one node, so every replication setting must be 1
    expect(pool.spec.replicas).toBe(1);
    expect(kafka.spec.kafka.config['default.replication.factor']).toBe(1);
    expect(kafka.spec.kafka.config['min.insync.replicas']).toBe(1);
  });

  test('Strimzi watches the Kafka namespace, where the topic operator looks for KafkaTopics', () => {
    expect((find(files, 'HelmRelease', 'strimzi-kafka-operator') as Json).spec.values.watchNamespaces).toEqual(['kafka']);
  });

  test('the Gateway uses class cilium and admits routes from workspaces only', () => {
    const gw = ofKind(files, 'Gateway')[0] as Json;
    expect(gw.spec.gatewayClassName).toBe('cilium');
    expect(gw.spec.listeners[0].allowedRoutes.namespaces).toEqual({
      from: 'Selector',
      selector: { matchExpressions: [{ key: 'platform.mini-atlas.io/workspace', operator: 'Exists' }] },
    });
  });
});

describe('Flux wiring', () => {
  const ks = ofKind(files, 'Kustomization').filter((k) => k.apiVersion.startsWith('kustomize.toolkit')) as Json[];
  const byName = new Map(ks.map((k) => [k.metadata.name, k]));

  test('one Kustomization per dist path, each pointing at an existing folder', () => {
    const folders = new Set(files.map((f: RenderedFile) => `./dist/${f.path.split('/').slice(0, -1).join('/')}`));
    const paths = ks.filter((k) => k.spec.sourceRef.name === 'mini-atlas').map((k) => k.spec.path);
    expect(new Set(paths)).toEqual(folders);
  });

  test('dependsOn is complete and acyclic: CRDs → operators → shared services → foundation → workspaces → teams', () => {
    expect(ks.flatMap((k) => (k.spec.dependsOn ?? []).map((d: Json) => `${k.metadata.name} → ${d.name}`)).sort()).toEqual([
      'core-operators → gateway-api-crds',
      'core-shared-services → core-operators',
      'delivery-team-a → delivery-workspaces',
      'delivery-workspaces → foundation',
      'foundation → core-shared-services',
    ]);
    const order = (name: string): number => {
      const deps = byName.get(name).spec.dependsOn ?? [];
      return deps.length === 0 ? 0 : 1 + Math.max(...deps.map((d: Json) => order(d.name)));
    };
    expect(['gateway-api-crds', 'core-operators', 'core-shared-services', 'foundation', 'delivery-workspaces', 'delivery-team-a'].map(order))
      .toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('Workspaces (which create namespaces) are applied one step before the objects that live in them', () => {
    // kustomize-controller dry-runs a whole stage first: an object in a namespace created by the same stage never applies.
    const workspaces = files.filter((f) => f.object.kind === 'Workspace').map((f) => f.path);
    expect(workspaces).toEqual(['delivery/workspaces/workspace-team-a.yaml']);
    expect(byName.get('delivery-team-a').spec.dependsOn).toEqual([{ name: 'delivery-workspaces' }]);
    expect(byName.get('delivery-workspaces').spec.wait).toBe(true);
  });

  test('the Gateway API CRDs are never pruned', () => {
    expect(byName.get('gateway-api-crds').spec.prune).toBe(false);
  });
});

describe('FoundationChart', () => {
  test('the Topic RGD puts topics in the Kafka namespace, labelled for the shared cluster', () => {
    const { topic } = rgdResources(files, 'Topic');
    expect(topic.template.kind).toBe('KafkaTopic');
    expect(topic.template.metadata.namespace).toBe('kafka');
    expect(topic.template.metadata.labels['strimzi.io/cluster']).toBe('shared');
    expect(topic.template.spec.topicName).toBe('${schema.metadata.namespace + "." + schema.metadata.name}');
  });

  describe('the Workspace network policy', () => {
    const { isolation } = rgdResources(files, 'Workspace');
    const spec = isolation.template.spec;

    test('selects every pod and has both ingress and egress rules (default deny)', () => {
      expect(spec.endpointSelector).toEqual({});
      // same namespace, the Gateway, the CNPG operator in; same namespace, DNS, Kafka out (each asserted below)
      expect(spec.ingress).toHaveLength(3);
      expect(spec.egress).toHaveLength(3);
    });

    test('allows DNS egress to kube-dns on 53/UDP and 53/TCP', () => {
      const dns = spec.egress.find((e: Json) => e.toEndpoints?.[0]?.matchLabels?.['k8s:k8s-app'] === 'kube-dns');
      expect(dns.toEndpoints[0].matchLabels['k8s:io.kubernetes.pod.namespace']).toBe('kube-system');
      expect(dns.toPorts[0].ports).toEqual(expect.arrayContaining([{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }]));
    });

    test('allows the shared Gateway (Cilium ingress entity), the CNPG operator and the same namespace in', () => {
      expect(spec.ingress).toContainEqual({ fromEntities: ['ingress'] });
      expect(spec.ingress).toContainEqual({ fromEndpoints: [{}] });
      const cnpg = spec.ingress.find((i: Json) => i.fromEndpoints?.[0]?.matchLabels?.['k8s:io.kubernetes.pod.namespace'] === 'cnpg-system');
      expect(cnpg.toPorts[0].ports.map((p: Json) => p.port).sort()).toEqual(['5432', '8000']);
    });

    test('allows egress to the Kafka brokers only on their client ports', () => {
      const kafka = spec.egress.find((e: Json) => e.toEndpoints?.[0]?.matchLabels?.['k8s:io.kubernetes.pod.namespace'] === 'kafka');
      expect(kafka.toEndpoints[0].matchLabels['strimzi.io/cluster']).toBe('shared');
      expect(kafka.toPorts[0].ports.map((p: Json) => p.port).sort()).toEqual(['9092', '9093']);
    });

    test('allows the API server only to PostgreSQL instance managers', () => {
      const { postgresApiAccess } = rgdResources(files, 'Workspace');
      expect(postgresApiAccess.template.spec.endpointSelector).toEqual({ matchExpressions: [{ key: 'cnpg.io/cluster', operator: 'Exists' }] });
      expect(postgresApiAccess.template.spec.egress).toEqual([{ toEntities: ['kube-apiserver'] }]);
      expect(JSON.stringify(spec)).not.toContain('kube-apiserver');
      expect(JSON.stringify(spec)).not.toMatch(/"world"|"all"|"cluster"/);
    });
  });

  test('the Workspace namespace enforces Pod Security restricted and carries the workspace label', () => {
    const labels = rgdResources(files, 'Workspace').workspaceNamespace.template.metadata.labels;
    expect(labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(labels['platform.mini-atlas.io/workspace']).toBe('${schema.metadata.name}');
  });

  test('the database gets its credentials from the operator: no password, no superuser, no SQL', () => {
    const db = rgdResources(files, 'Infrastructure').database.template.spec;
    expect(db.enableSuperuserAccess).toBe(false);
    expect(db.bootstrap.initdb).toEqual({ database: '${schema.spec.postgres.database}', owner: '${schema.spec.postgres.owner}' });
    expect(JSON.stringify(db)).not.toMatch(/postInit|password|secret/i);
  });

  test('WebApplication routes its hostname through the shared Gateway to its Service', () => {
    const { route, service } = rgdResources(files, 'WebApplication');
    expect(route.template.spec.parentRefs).toEqual([{ name: 'platform', namespace: 'gateway-system', sectionName: 'http' }]);
    expect(route.template.spec.hostnames).toEqual(['${schema.spec.hostname}']);
    expect(route.template.spec.rules[0].backendRefs[0]).toEqual({ name: '${service.metadata.name}', port: service.template.spec.ports[0].port });
  });

  test('instances use metadata.name/namespace only (no spec.name or spec.namespace)', () => {
    expect(Object.fromEntries((ofKind(files, 'ResourceGraphDefinition') as Json[])
      .map((rgd) => [rgd.spec.schema.kind, Object.keys(rgd.spec.schema.spec).filter((f) => f === 'name' || f === 'namespace')])))
      .toEqual({ Infrastructure: [], Topic: [], WebApplication: [], Workspace: [] });
  });

  test('Pod policies match exactly v1 pods, so Kyverno auto-generates their Deployment/StatefulSet/… rules', () => {
    for (const name of ['host-isolation', 'image-registries']) {
      const p = find(files, 'ValidatingPolicy', name) as Json;
      expect(p.spec.matchConstraints.resourceRules).toEqual([expect.objectContaining({ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] })]);
      expect(p.spec.autogen.podControllers.controllers).toEqual(['deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs']);
    }
  });

  test('every RGD status field refers to a resource (KRO rejects constant status expressions)', () => {
    // status field → the ids (schema or a resource) its expression reads: an id that starts a path outside a
    // string literal, so neither `schema.spec.cache.enabled` nor "-cache." refers to the resource `cache`
    const refsOf = (rgd: Json): Record<string, string[]> => {
      const ids = ['schema', ...rgd.spec.resources.map((r: Json) => r.id)];
      const code = (expr: string): string => expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
      return Object.fromEntries((Object.entries(rgd.spec.schema.status) as [string, string][])
        .map(([field, expr]) => [field, ids.filter((id) => new RegExp(`(?<![\\w.])${id}\\.`).test(code(expr)))]));
    };
    expect(Object.fromEntries((ofKind(files, 'ResourceGraphDefinition') as Json[]).map((rgd) => [rgd.spec.schema.kind, refsOf(rgd)]))).toEqual({
      Infrastructure: { cacheHost: ['schema'], cacheSecret: ['schema'], databaseHost: ['database'], databaseSecret: ['database'] },
      Topic: { bootstrapServers: ['topic'], topicName: ['topic'] },
      WebApplication: { availableReplicas: ['deployment'], url: ['schema'] },
      Workspace: { namespace: ['workspaceNamespace'], phase: ['workspaceNamespace'] },
    });
    const topic = (ofKind(files, 'ResourceGraphDefinition') as Json[]).find((r) => r.spec.schema.kind === 'Topic');
    expect(topic.spec.schema.status.bootstrapServers).toBe('${"shared-kafka-bootstrap." + topic.metadata.namespace + ".svc:9092"}');
  });

  test('policies enforce (Deny) and the naming policy reads the prefix from the namespace label', () => {
    expect(Object.fromEntries((ofKind(files, 'ValidatingPolicy') as Json[]).map((p) => [p.metadata.name, p.spec.validationActions]))).toEqual({
      'host-isolation': ['Deny'], 'image-registries': ['Deny'], 'required-labels': ['Deny'],
      'stateful-deletion': ['Deny'], 'workspace-naming': ['Deny'], 'workspace-scope': ['Deny'],
    });
    const naming = find(files, 'ValidatingPolicy', 'workspace-naming') as Json;
    expect(naming.spec.variables).toContainEqual({ name: 'workspace', expression: 'namespaceObject.metadata.labels["platform.mini-atlas.io/workspace"]' });
    expect(naming.spec.validations[0].expression).toBe('object.metadata.name.startsWith(variables.workspace + "-")');
  });
});
