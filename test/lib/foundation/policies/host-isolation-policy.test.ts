/** HostIsolationPolicy: the `host-isolation` policy. */
import { HostIsolationPolicy } from '../../../../lib/foundation/policies/host-isolation-policy';
import { POD_POLICY_SCOPE, policyScope } from '../../../helpers/policies';
import { renderConstruct } from '../../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new HostIsolationPolicy(stage, 'host-isolation'); })).toMatchSnapshot();
});

test('matches bare Pods, ephemeral containers and every pod-template kind explicitly (no autogen)', () => {
  expect(policyScope(renderConstruct(({ stage }) => { new HostIsolationPolicy(stage, 'host-isolation'); })[0])).toEqual(POD_POLICY_SCOPE);
});
