/** RequiredLabelsPolicy: the `required-labels` policy. */
import { RequiredLabelsPolicy } from '../../../../lib/foundation/policies/required-labels-policy';
import { renderConstruct } from '../../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new RequiredLabelsPolicy(stage, 'required-labels'); })).toMatchSnapshot();
});
