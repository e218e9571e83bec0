/**
 * Health means "actually working", for every stage of the platform: each Flux stage's `healthCheckExprs`,
 * exactly (the rule that derives them: test/lib/gitops/health-checks.test.ts).
 */
import { HealthCheckExpression } from '../../lib';
import { Json, ofKind, render } from '../helpers/platform';


const KRO_READY = "has(status.conditions) && status.conditions.exists(c, c.type == 'Ready' && c.status == 'True' && has(c.observedGeneration) && c.observedGeneration == metadata.generation)";
const kroInstance = (kind: string): HealthCheckExpression => ({ apiVersion: 'platform.mini-atlas.io/v1alpha1', kind, current: KRO_READY });

describe("today's platform: every stage's healthCheckExprs, exactly", () => {
  const kustomizations = ofKind(render(), 'Kustomization').filter((k) => k.apiVersion === 'kustomize.toolkit.fluxcd.io/v1') as Json[];
  const exprs = Object.fromEntries(kustomizations.map((k) => [k.metadata.name, k.spec.healthCheckExprs]));

  test('core-shared-services waits for the Kafka to be Ready, the Gateway Programmed and its redirect route Accepted, all for the current generation', () => {
    expect(exprs['core-shared-services']).toEqual([
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        current: "has(status.conditions) && status.conditions.exists(c, c.type == 'Programmed' && c.status == 'True' && has(c.observedGeneration) && c.observedGeneration == metadata.generation)",
        failed: "has(status.conditions) && status.conditions.exists(c, c.type == 'Accepted' && c.status == 'False' && c.reason in ['Invalid', 'InvalidParameters', 'UnsupportedAddress', 'ListenersNotValid'] && has(c.observedGeneration) && c.observedGeneration == metadata.generation)",
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        current: "has(status.parents) && size(status.parents) > 0 && status.parents.all(p, has(p.conditions) && p.conditions.exists(c, c.type == 'Accepted' && c.status == 'True' && has(c.observedGeneration) && c.observedGeneration == metadata.generation))",
        failed: "has(status.parents) && status.parents.exists(p, has(p.conditions) && p.conditions.exists(c, c.type == 'Accepted' && c.status == 'False' && has(c.observedGeneration) && c.observedGeneration == metadata.generation))",
      },
      {
        apiVersion: 'kafka.strimzi.io/v1',
        kind: 'Kafka',
        current: "has(status.observedGeneration) && status.observedGeneration == metadata.generation && has(status.conditions) && status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')",
      },
    ]);
  });

  test('the foundation waits for every RGD Ready for its generation and for every Kyverno policy ready', () => {
    expect(exprs.foundation).toEqual([
      {
        apiVersion: 'kro.run/v1alpha1',
        kind: 'ResourceGraphDefinition',
        current: KRO_READY,
        failed: "has(status.conditions) && status.conditions.exists(c, c.type == 'GraphAccepted' && c.status == 'False' && has(c.observedGeneration) && c.observedGeneration == metadata.generation)",
      },
      { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', current: "has(status.conditions) && status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')" },
      { apiVersion: 'policies.kyverno.io/v1', kind: 'ValidatingPolicy', current: 'has(status.conditionStatus) && has(status.conditionStatus.ready) && status.conditionStatus.ready == true' },
    ]);
  });

  test('the delivery stages wait for their KRO instances (the Workspace is placed in delivery/workspaces)', () => {
    expect(exprs['delivery-workspaces']).toEqual([kroInstance('Workspace')]);
    expect(exprs['delivery-team-a']).toEqual([kroInstance('Infrastructure'), kroInstance('Topic'), kroInstance('WebApplication')]);
  });

  test('stages of built-in and Flux kinds only carry none', () => {
    expect([exprs['core-operators'], exprs['flux-system'], exprs['gateway-api-crds']]).toEqual([undefined, undefined, undefined]);
  });
});
