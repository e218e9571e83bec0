/** PlatformPolicy: a Kyverno ValidatingPolicy that denies violations. */
import { PlatformPolicy } from '../../../../lib/foundation/policies/platform-policy';
import { renderConstruct } from '../../../helpers/construct';
import { POD_POLICY_SCOPE, policyScope } from '../../../helpers/policies';

const rules = [{ expression: 'object.metadata.name != "forbidden"', messageExpression: '"the name forbidden is taken"' }];

test('defaults (required props only)', () => {
  expect(renderConstruct(({ stage }) => {
    new PlatformPolicy(stage, 'p', { name: 'no-forbidden', description: 'No object is named forbidden.', match: [{ apiGroup: 'apps', resources: ['deployments'] }], rules });
  })).toMatchSnapshot();
});

test('all props', () => {
  expect(renderConstruct(({ stage }) => {
    new PlatformPolicy(stage, 'p', {
      name: 'no-forbidden-pods', description: 'No pod is named forbidden.',
      match: [{ apiGroup: '', resources: ['configmaps'], apiVersions: ['v1'] }],
      operations: ['CREATE', 'UPDATE', 'DELETE'], rules, namespaces: 'non-workspaces', podTemplates: true,
      exemptUsers: ['system:serviceaccount:ops:janitor'], variables: { forbidden: '"forbidden"' },
    });
  })).toMatchSnapshot();
});

test('namespaces: all drops the namespace selector and the workspace variable', () => {
  const [policy] = renderConstruct(({ stage }) => {
    new PlatformPolicy(stage, 'p', { name: 'everywhere', description: 'd', match: [{ apiGroup: 'apps', resources: ['deployments'] }], rules, namespaces: 'all' });
  });
  expect(policy.spec).toMatchObject({ matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['*'], resources: ['deployments'], operations: ['CREATE', 'UPDATE'] }] }, variables: [] });
  expect(Object.keys((policy.spec as { matchConstraints: object }).matchConstraints)).toEqual(['resourceRules']);
});

describe('podTemplates', () => {
  const [policy] = renderConstruct(({ stage }) => {
    new PlatformPolicy(stage, 'p', { name: 'pods', description: 'd', match: [], rules, podTemplates: true });
  });
  const variables = Object.fromEntries((policy.spec as { variables: { name: string; expression: string }[] }).variables.map((v) => [v.name, v.expression]));

  test('matches bare Pods, their ephemeral containers and every pod-template kind, without Kyverno autogen', () => {
    expect(policyScope(policy)).toEqual(POD_POLICY_SCOPE);
  });

  test('reads the pod where each kind keeps it (Kyverno autogen paths: spec.template, spec.jobTemplate.spec.template)', () => {
    expect(variables.podSpec).toBe('object.kind == "Pod" ? object.spec : object.kind == "CronJob" ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec');
    expect(variables.podMetadata).toBe('object.kind == "Pod" ? object.metadata : object.kind == "CronJob" ? ' +
      'object.spec.jobTemplate.spec.template.?metadata.orValue({}) : object.spec.template.?metadata.orValue({})');
    expect(variables.containers).toBe('variables.podSpec.containers + variables.podSpec.?initContainers.orValue([]) + variables.podSpec.?ephemeralContainers.orValue([])');
  });
});

test('exemptUsers: the rules see variables.exempt, true exactly for those user names', () => {
  const [policy] = renderConstruct(({ stage }) => {
    new PlatformPolicy(stage, 'p', { name: 'x', description: 'd', match: [{ apiGroup: 'apps', resources: ['deployments'] }], rules, exemptUsers: ['system:serviceaccount:a:b', 'carol'] });
  });
  expect((policy.spec as { variables: unknown[] }).variables).toContainEqual({ name: 'exempt', expression: 'request.userInfo.username in ["system:serviceaccount:a:b","carol"]' });
});
