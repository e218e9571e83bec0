/** The cross-check rules (lib/foundation/cross-checks.ts) and the quantity parser they sum with. */
import {
  additionalDatabaseProblem, imageRegistryProblem, infrastructurePods, infrastructureServicesProblem, listenerHostnameProblem,
  postgresNameProblem, quotaProblems, topicReplicasProblem, webApplicationPods,
} from '../../../lib/foundation/cross-checks';
import { formatBytes, formatCpu, parseQuantity } from '../../../lib/shared/quantity';

describe('parseQuantity: exact nano-units', () => {
  test.each([
    ['250m', 250_000_000n], ['1', 1_000_000_000n], ['1.5', 1_500_000_000n], ['0.1', 100_000_000n], ['.5', 500_000_000n],
    ['256Mi', 256n * 1024n ** 2n * 1_000_000_000n], ['1Ki', 1_024_000_000_000n], ['2k', 2_000_000_000_000n],
    ['1e3', 1_000_000_000_000n], ['5E-3', 5_000_000n], ['1n', 1n], ['1.5n', 2n], ['-2', -2_000_000_000n], ['+3m', 3_000_000n],
  ])('%s → %s', (text, nanos) => {
    expect(parseQuantity(text)).toBe(nanos);
  });

  test.each(['', 'm', '1.2.3', '1 Gi', '1gi', '1KiB', 'abc'])('%j is not a quantity', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });

  test('formats sums the way Kubernetes writes them', () => {
    expect([formatCpu(2_000_000_000n), formatCpu(2_500_000_000n), formatCpu(250_000_000n)]).toEqual(['2', '2500m', '250m']);
    expect([formatBytes(parseQuantity('1152Mi')!), formatBytes(parseQuantity('8Gi')!), formatBytes(parseQuantity('1500')!)]).toEqual(['1152Mi', '8Gi', '1500']);
  });
});

describe('topicReplicasProblem', () => {
  test('the local profile (1 broker): 1 passes, 3 does not', () => {
    expect(topicReplicasProblem(1, 1)).toBeUndefined();
    expect(topicReplicasProblem(3, 1)).toEqual({
      rule: 'is more than the 1 broker of the shared Kafka cluster: Kafka cannot place 3 replicas, so the KafkaTopic is never Ready',
      fix: 'set replicas to at most 1, or give the environment profile more Kafka nodes',
    });
  });

  test('a made-up 2-broker cluster: 2 passes, 3 does not', () => {
    expect(topicReplicasProblem(2, 2)).toBeUndefined();
    expect(topicReplicasProblem(3, 2)?.rule).toBe('is more than the 2 brokers of the shared Kafka cluster: Kafka cannot place 3 replicas, so the KafkaTopic is never Ready');
  });
});

describe('listenerHostnameProblem (Gateway API listener hostname matching)', () => {
  test.each([
    ['team-a.localtest.me', '*.localtest.me', true],
    ['a.b.localtest.me', '*.localtest.me', true],
    ['localtest.me', '*.localtest.me', false],
    ['team-a.example.com', '*.localtest.me', false],
    ['xlocaltest.me', '*.localtest.me', false],
    ['shop.acme.dev', 'shop.acme.dev', true],
    ['www.shop.acme.dev', 'shop.acme.dev', false],
    ['anything.example', undefined, true],
  ] as const)('%s under %s: %s', (host, listener, inside) => {
    expect(listenerHostnameProblem(host, listener) === undefined).toBe(inside);
  });

  test('the message names the listener and suggests a host under it', () => {
    expect(listenerHostnameProblem('team-a.example.com', '*.localtest.me')).toEqual({
      rule: 'is outside the shared Gateway\'s listener hostname "*.localtest.me": the HTTPRoute would not be accepted (NoMatchingListenerHostname) and the app would get no traffic',
      fix: 'use a host name under localtest.me, e.g. "team-a.localtest.me"',
    });
    expect(listenerHostnameProblem('www.shop.acme.dev', 'shop.acme.dev')?.fix).toBe('use the host name "shop.acme.dev"');
  });
});

describe('imageRegistryProblem: the policy\'s own test (prefix match)', () => {
  const DEFAULTS = ['ghcr.io/', 'docker.io/', 'quay.io/', 'registry.k8s.io/'];
  test('today\'s registries: ghcr.io passes, gcr.io and an unqualified image do not', () => {
    expect(imageRegistryProblem('ghcr.io/stefanprodan/podinfo:6.7.1', DEFAULTS)).toBeUndefined();
    const denied = {
      rule: 'comes from a registry the image-registries policy denies (allowed: ghcr.io/, docker.io/, quay.io/, registry.k8s.io/): Kyverno would reject the app\'s Deployment',
      fix: 'use an image from ghcr.io/, docker.io/, quay.io/, registry.k8s.io/, or allow its registry in the FoundationChart\'s images.allowedRegistries',
    };
    expect(imageRegistryProblem('gcr.io/stefanprodan/podinfo:6.7.1', DEFAULTS)).toEqual(denied);
    expect(imageRegistryProblem('nginx:1.27', DEFAULTS)).toEqual(denied);
  });

  test('a made-up registry list: ghcr.io.evil.com is not ghcr.io/', () => {
    expect(imageRegistryProblem('registry.acme.dev/shop/back:1.4.0', ['registry.acme.dev/'])).toBeUndefined();
    expect(imageRegistryProblem('ghcr.io.evil.com/x:1', ['ghcr.io/'])?.rule).toBe('comes from a registry the image-registries policy denies (allowed: ghcr.io/): Kyverno would reject the app\'s Deployment');
  });
});

