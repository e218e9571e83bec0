/** What a Pod policy matches, for the policy tests under test/lib/foundation/policies/. */
import { RenderedObject } from '../../lib/synth/dist-writer';
import { Json } from './platform';

/** The resource rules and the auto-generated pod controllers of a ValidatingPolicy. */
export function podPolicyScope(policy: RenderedObject): { resourceRules: unknown; controllers: unknown } {
  const spec = (policy as Json).spec;
  return { resourceRules: spec.matchConstraints.resourceRules, controllers: spec.autogen?.podControllers?.controllers };
}

/** A Pod policy: exactly v1 pods, so Kyverno auto-generates its Deployment/StatefulSet/… rules. */
export const POD_POLICY_SCOPE = {
  resourceRules: [expect.objectContaining({ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] })],
  controllers: ['deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs'],
};
