/** Workspace: a team's namespace (an instance of the Workspace RGD). */
import { App, Chart } from 'cdk8s';
import { FluxStage, Workspace } from '../../../lib';
import { PRODUCTION } from '../../../lib/shared/environment';
import { tenantIssues } from '../../helpers/issues';
import { renderConstruct } from '../../helpers/construct';

test('defaults (required props only)', () => {
  expect(renderConstruct(({ stage }) => { new Workspace(stage, 'team-a', { team: 'team-a' }); })).toMatchSnapshot();
});

test('all props', () => {
  expect(renderConstruct(({ stage }) => {
    new Workspace(stage, 'team-a', {
      team: 'payments', environment: PRODUCTION,
      quota: { cpu: '8', memory: '16Gi', storage: '200Gi', pods: 40, defaultContainerCpu: '250m', defaultContainerMemory: '256Mi' },
    });
  })).toMatchSnapshot();
});

test('fails if the name is not a DNS-1123 label', () => {
  expect(tenantIssues((s) => new Workspace(s, 'Team_A', { team: 'a' }))).toContainEqual({
    path: 'delivery/team/Team_A', field: 'name', value: '"Team_A"',
    rule: 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit',
    fix: 'use a shorter lowercase name of letters, digits and "-"',
  });
});

test('fails if the name is too long to prefix its objects', () => {
  const name = 'a'.repeat(31);
  expect(tenantIssues((s) => new Workspace(s, name, { team: 'a' }))[0]).toMatchObject({
    field: 'name', rule: 'is 31 characters long; the limit is 30',
  });
});

test.each(['kube-system', 'flux-system', 'kafka', 'cnpg-system', 'default', 'kube-anything'])('fails if the name is reserved: %s', (name) => {
  expect(tenantIssues((s) => new Workspace(s, name, { team: 'a' }))).toContainEqual(expect.objectContaining({
    field: 'name', rule: 'is a reserved namespace (Kubernetes, Flux or a platform component)',
  }));
});

test('fails if two workspaces have the same name, even in different charts', () => {
  const issues = tenantIssues((s) => {
    new Workspace(s, 'team-a', { team: 'a' });
    new Workspace(new FluxStage(new Chart(s.node.root as App, 'other'), 'x', { path: 'delivery/x' }), 'team-a', { team: 'b' });
  });
  expect(issues).toContainEqual(expect.objectContaining({
    path: 'other/x/team-a', rule: 'is already the name of the workspace at delivery/team/team-a',
  }));
});

test.each([
  ['topics', -1, 'must be between 0 and 100'], ['topics', 101, 'must be between 0 and 100'],
  ['kafkaProducerBytesPerSecond', 1023, 'must be between 1024 and 104857600'], ['kafkaConsumerBytesPerSecond', 104857601, 'must be between 1024 and 104857600'],
] as const)('fails if quota.%s is %i (issue 16: the workspace\'s Kafka limits are bounded)', (field, value, rule) => {
  expect(tenantIssues((s) => new Workspace(s, 'team-a', { team: 'team-a', quota: { [field]: value } }))).toEqual([
    { path: 'delivery/team/team-a', field: `spec.quota.${field}`, value: String(value), rule },
  ]);
});
