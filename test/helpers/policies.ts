/** What a policy matches, for the policy tests under test/lib/foundation/policies/. */
import { RenderedObject } from '../../lib/synth/dist-writer';
import { Json } from './platform';

/** The matched `group/resource` pairs of a ValidatingPolicy, and its autogen setting (undefined when none). */
export function policyScope(policy: RenderedObject): { resources: string[]; autogen: unknown } {
  const spec = (policy as Json).spec;
  return {
    resources: spec.matchConstraints.resourceRules.flatMap((r: Json) => r.apiGroups.flatMap((g: string) => r.resources.map((res: string) => `${g}/${res}`))),
    autogen: spec.autogen,
  };
}

/**
 * A Pod policy: bare Pods, their ephemeral containers and every pod-template kind, matched explicitly (no
 * Kyverno autogen: it would need the policy to match only `pods`).
 */
export const POD_POLICY_SCOPE = {
  resources: ['/pods', '/pods/ephemeralcontainers', 'apps/deployments', 'apps/replicasets', 'apps/statefulsets', 'apps/daemonsets', 'batch/jobs', 'batch/cronjobs'],
  autogen: undefined,
};

/** Every workload kind, Pods included (not their subresources): what the label and naming rules cover. */
export const WORKLOAD_SCOPE = ['/pods', 'apps/deployments', 'apps/replicasets', 'apps/statefulsets', 'apps/daemonsets', 'batch/jobs', 'batch/cronjobs'];
