/** WorkspaceScopePolicy: the `workspace-scope` policy. */
import { WorkspaceScopePolicy } from '../../../../lib/foundation/policies/workspace-scope-policy';
import { renderConstruct } from '../../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new WorkspaceScopePolicy(stage, 'workspace-scope'); })).toMatchSnapshot();
});
