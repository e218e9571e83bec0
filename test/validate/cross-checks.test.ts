/**
 * `npm run validate` applies the library's cross-checks (issue 13 item 2) to raw instances in a directory:
 * a copy of dist/ with team-a's instances edited as a team applying YAML would (today's case), and with the
 * platform's facts changed instead (a made-up Gateway domain, registry list and broker count) plus raw
 * instances of a made-up team that rely on the RGDs' defaults. Only the `cross-check` violations are compared,
 * exactly.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toYamlDocuments } from '../../lib/synth/kubernetes-yaml';
import { Obj, useDistCopy } from '../helpers/dist-copy';
import { validateDirectory } from '../../tools/validate/src/index';
import { formatViolation } from '../../tools/validate/src/report';

const obj = (v: unknown): Obj => v as Obj;
const distCopy = useDistCopy('mini-atlas-cross-');
const edit = (kind: string, name: string, change: (o: Obj) => void): void => distCopy.edit(kind, name, change);

/** The cross-check violations of the copy, one line each. */
function crossChecks(): string[] {
  return validateDirectory(distCopy.dir).violations.filter((v) => v.check === 'cross-check').map((v) => formatViolation(v, distCopy.tmp));
}

test('dist/ as synthesized: no cross-check violation', () => {
  expect(crossChecks()).toEqual([]);
});

test('today\'s case: team-a\'s instances edited as raw YAML, every problem reported at once', () => {
  edit('Topic', 'team-a-orders', (o) => { obj(o.spec).replicas = 3; });
  edit('WebApplication', 'team-a-web', (o) => Object.assign(obj(o.spec), { hostname: 'team-a.example.com', image: 'gcr.io/stefanprodan/podinfo:6.7.1' }));
  edit('Infrastructure', 'team-a-db', (o) => { obj(o.spec).postgres = { ...obj(obj(o.spec).postgres), database: 'postgres', owner: 'streaming_replica' }; });
  edit('Workspace', 'team-a', (o) => { obj(obj(o.spec).quota).cpu = '1'; });
  expect(crossChecks()).toEqual([
    'dist/delivery/team-a/infrastructure-team-a-team-a-db.yaml: platform.mini-atlas.io/v1alpha1/Infrastructure team-a/team-a-db: $.spec.postgres.database: "postgres" is reserved by PostgreSQL or CloudNativePG (database names "postgres", "template0", "template1"): the bootstrap would fail. Fix: choose another database name, e.g. "app"',
    'dist/delivery/team-a/infrastructure-team-a-team-a-db.yaml: platform.mini-atlas.io/v1alpha1/Infrastructure team-a/team-a-db: $.spec.postgres.owner: "streaming_replica" is reserved by PostgreSQL or CloudNativePG (role names "postgres", "streaming_replica", "public", "none", "pg_*"): the bootstrap would fail. Fix: choose another owner name, e.g. "app"',
    'dist/delivery/team-a/topic-team-a-team-a-orders.yaml: platform.mini-atlas.io/v1alpha1/Topic team-a/team-a-orders: $.spec.replicas: 3 is more than the 1 broker of the shared Kafka cluster: Kafka cannot place 3 replicas, so the KafkaTopic is never Ready. Fix: set replicas to at most 1, or give the environment profile more Kafka nodes',
    'dist/delivery/team-a/webapplication-team-a-team-a-web.yaml: platform.mini-atlas.io/v1alpha1/WebApplication team-a/team-a-web: $.spec.hostname: "team-a.example.com" is outside the shared Gateway\'s listener hostname "*.localtest.me": the HTTPRoute would not be accepted (NoMatchingListenerHostname) and the app would get no traffic. Fix: use a host name under localtest.me, e.g. "team-a-web.localtest.me"',
    'dist/delivery/team-a/webapplication-team-a-team-a-web.yaml: platform.mini-atlas.io/v1alpha1/WebApplication team-a/team-a-web: $.spec.image: "gcr.io/stefanprodan/podinfo:6.7.1" comes from a registry the image-registries policy denies (allowed: ghcr.io/, docker.io/, quay.io/, registry.k8s.io/): Kyverno would reject the app\'s Deployment. Fix: use an image from ghcr.io/, docker.io/, quay.io/, registry.k8s.io/, or allow its registry in the FoundationChart\'s images.allowedRegistries',
    'dist/delivery/workspaces/workspace-team-a.yaml: platform.mini-atlas.io/v1alpha1/Workspace team-a: $.spec.quota.cpu: "1" is less than the 2 CPU limits of the pods the workspace\'s instances create (team-a-db database 1 × 1, team-a-db cache 1 × 500m, team-a-web 2 × 250m): the ResourceQuota would refuse the pods beyond it. Fix: raise quota.cpu to at least 2, or lower the replicas or sizes',
  ]);
});

test('a workspace whose topic quota its Topics exceed, edited as raw YAML (issue 16)', () => {
  edit('Workspace', 'team-a', (o) => { obj(obj(o.spec).quota).topics = 0; });
  expect(crossChecks()).toEqual([
    'dist/delivery/workspaces/workspace-team-a.yaml: platform.mini-atlas.io/v1alpha1/Workspace team-a: $.spec.quota.topics: 0 is less than the workspace\'s 1 Topics (team-a-orders): the ResourceQuota would refuse the Topics beyond it. Fix: raise quota.topics to at least 1, or remove Topics',
  ]);
});

