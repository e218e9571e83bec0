/**
 * Issue 13, item 2: the inputs synth used to accept silently, each with the exact message synth now reports
 * (construct path, field, value, rule, fix), for today's case (team-a, the platform's own team) and for a
 * made-up component of the same shape. The last two rows are about the output rather than an error: the
 * variables a WebApplication's container gets, evaluated from the RGD in the synthesized platform.
 *
 * The held list is the rows whose input still passes without its message: it must be empty.
 */
import {
  buildPlatform, DeliveryChart, EnvironmentProfile, formatIssue, Infrastructure, InfrastructureProps, LOCAL, PlatformOptions,
  renderApp, Topic, WebApplication, WebApplicationProps, WorkspaceQuota,
} from '../../lib';
import { addTeamA } from '../../teams/team-a';
import { issues } from '../helpers/issues';
import { evaluateTemplate } from '../helpers/kro-readiness';
import { find, Json, rgdResources } from '../helpers/platform';

/** Every message a platform with these teams (and options) reports; [] when it synthesizes. */
function messages(teams: (d: DeliveryChart) => void, options: Omit<Partial<PlatformOptions>, 'teams'> = {}): string[] {
  return issues(() => renderApp(buildPlatform({ ...options, teams }).app)).map(formatIssue);
}

/** Team-a as teams/team-a.ts writes it, with the web app's props, the database's props or the quota changed. */
function teamAWith(web: Partial<WebApplicationProps>, db: InfrastructureProps = {}, quota?: WorkspaceQuota) {
  return (d: DeliveryChart): void => {
    const ws = d.addWorkspace('team-a', { team: 'team-a', ...(quota ? { quota } : {}) });
    const infra = new Infrastructure(ws, 'db', { postgres: { database: 'orders', owner: 'orders_app' }, ...db });
    const orders = new Topic(ws, 'orders', { partitions: 3, retentionHours: 72 });
    new WebApplication(ws, 'web', {
      image: 'ghcr.io/stefanprodan/podinfo:6.7.1', hostname: 'team-a.localtest.me', port: 9898, healthPath: '/readyz', replicas: 2,
      database: infra, topic: orders, ...web,
    });
  };
}

const STAGING: EnvironmentProfile = { ...LOCAL, name: 'staging', kafka: { ...LOCAL.kafka, nodes: 2, replicationFactor: 2 } };
const WEB = 'delivery/team-a/team-a/apps/web';
const FIX = 'Fix:';

/** One bad input: how to build it, and every message synth must report for it. */
interface BadInput {
  readonly build: () => string[];
  readonly expected: readonly string[];
}

