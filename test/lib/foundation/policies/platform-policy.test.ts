/** PlatformPolicy: a Kyverno ValidatingPolicy that denies violations. */
import { PlatformPolicy } from '../../../../lib/foundation/policies/platform-policy';
import { renderConstruct } from '../../../helpers/construct';

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
      match: [{ apiGroup: '', resources: ['pods'], apiVersions: ['v1'] }],
      operations: ['CREATE', 'UPDATE', 'DELETE'], rules, namespaces: 'non-workspaces', podControllers: true,
      variables: { forbidden: '"forbidden"' },
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