describe('postgresNameProblem', () => {
  test.each([
    ['database', 'postgres', true], ['database', 'template0', true], ['database', 'template1', true], ['database', 'orders', false],
    ['database', 'pg_orders', false], ['database', 'streaming_replica', false],
    ['owner', 'postgres', true], ['owner', 'streaming_replica', true], ['owner', 'pg_monitor', true], ['owner', 'pg_', true],
    ['owner', 'public', true], ['owner', 'none', true], ['database', 'public', false],
    ['owner', 'orders_app', false], ['owner', 'template1', false], ['owner', 'app_pg_x', false],
  ] as const)('%s %s reserved: %s', (field, name, reserved) => {
    expect(postgresNameProblem(field, name) !== undefined).toBe(reserved);
  });
});

describe('Infrastructure services: PostgreSQL, the cache, or both', () => {
  test.each([[true, true], [true, false], [false, true]])('postgres %s, cache %s: allowed', (postgres, cache) => {
    expect(infrastructureServicesProblem(postgres, cache)).toBeUndefined();
  });

  test('neither: refused with its rule and fix', () => {
    expect(infrastructureServicesProblem(false, false)).toEqual({
      rule: 'turns off PostgreSQL and the cache together: the Infrastructure would run nothing',
      fix: 'enable postgres (a database), the cache, or both; remove the Infrastructure if it needs neither',
    });
  });

  test('a cache-only Infrastructure demands the cache pod only (no PostgreSQL instance, no volume)', () => {
    expect(infrastructurePods('cache-only', { postgres: { enabled: false, instances: 3, storage: '20Gi' }, cache: { enabled: true, memory: '128Mi' } }))
      .toEqual([{ source: 'cache-only cache', pods: 1, cpu: '500m', memory: '128Mi' }]);
  });
});

describe('additionalDatabaseProblem', () => {
  const names = ['reports', 'postgres', 'app', 'reports', 'audit_log'];
  test('reserved, the bootstrap database again, and a name listed twice; the rest pass', () => {
    expect(names.map((_n, i) => additionalDatabaseProblem(names, i, 'app'))).toEqual([
      undefined,
      { rule: 'is reserved by PostgreSQL ("postgres", "template0", "template1"): CloudNativePG\'s Database resource refuses it', fix: 'choose another database name' },
      { rule: 'is the bootstrap database (postgres.database), which the cluster creates already', fix: 'list only the databases beside it; put its extensions in postgres.extensions' },
      { rule: 'is listed twice (also at postgres.databases[0])', fix: 'list each database once' },
      undefined,
    ]);
  });
});

describe('quotaProblems', () => {
  const teamA = [...infrastructurePods('team-a-db', { postgres: { enabled: true, instances: 1, storage: '1Gi' }, cache: { enabled: true, memory: '128Mi' } }),
    ...webApplicationPods('team-a-web', { replicas: 2, resources: { cpu: '250m', memory: '256Mi' } })];

  test('team-a\'s pods fit the local quota (4 CPU, 8Gi, 40 pods)', () => {
    expect(quotaProblems({ cpu: '4', memory: '8Gi', pods: 40 }, teamA)).toEqual([]);
  });

  test('exactly full is enough; one millicore less is not', () => {
    expect(quotaProblems({ cpu: '2', memory: '1152Mi', pods: 4 }, teamA)).toEqual([]);
    expect(quotaProblems({ cpu: '1999m', memory: '1152Mi', pods: 4 }, teamA).map((p) => [p.field, p.value])).toEqual([['cpu', '"1999m"']]);
  });

  test('storage: team-a\'s database volume fits 10Gi; a made-up 3-instance database of 10Gi each needs 30Gi, reported with its volumes', () => {
    expect(quotaProblems({ cpu: '4', memory: '8Gi', pods: 40, storage: '10Gi' }, teamA)).toEqual([]);
    const pods = infrastructurePods('billing-ledger', { postgres: { enabled: true, instances: 3, storage: '10Gi' }, cache: { enabled: true, memory: '128Mi' } });
    expect(quotaProblems({ cpu: '8', memory: '8Gi', pods: 10, storage: '20Gi' }, pods)).toEqual([{
      field: 'storage', value: '"20Gi"',
      rule: 'is less than the 30Gi volume requests of the pods the workspace\'s instances create (billing-ledger database 3 × 10Gi): the ResourceQuota would refuse the volume claims beyond it',
      fix: 'raise quota.storage to at least 30Gi, or lower the replicas or sizes',
    }]);
  });

  test('a made-up workspace of a 3-instance database without cache: pods too', () => {
    const pods = infrastructurePods('billing-ledger', { postgres: { enabled: true, instances: 3, storage: '10Gi' }, cache: { enabled: false, memory: '128Mi' } });
    expect(quotaProblems({ cpu: '3', memory: '1536Mi', pods: 2 }, pods)).toEqual([{
      field: 'pods', value: '2',
      rule: 'is less than the 3 pods the workspace\'s instances create (billing-ledger database 3): the ResourceQuota would refuse the pods beyond it',
      fix: 'raise quota.pods to at least 3, or lower the replicas',
    }]);
  });

  test('a quantity that does not parse is left to the schema checks', () => {
    expect(quotaProblems({ cpu: 'lots', memory: '8Gi', pods: 40 }, teamA)).toEqual([]);
  });
});