const BAD_INPUTS: Readonly<Record<string, BadInput>> = {
  'topic replicas above the brokers: team-a\'s topic asks for 3 on the local profile (1 broker)': {
    build: () => messages((d) => {
      const ws = d.addWorkspace('team-a', { team: 'team-a' });
      new Topic(ws, 'orders', { partitions: 3, retentionHours: 72, replicas: 3 });
    }),
    expected: [
      'delivery/team-a/team-a/topics/orders: spec.replicas = 3: is more than the 1 broker of the shared Kafka cluster: Kafka cannot place 3 replicas, so the KafkaTopic is never Ready. ' +
        `${FIX} set replicas to at most 1, or give the environment profile more Kafka nodes`,
    ],
  },
  'topic replicas above the brokers: a made-up staging profile with 2 brokers, a payments topic with 3': {
    build: () => messages((d) => {
      new Topic(d.addWorkspace('payments', { team: 'payments' }), 'ledger', { replicas: 3 });
    }, { environment: STAGING }),
    expected: [
      'delivery/payments/payments/topics/ledger: spec.replicas = 3: is more than the 2 brokers of the shared Kafka cluster: Kafka cannot place 3 replicas, so the KafkaTopic is never Ready. ' +
        `${FIX} set replicas to at most 2, or give the environment profile more Kafka nodes`,
    ],
  },
  'a hostname outside the Gateway listener: team-a\'s app on team-a.example.com': {
    build: () => messages(teamAWith({ hostname: 'team-a.example.com' })),
    expected: [
      `${WEB}: spec.hostname = "team-a.example.com": is outside the shared Gateway's listener hostname "*.localtest.me": the HTTPRoute would not be accepted (NoMatchingListenerHostname) and the app would get no traffic. ` +
        `${FIX} use a host name under localtest.me, e.g. "team-a-web.localtest.me"`,
    ],
  },
  'a hostname outside the Gateway listener: a made-up gateway domain apps.acme.dev, and the bare domain itself': {
    build: () => messages((d) => {
      const ws = d.addWorkspace('shop', { team: 'shop' });
      new WebApplication(ws, 'front', { image: 'ghcr.io/acme/front:2.0.0', hostname: 'front.localtest.me' });
      new WebApplication(ws, 'apex', { image: 'ghcr.io/acme/apex:2.0.0', hostname: 'apps.acme.dev' });
      new WebApplication(ws, 'ok', { image: 'ghcr.io/acme/ok:2.0.0', hostname: 'shop-ok.apps.acme.dev' });
    }, { core: { gateway: { domain: 'apps.acme.dev' } } }),
    expected: [
      'delivery/shop/shop/apps/front: spec.hostname = "front.localtest.me": is outside the shared Gateway\'s listener hostname "*.apps.acme.dev": the HTTPRoute would not be accepted (NoMatchingListenerHostname) and the app would get no traffic. ' +
        `${FIX} use a host name under apps.acme.dev, e.g. "shop-front.apps.acme.dev"`,
      'delivery/shop/shop/apps/apex: spec.hostname = "apps.acme.dev": is outside the shared Gateway\'s listener hostname "*.apps.acme.dev": the HTTPRoute would not be accepted (NoMatchingListenerHostname) and the app would get no traffic. ' +
        `${FIX} use a host name under apps.acme.dev, e.g. "shop-apex.apps.acme.dev"`,
    ],
  },
  'an image from a registry the image policy denies: team-a\'s podinfo from gcr.io': {
    build: () => messages(teamAWith({ image: 'gcr.io/stefanprodan/podinfo:6.7.1' })),
    expected: [
      `${WEB}: spec.image = "gcr.io/stefanprodan/podinfo:6.7.1": comes from a registry the image-registries policy denies (allowed: ghcr.io/, docker.io/, quay.io/, registry.k8s.io/): Kyverno would reject the app's Deployment. ` +
        `${FIX} use an image from ghcr.io/, docker.io/, quay.io/, registry.k8s.io/, or allow its registry in the FoundationChart's images.allowedRegistries`,
    ],
  },
  'an image from a registry the image policy denies: a made-up platform that allows only registry.acme.dev/': {
    build: () => messages((d) => {
      const ws = d.addWorkspace('shop', { team: 'shop' });
      new WebApplication(ws, 'front', { image: 'ghcr.io/acme/front:2.0.0', hostname: 'shop-front.localtest.me' });
      new WebApplication(ws, 'back', { image: 'registry.acme.dev/shop/back:1.4.0', hostname: 'shop-back.localtest.me' });
    }, { foundation: { images: { allowedRegistries: ['registry.acme.dev/'] } } }),
    expected: [
      'delivery/shop/shop/apps/front: spec.image = "ghcr.io/acme/front:2.0.0": comes from a registry the image-registries policy denies (allowed: registry.acme.dev/): Kyverno would reject the app\'s Deployment. ' +
        `${FIX} use an image from registry.acme.dev/, or allow its registry in the FoundationChart's images.allowedRegistries`,
    ],
  },
  'a workspace quota smaller than its pods: team-a with cpu "1" and memory "1Gi"': {
    build: () => messages(teamAWith({}, {}, { cpu: '1', memory: '1Gi' })),
    expected: [
      'delivery/team-a/team-a: spec.quota.cpu = "1": is less than the 2 CPU limits of the pods the workspace\'s instances create (team-a-db database 1 × 1, team-a-db cache 1 × 500m, team-a-web 2 × 250m): the ResourceQuota would refuse the pods beyond it. ' +
        `${FIX} raise quota.cpu to at least 2, or lower the replicas or sizes`,
      'delivery/team-a/team-a: spec.quota.memory = "1Gi": is less than the 1152Mi memory limits of the pods the workspace\'s instances create (team-a-db database 1 × 512Mi, team-a-db cache 1 × 128Mi, team-a-web 2 × 256Mi): the ResourceQuota would refuse the pods beyond it. ' +
        `${FIX} raise quota.memory to at least 1152Mi, or lower the replicas or sizes`,
    ],
  },
  'a workspace quota smaller than its pods: a made-up analytics workspace, 3 apps of 4 × 1500m, 5 pods allowed': {
    build: () => messages((d) => {
      const ws = d.addWorkspace('analytics', { team: 'analytics', quota: { cpu: '16', memory: '64Gi', pods: 5 } });
      for (const id of ['ingest', 'query', 'report']) {
        new WebApplication(ws, id, { image: `ghcr.io/acme/${id}:1.0.0`, hostname: `analytics-${id}.localtest.me`, replicas: 4, resources: { cpu: '1500m', memory: '2Gi' } });
      }
    }),
    expected: [
      'delivery/analytics/analytics: spec.quota.cpu = "16": is less than the 18 CPU limits of the pods the workspace\'s instances create (analytics-ingest 4 × 1500m, analytics-query 4 × 1500m, analytics-report 4 × 1500m): the ResourceQuota would refuse the pods beyond it. ' +
        `${FIX} raise quota.cpu to at least 18, or lower the replicas or sizes`,
      'delivery/analytics/analytics: spec.quota.pods = 5: is less than the 12 pods the workspace\'s instances create (analytics-ingest 4, analytics-query 4, analytics-report 4): the ResourceQuota would refuse the pods beyond it. ' +
        `${FIX} raise quota.pods to at least 12, or lower the replicas`,
    ],
  },
  'more Topics than the workspace\'s topic quota: team-a with quota.topics 0 (issue 16)': {
    build: () => messages(teamAWith({}, {}, { topics: 0 })),
    expected: [
      'delivery/team-a/team-a: spec.quota.topics = 0: is less than the workspace\'s 1 Topics (team-a-orders): the ResourceQuota would refuse the Topics beyond it. ' +
        `${FIX} raise quota.topics to at least 1, or remove Topics`,
    ],
  },
  'more Topics than the workspace\'s topic quota: a made-up events workspace with 3 Topics and room for 2': {
    build: () => messages((d) => {
      const ws = d.addWorkspace('events', { team: 'events', quota: { topics: 2 } });
      for (const id of ['clicks', 'views', 'orders']) new Topic(ws, id);
    }),
    expected: [
      'delivery/events/events: spec.quota.topics = 2: is less than the workspace\'s 3 Topics (events-clicks, events-views, events-orders): the ResourceQuota would refuse the Topics beyond it. ' +
        `${FIX} raise quota.topics to at least 3, or remove Topics`,
    ],
  },
  'a reserved Postgres name: team-a\'s database and owner "postgres"': {
    build: () => messages((d) => {
      new Infrastructure(d.addWorkspace('team-a', { team: 'team-a' }), 'db', { postgres: { database: 'postgres', owner: 'postgres' } });
    }),
    expected: [
      'delivery/team-a/team-a/infrastructure/db: spec.postgres.database = "postgres": is reserved by PostgreSQL or CloudNativePG (database names "postgres", "template0", "template1"): the bootstrap would fail. ' +
        `${FIX} choose another database name, e.g. "app"`,
      'delivery/team-a/team-a/infrastructure/db: spec.postgres.owner = "postgres": is reserved by PostgreSQL or CloudNativePG (role names "postgres", "streaming_replica", "public", "none", "pg_*"): the bootstrap would fail. ' +
        `${FIX} choose another owner name, e.g. "app"`,
    ],
  },
  'a reserved Postgres name: made-up stores with template0/template1 databases and streaming_replica/pg_* owners': {
    build: () => messages((d) => {
      const ws = d.addWorkspace('billing', { team: 'billing' });
      new Infrastructure(ws, 'ledger', { postgres: { database: 'template1', owner: 'streaming_replica' }, cache: { enabled: false } });
      new Infrastructure(ws, 'audit', { postgres: { database: 'template0', owner: 'pg_audit' }, cache: { enabled: false } });
      new Infrastructure(ws, 'fine', { postgres: { database: 'pg_fine', owner: 'fine_owner' }, cache: { enabled: false } });
    }),
    expected: [
      'delivery/billing/billing/infrastructure/ledger: spec.postgres.database = "template1": is reserved by PostgreSQL or CloudNativePG (database names "postgres", "template0", "template1"): the bootstrap would fail. ' +
        `${FIX} choose another database name, e.g. "app"`,
      'delivery/billing/billing/infrastructure/ledger: spec.postgres.owner = "streaming_replica": is reserved by PostgreSQL or CloudNativePG (role names "postgres", "streaming_replica", "public", "none", "pg_*"): the bootstrap would fail. ' +
        `${FIX} choose another owner name, e.g. "app"`,
      'delivery/billing/billing/infrastructure/audit: spec.postgres.database = "template0": is reserved by PostgreSQL or CloudNativePG (database names "postgres", "template0", "template1"): the bootstrap would fail. ' +
        `${FIX} choose another database name, e.g. "app"`,
      'delivery/billing/billing/infrastructure/audit: spec.postgres.owner = "pg_audit": is reserved by PostgreSQL or CloudNativePG (role names "postgres", "streaming_replica", "public", "none", "pg_*"): the bootstrap would fail. ' +
        `${FIX} choose another owner name, e.g. "app"`,
    ],
  },
};

