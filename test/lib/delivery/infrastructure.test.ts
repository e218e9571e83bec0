/** Infrastructure: a PostgreSQL database and an optional cache (an instance of the Infrastructure RGD). */
import { Infrastructure, POSTGRES_EXTENSIONS, Workspace } from '../../../lib';
import { tenantIssues, workspaceIssues } from '../../helpers/issues';
import { renderConstruct, testWorkspace } from '../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct((scope) => { new Infrastructure(testWorkspace(scope), 'db'); })).toMatchSnapshot();
});

test('all props', () => {
  expect(renderConstruct((scope) => {
    new Infrastructure(testWorkspace(scope), 'db', {
      name: 'team-a-orders-db',
      postgres: { instances: 3, storage: '5Gi', database: 'orders', owner: 'orders_app' },
      cache: { enabled: true, memory: '512Mi' },
    });
  })).toMatchSnapshot();
});

test('fails if the name is too long for the names CloudNativePG derives from it (<name>-app, -rw, pods)', () => {
  const issues = tenantIssues((s) => new Infrastructure(new Workspace(s, 'team-a', { team: 'a' }), 'd'.repeat(44)));
  expect(issues).toContainEqual(expect.objectContaining({ field: 'name', rule: 'is 51 characters long; the limit is 50' }));
});

test('fails if the storage size does not parse', () => {
  expect(workspaceIssues((ws) => new Infrastructure(ws, 'db', { postgres: { storage: '10 gigs' } }))).toContainEqual({
    path: 'delivery/team/team-a/infrastructure/db', field: 'spec.postgres.storage', value: '"10 gigs"', rule: 'must match a quantity such as 1Gi',
  });
});

describe('issue 18: cache-only, database-only, connection details, more databases and extensions', () => {
  const spec = (props: ConstructorParameters<typeof Infrastructure>[2]): unknown => {
    const objects = renderConstruct((scope) => { new Infrastructure(testWorkspace(scope), 'db', props); });
    return (objects.find((o) => (o as { kind: string }).kind === 'Infrastructure') as unknown as { spec: unknown }).spec;
  };
  const PATH = 'delivery/team/team-a/infrastructure/db';
  const ONE_OF_EXTENSIONS = `must be one of ${POSTGRES_EXTENSIONS.join(', ')}`;

  test('cache-only: the instance says postgres.enabled false and synth accepts it; no database Services are derived', () => {
    expect(spec({ postgres: { enabled: false } })).toEqual({ postgres: { enabled: false, instances: 1, storage: '1Gi' } });
    expect(workspaceIssues((ws) => {
      const infra = new Infrastructure(ws, 'db', { postgres: { enabled: false } });
      expect([infra.derivedObjects(), infra.databaseSecretName, infra.databaseHost, infra.cacheHost])
        .toEqual([['Service team-a-db-cache', 'Deployment team-a-db-cache'], undefined, undefined, 'team-a-db-cache.team-a.svc']);
      expect(infra.podDemands()).toEqual([{ source: 'team-a-db cache', pods: 1, cpu: '500m', memory: '128Mi' }]);
    })).toEqual([]);
  });

  test('database-only: cache.enabled false and synth accepts it', () => {
    expect(spec({ cache: { enabled: false } })).toEqual({ postgres: { instances: 1, storage: '1Gi' }, cache: { enabled: false } });
    expect(workspaceIssues((ws) => new Infrastructure(ws, 'db', { cache: { enabled: false } }))).toEqual([]);
  });

  test('neither: one issue with the rule and the fix', () => {
    expect(workspaceIssues((ws) => new Infrastructure(ws, 'db', { postgres: { enabled: false }, cache: { enabled: false } }))).toEqual([{
      path: PATH, field: 'spec.postgres.enabled', value: 'false',
      rule: 'turns off PostgreSQL and the cache together: the Infrastructure would run nothing',
      fix: 'enable postgres (a database), the cache, or both; remove the Infrastructure if it needs neither',
    }]);
  });

  test('extensions and additional databases reach the instance spec as written', () => {
    expect(spec({ postgres: { database: 'orders', extensions: ['pg_trgm', 'uuid-ossp'], databases: [{ name: 'reports', extensions: ['vector'] }, { name: 'audit_log' }] } }))
      .toEqual({
        postgres: {
          instances: 1, storage: '1Gi', database: 'orders', extensions: ['pg_trgm', 'uuid-ossp'],
          databases: [{ name: 'reports', extensions: ['vector'] }, { name: 'audit_log' }],
        },
      });
  });

  test('bad extensions and database names: every problem, each with its exact message', () => {
    expect(workspaceIssues((ws) => new Infrastructure(ws, 'db', {
      postgres: {
        database: 'orders',
        // Casts: the type allows only the known names; raw values reach the schema checks as YAML would.
        extensions: ['postgis' as 'vector'],
        databases: [
          { name: 'Reports' }, { name: 'audit_' }, { name: 'orders' }, { name: 'template1' }, { name: 'reports_2' }, { name: 'reports_2', extensions: ['timescaledb' as 'vector'] },
        ],
      },
    }))).toEqual([
      { path: PATH, field: 'spec.postgres.extensions[0]', value: '"postgis"', rule: ONE_OF_EXTENSIONS },
      {
        path: PATH, field: 'spec.postgres.databases[0].name', value: '"Reports"',
        rule: 'must match a lowercase PostgreSQL identifier starting with a letter and ending with a letter or digit',
      },
      {
        path: PATH, field: 'spec.postgres.databases[1].name', value: '"audit_"',
        rule: 'must match a lowercase PostgreSQL identifier starting with a letter and ending with a letter or digit',
      },
      { path: PATH, field: 'spec.postgres.databases[5].extensions[0]', value: '"timescaledb"', rule: ONE_OF_EXTENSIONS },
      {
        path: PATH, field: 'spec.postgres.databases[2].name', value: '"orders"',
        rule: 'is the bootstrap database (postgres.database), which the cluster creates already', fix: 'list only the databases beside it; put its extensions in postgres.extensions',
      },
      {
        path: PATH, field: 'spec.postgres.databases[3].name', value: '"template1"',
        rule: 'is reserved by PostgreSQL ("postgres", "template0", "template1"): CloudNativePG\'s Database resource refuses it', fix: 'choose another database name',
      },
      { path: PATH, field: 'spec.postgres.databases[5].name', value: '"reports_2"', rule: 'is listed twice (also at postgres.databases[4])', fix: 'list each database once' },
    ]);
  });

  test('more than 8 databases or 16 extensions: refused by the list bounds', () => {
    const many = Array.from({ length: 9 }, (_x, i) => ({ name: `db${i}` }));
    expect(workspaceIssues((ws) => new Infrastructure(ws, 'db', { postgres: { databases: many } }))).toEqual([
      { path: PATH, field: 'spec.postgres.databases', value: JSON.stringify(many), rule: 'must have at most 8 items, has 9' },
    ]);
  });
});

test('the extensions the pinned image ships: PostgreSQL 18 contrib modules with an extension, then pgaudit and vector', () => {
  expect(POSTGRES_EXTENSIONS.length).toBe(47);
  expect(POSTGRES_EXTENSIONS.slice(-2)).toEqual(['pgaudit', 'vector']);
  expect(POSTGRES_EXTENSIONS).toEqual(expect.arrayContaining(['pg_trgm', 'citext', 'uuid-ossp', 'hstore', 'pgcrypto', 'pg_stat_statements']));
});
