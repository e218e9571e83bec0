/** Infrastructure: a PostgreSQL database and an optional cache (an instance of the Infrastructure RGD). */
import { Infrastructure, Workspace } from '../../../lib';
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