/**
 * The environment a WebApplication's container gets, as KRO renders the RGD in the synthesized platform for
 * the synthesized instance (schema defaults applied). `caches` holds the cache Service of every synthesized
 * Infrastructure whose cache is enabled, `databases` the Cluster of every one whose PostgreSQL is: the objects the
 * Infrastructure RGD creates (`includeWhen`).
 */
function containerEnv(teams: (d: DeliveryChart) => void, appName: string): string[] {
  const files = renderApp(buildPlatform({ teams }).app);
  const { deployment } = rgdResources(files, 'WebApplication');
  const instance = find(files, 'WebApplication', appName) as Json;
  const spec = { port: 8080, database: '', topic: '', env: [], secretEnv: [], configMapEnv: [], ...instance.spec };
  const caches = files.map((f) => f.object as Json).filter((o) => o.kind === 'Infrastructure' && o.spec.cache?.enabled !== false)
    .map((o) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: `${o.metadata.name}-cache`, namespace: o.metadata.namespace } }));
  const databases = files.map((f) => f.object as Json).filter((o) => o.kind === 'Infrastructure' && o.spec.postgres?.enabled !== false)
    .map((o) => ({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: o.metadata.name, namespace: o.metadata.namespace } }));
  const env = evaluateTemplate(deployment.template.spec.template.spec.containers[0].env, { schema: { metadata: instance.metadata, spec }, caches, databases });
  return (env as { name: string }[]).map((e) => e.name);
}