test('a made-up platform: facts read from the directory (Gateway, policy, node pool), raw instances on RGD defaults', () => {
  edit('Gateway', 'platform', (o) => { for (const l of obj(o.spec).listeners as Obj[]) l.hostname = '*.apps.acme.dev'; });
  edit('ValidatingPolicy', 'image-registries', (o) => {
    (obj(o.spec).variables as Obj[]).find((v) => v.name === 'allowed')!.expression = '["registry.acme.dev/"]';
  });
  edit('KafkaNodePool', 'dual-role', (o) => { obj(o.spec).replicas = 2; });
  // A team applying YAML by hand: defaults come from the RGDs (Workspace quota 4 CPU / 40 pods, 1 replica, cache on).
  writeFileSync(join(distCopy.dir, 'delivery', 'team-a', 'raw.yaml'), toYamlDocuments([
    { apiVersion: 'platform.mini-atlas.io/v1alpha1', kind: 'Topic', metadata: { name: 'team-a-events', namespace: 'team-a' }, spec: { replicas: 3 } },
    { apiVersion: 'platform.mini-atlas.io/v1alpha1', kind: 'Topic', metadata: { name: 'team-a-audit', namespace: 'team-a' }, spec: { replicas: 2 } },
    { apiVersion: 'platform.mini-atlas.io/v1alpha1', kind: 'Infrastructure', metadata: { name: 'team-a-ledger', namespace: 'team-a' }, spec: { postgres: { owner: 'pg_ledger' } } },
    {
      apiVersion: 'platform.mini-atlas.io/v1alpha1', kind: 'WebApplication', metadata: { name: 'team-a-batch', namespace: 'team-a' },
      spec: { image: 'registry.acme.dev/batch:1.0.0', hostname: 'batch.apps.acme.dev', replicas: 10, resources: { cpu: '2', memory: '1Gi' } },
    },
  ]));
  expect(crossChecks()).toEqual([
    'dist/delivery/team-a/raw.yaml: platform.mini-atlas.io/v1alpha1/Topic team-a/team-a-events: $.spec.replicas: 3 is more than the 2 brokers of the shared Kafka cluster: Kafka cannot place 3 replicas, so the KafkaTopic is never Ready. Fix: set replicas to at most 2, or give the environment profile more Kafka nodes',
    'dist/delivery/team-a/raw.yaml#2: platform.mini-atlas.io/v1alpha1/Infrastructure team-a/team-a-ledger: $.spec.postgres.owner: "pg_ledger" is reserved by PostgreSQL or CloudNativePG (role names "postgres", "streaming_replica", "public", "none", "pg_*"): the bootstrap would fail. Fix: choose another owner name, e.g. "app"',
    'dist/delivery/team-a/webapplication-team-a-team-a-web.yaml: platform.mini-atlas.io/v1alpha1/WebApplication team-a/team-a-web: $.spec.hostname: "team-a.localtest.me" is outside the shared Gateway\'s listener hostname "*.apps.acme.dev": the HTTPRoute would not be accepted (NoMatchingListenerHostname) and the app would get no traffic. Fix: use a host name under apps.acme.dev, e.g. "team-a-web.apps.acme.dev"',
    'dist/delivery/team-a/webapplication-team-a-team-a-web.yaml: platform.mini-atlas.io/v1alpha1/WebApplication team-a/team-a-web: $.spec.image: "ghcr.io/stefanprodan/podinfo:6.7.1" comes from a registry the image-registries policy denies (allowed: registry.acme.dev/): Kyverno would reject the app\'s Deployment. Fix: use an image from registry.acme.dev/, or allow its registry in the FoundationChart\'s images.allowedRegistries',
    'dist/delivery/workspaces/workspace-team-a.yaml: platform.mini-atlas.io/v1alpha1/Workspace team-a: $.spec.quota.cpu: "4" is less than the 23500m CPU limits of the pods the workspace\'s instances create (team-a-db database 1 × 1, team-a-db cache 1 × 500m, team-a-ledger database 1 × 1, team-a-ledger cache 1 × 500m, team-a-batch 10 × 2, team-a-web 2 × 250m): the ResourceQuota would refuse the pods beyond it. Fix: raise quota.cpu to at least 23500m, or lower the replicas or sizes',
    'dist/delivery/workspaces/workspace-team-a.yaml: platform.mini-atlas.io/v1alpha1/Workspace team-a: $.spec.quota.memory: "8Gi" is less than the 12032Mi memory limits of the pods the workspace\'s instances create (team-a-db database 1 × 512Mi, team-a-db cache 1 × 128Mi, team-a-ledger database 1 × 512Mi, team-a-ledger cache 1 × 128Mi, team-a-batch 10 × 1Gi, team-a-web 2 × 256Mi): the ResourceQuota would refuse the pods beyond it. Fix: raise quota.memory to at least 12032Mi, or lower the replicas or sizes',
  ]);
});
