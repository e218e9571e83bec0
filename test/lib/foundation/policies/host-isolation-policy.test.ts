/** HostIsolationPolicy: the `host-isolation` policy. */
import { HostIsolationPolicy } from '../../../../lib/foundation/policies/host-isolation-policy';
import { Json } from '../../../helpers/platform';
import { renderConstruct } from '../../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new HostIsolationPolicy(stage, 'host-isolation'); })).toMatchSnapshot();
});

test('matches exactly v1 pods, so Kyverno auto-generates its Deployment/StatefulSet/… rules', () => {
  const p = renderConstruct(({ stage }) => { new HostIsolationPolicy(stage, 'host-isolation'); })[0] as Json;
  expect(p.spec.matchConstraints.resourceRules).toEqual([expect.objectContaining({ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] })]);
  expect(p.spec.autogen.podControllers.controllers).toEqual(['deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs']);
});