/** Output rows: the variables that must be absent, and the env the app must get instead. */
const BAD_OUTPUTS: Readonly<Record<string, { readonly build: () => string[]; readonly expected: readonly string[] }>> = {
  'CACHE_* for an app wired to an Infrastructure whose cache is disabled: team-a\'s db without its cache': {
    build: () => containerEnv(teamAWith({ topic: undefined }, { cache: { enabled: false } }), 'team-a-web'),
    expected: ['PORT', 'DATABASE_SECRET_NAME', 'DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME', 'DATABASE_USER', 'DATABASE_PASSWORD', 'DATABASE_URI'],
  },
  'DATABASE_* for an app wired to a cache-only Infrastructure: team-a\'s db without PostgreSQL': {
    build: () => containerEnv(teamAWith({ topic: undefined }, { postgres: { enabled: false } }), 'team-a-web'),
    expected: ['PORT', 'CACHE_HOST', 'CACHE_PASSWORD'],
  },
  'empty DATABASE_*/KAFKA_* for an app with no database or topic: a made-up static site': {
    build: () => containerEnv((d) => {
      const ws = d.addWorkspace('docs', { team: 'docs' });
      new Infrastructure(ws, 'db');
      new WebApplication(ws, 'site', { image: 'ghcr.io/acme/site:3.1.0', hostname: 'docs-site.localtest.me' });
    }, 'docs-site'),
    expected: ['PORT'],
  },
};

describe('issue 13 item 2: each input synth accepted silently now has its exact message', () => {
  test.each(Object.entries(BAD_INPUTS))('%s', (_name, bad) => {
    expect(bad.build()).toEqual(bad.expected);
  });

  test.each(Object.entries(BAD_OUTPUTS))('%s', (_name, bad) => {
    expect(bad.build()).toEqual(bad.expected);
  });

  test('the held list of silently accepted inputs is empty', () => {
    const held = [
      ...Object.entries(BAD_INPUTS).filter(([, bad]) => bad.build().length === 0).map(([name]) => name),
      ...Object.entries(BAD_OUTPUTS).filter(([, bad]) => JSON.stringify(bad.build()) !== JSON.stringify(bad.expected)).map(([name]) => name),
    ];
    expect(held).toEqual([]);
  });

  test('the platform as written (team-a) passes every cross-check', () => {
    expect(messages((d) => { addTeamA(d); })).toEqual([]);
  });
});
