/** StatefulDeletionPolicy: the `stateful-deletion` policy. */
import { StatefulDeletionPolicy } from '../../../../lib/foundation/policies/stateful-deletion-policy';
import { renderConstruct } from '../../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new StatefulDeletionPolicy(stage, 'stateful-deletion'); })).toMatchSnapshot();
});
