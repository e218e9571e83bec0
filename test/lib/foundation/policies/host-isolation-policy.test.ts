/** HostIsolationPolicy: the `host-isolation` policy. */
import { HostIsolationPolicy } from '../../../../lib/foundation/policies/host-isolation-policy';
import { POD_POLICY_SCOPE, podPolicyScope } from '../../../helpers/policies';
import { renderConstruct } from '../../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new HostIsolationPolicy(stage, 'host-isolation'); })).toMatchSnapshot();
});

test('matches exactly v1 pods, so Kyverno auto-generates its Deployment/StatefulSet/… rules', () => {
  expect(podPolicyScope(renderConstruct(({ stage }) => { new HostIsolationPolicy(stage, 'host-isolation'); })[0])).toEqual(POD_POLICY_SCOPE);
});
