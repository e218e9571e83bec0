/** Topic: a KafkaTopic in the shared cluster (an instance of the Topic RGD). */
import { Topic, Workspace } from '../../../lib';
import { tenantIssues, workspaceIssues } from '../../helpers/issues';
import { renderConstruct, testWorkspace } from '../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct((scope) => { new Topic(testWorkspace(scope), 'orders'); })).toMatchSnapshot();
});

test('all props', () => {
  expect(renderConstruct((scope) => {
    new Topic(testWorkspace(scope), 'orders', { name: 'team-a-order-events', partitions: 12, replicas: 1, retentionHours: 720, cleanupPolicy: 'compact' });
  })).toMatchSnapshot();
});

test('fails if the name misses the workspace prefix (the Kyverno naming policy would reject it)', () => {
  const issues = tenantIssues((s) => new Topic(new Workspace(s, 'team-a', { team: 'a' }), 'orders', { name: 'orders' }));
  expect(issues).toContainEqual({
    path: 'delivery/team/team-a/topics/orders', field: 'name', value: '"orders"',
    rule: 'must start with the workspace prefix "team-a-" (Kyverno policy workspace-naming)',
    fix: 'name it "team-a-orders" or omit the name',
  });
});

test.each([[0, 'partitions', 'must be between 1 and 48'], [49, 'partitions', 'must be between 1 and 48'], [0, 'retentionHours', 'must be between 1 and 720'], [721, 'retentionHours', 'must be between 1 and 720'], [0, 'retentionMiB', 'must be between 1 and 1024'], [1025, 'retentionMiB', 'must be between 1 and 1024']] as const)(
  'fails if %i %s', (value, field, rule) => {
    expect(workspaceIssues((ws) => new Topic(ws, 't', { [field]: value }))).toContainEqual(expect.objectContaining({ field: `spec.${field}`, rule }));
  });
