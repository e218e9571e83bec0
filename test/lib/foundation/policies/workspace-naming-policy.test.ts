/** WorkspaceNamingPolicy: the `workspace-naming` policy. */
import { WorkspaceNamingPolicy } from '../../../../lib/foundation/policies/workspace-naming-policy';
import { Json } from '../../../helpers/platform';
import { renderConstruct } from '../../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new WorkspaceNamingPolicy(stage, 'workspace-naming'); })).toMatchSnapshot();
});

test('reads the name prefix from the namespace label', () => {
  const naming = renderConstruct(({ stage }) => { new WorkspaceNamingPolicy(stage, 'workspace-naming'); })[0] as Json;
  expect(naming.spec.variables).toContainEqual({ name: 'workspace', expression: 'namespaceObject.metadata.labels["platform.mini-atlas.io/workspace"]' });
  expect(naming.spec.validations[0].expression).toBe('object.metadata.name.startsWith(variables.workspace + "-")');
});
