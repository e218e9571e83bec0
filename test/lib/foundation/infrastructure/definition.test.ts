/** InfrastructureDefinition: the Infrastructure RGD (a PostgreSQL cluster and an optional cache). */
import { InfrastructureDefinition } from '../../../../lib/foundation/infrastructure/definition';
import { graphResources, renderConstruct, testWiring } from '../../../helpers/construct';
import { evaluateTemplate, renderTemplate as render } from '../../../helpers/kro-readiness';

const objects = renderConstruct((scope) => { new InfrastructureDefinition(scope.stage, 'infrastructure', testWiring(scope)); });

test('defaults (the default shared services)', () => {
  expect(objects).toMatchSnapshot();
});

test('the database gets its credentials from the operator: no password, no superuser, no SQL', () => {
  const db = graphResources(objects).database.template.spec;
  expect(db.enableSuperuserAccess).toBe(false);
  expect(db.bootstrap.initdb).toEqual({ database: '${schema.spec.postgres.database}', owner: '${schema.spec.postgres.owner}' });
  expect(JSON.stringify(db)).not.toMatch(/postInit|password|secret/i);
});

describe('issue 18: PostgreSQL optional, more databases and extensions through CloudNativePG Database objects', () => {
  const resources = graphResources(objects);
    const instance = (postgres: Record<string, unknown>, cache = true) => ({
    metadata: { name: 'team-a-db', namespace: 'team-a' },
    spec: {
      postgres: { enabled: true, instances: 1, storage: '1Gi', database: 'orders', owner: 'orders_app', extensions: [], databases: [], ...postgres },
      cache: { enabled: cache, memory: '128Mi' },
    },
  });
  const cluster = { metadata: { name: 'team-a-db', namespace: 'team-a' } };
  const included = (id: string, schema: unknown): boolean[] =>
    ((resources[id].includeWhen ?? []) as string[]).map((c) => evaluateTemplate(c, { schema }) as boolean);

  test('the Cluster, the bootstrap Database and the databases collection exist only with postgres.enabled; the cache only with cache.enabled', () => {
    const cacheOnly = instance({ enabled: false, extensions: ['pg_trgm'], databases: [{ name: 'reports', extensions: [] }] });
    expect(Object.fromEntries(['database', 'bootstrapDatabase', 'databases', 'cacheService', 'cache'].map((id) => [id, included(id, cacheOnly)]))).toEqual({
      database: [false], bootstrapDatabase: [false], databases: [false], cacheService: [true], cache: [true],
    });
    const databaseOnly = instance({ extensions: ['pg_trgm'] }, false);
    expect(Object.fromEntries(['database', 'bootstrapDatabase', 'databases', 'cacheService', 'cache'].map((id) => [id, included(id, databaseOnly)]))).toEqual({
      database: [true], bootstrapDatabase: [true], databases: [true], cacheService: [false], cache: [false],
    });
    // No extensions on the bootstrap database: no Database object for it (initdb created the database).
    expect(included('bootstrapDatabase', instance({}))).toEqual([false]);
  });

  test('the Cluster carries the labels the WebApplication RGD selects Clusters by', () => {
    expect(resources.database.template.metadata.labels).toEqual({
      'app.kubernetes.io/component': 'database', 'app.kubernetes.io/instance': '${schema.metadata.name}', 'app.kubernetes.io/managed-by': 'kro',
      'app.kubernetes.io/name': 'postgresql', 'platform.mini-atlas.io/workspace': '${schema.metadata.namespace}',
    });
  });

  test('the bootstrap database\'s extensions: the Database object KRO renders', () => {
    expect(render(resources.bootstrapDatabase.template, { schema: instance({ extensions: ['pg_trgm', 'uuid-ossp'] }), database: cluster })).toEqual({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Database',
      metadata: {
        name: 'team-a-db-db', namespace: 'team-a',
        labels: { 'app.kubernetes.io/instance': 'team-a-db', 'app.kubernetes.io/managed-by': 'kro', 'platform.mini-atlas.io/workspace': 'team-a' },
      },
      spec: {
        cluster: { name: 'team-a-db' }, name: 'orders', owner: 'orders_app', databaseReclaimPolicy: 'retain',
        extensions: [{ name: 'pg_trgm' }, { name: 'uuid-ossp' }],
      },
    });
  });

  test('one Database per additional database, owned by the owner role, named after it with _ as -', () => {
    expect(resources.databases.forEach).toEqual([{ db: '${schema.spec.postgres.databases}' }]);
    const schema = instance({ databases: [{ name: 'audit_log', extensions: ['vector'] }, { name: 'reports', extensions: [] }] });
    expect(schema.spec.postgres.databases.map((db) => render(resources.databases.template, { schema, database: cluster, db }))).toEqual([
      {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Database',
        metadata: {
          name: 'team-a-db-db-audit-log', namespace: 'team-a',
          labels: { 'app.kubernetes.io/instance': 'team-a-db', 'app.kubernetes.io/managed-by': 'kro', 'platform.mini-atlas.io/workspace': 'team-a' },
        },
        spec: { cluster: { name: 'team-a-db' }, name: 'audit_log', owner: 'orders_app', databaseReclaimPolicy: 'retain', extensions: [{ name: 'vector' }] },
      },
      {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Database',
        metadata: {
          name: 'team-a-db-db-reports', namespace: 'team-a',
          labels: { 'app.kubernetes.io/instance': 'team-a-db', 'app.kubernetes.io/managed-by': 'kro', 'platform.mini-atlas.io/workspace': 'team-a' },
        },
        spec: { cluster: { name: 'team-a-db' }, name: 'reports', owner: 'orders_app', databaseReclaimPolicy: 'retain', extensions: [] },
      },
    ]);
  });

  test('status: database Secret and host only with PostgreSQL, cache ones only with the cache', () => {
    const status = (schema: unknown) => Object.fromEntries(Object.entries(
      (objects.find((o) => (o as { kind: string }).kind === 'ResourceGraphDefinition') as unknown as { spec: { schema: { status: Record<string, string> } } }).spec.schema.status,
    ).map(([k, v]) => [k, evaluateTemplate(v, { schema })]));
    expect(status(instance({ enabled: false }))).toEqual({ databaseSecret: '', databaseHost: '', cacheHost: 'team-a-db-cache.team-a.svc', cacheSecret: 'team-a-db-cache-auth' });
    expect(status(instance({}, false))).toEqual({ databaseSecret: 'team-a-db-app', databaseHost: 'team-a-db-rw.team-a.svc', cacheHost: '', cacheSecret: '' });
  });
});
