/** RequiredLabelsPolicy: the `required-labels` policy. */
import { RequiredLabelsPolicy } from '../../../../lib/foundation/policies/required-labels-policy';
import { renderConstruct } from '../../../helpers/construct';
import { policyScope, WORKLOAD_SCOPE } from '../../../helpers/policies';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new RequiredLabelsPolicy(stage, 'required-labels'); })).toMatchSnapshot();
});

test('covers every workload kind: bare Pods, ReplicaSets and Jobs too', () => {
  expect(policyScope(renderConstruct(({ stage }) => { new RequiredLabelsPolicy(stage, 'required-labels'); })[0]).resources).toEqual(WORKLOAD_SCOPE);
});
