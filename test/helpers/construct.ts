/** Renders one construct alone, in a minimal app, for the per-construct tests under test/lib/. */
import { App, Chart } from 'cdk8s';
import { FluxStage } from '../../lib/gitops/flux-stage';
import { CloudNativePg } from '../../lib/core/operators/cloudnative-pg';
import { PlatformIdentities } from '../../lib/core/platform-identities';
import { PlatformWiring } from '../../lib/core/platform-wiring';
import { SharedGateway } from '../../lib/core/shared-gateway';
import { SharedKafka } from '../../lib/core/shared-kafka';
import { RenderedObject, renderApp } from '../../lib/synth/dist-writer';
import { Workspace } from '../../lib/delivery/workspace';

/** Folder of the stage that holds the construct under test. */
const UNDER_TEST = 'under-test';

/** A minimal app: one chart with a stage `before` (for what the construct needs) and the stage under test. */
export interface TestScope {
  readonly app: App;
  readonly chart: Chart;
  /** A stage applied before the one under test, for what the construct needs to exist first. */
  readonly before: FluxStage;
  /** The stage the construct under test is created in. */
  readonly stage: FluxStage;
}

/** A fresh minimal app. */
export function testScope(): TestScope {
  const app = new App();
  const chart = new Chart(app, 'test');
  const before = new FluxStage(chart, 'before', { path: 'before' });
  const stage = new FluxStage(chart, 'stage', { path: UNDER_TEST, dependsOn: [before] });
  return { app, chart, before, stage };
}

/**
 * Builds a construct with `build` in a fresh minimal app and returns only the objects written to the stage
 * under test (in `dist/` order), validating the whole app first as `npm run synth` does.
 */
export function renderConstruct(build: (scope: TestScope) => void): RenderedObject[] {
  const scope = testScope();
  build(scope);
  return objectsOf(scope);
}

/** The objects of the stage under test of an app built with {@link testScope}. */
export function objectsOf(scope: TestScope): RenderedObject[] {
  return renderApp(scope.app).filter((f) => f.path.startsWith(`${UNDER_TEST}/`)).map((f) => f.object);
}

/** Identities of a made-up platform whose controllers run under other names than Mini-Atlas's own. */
export const TEST_IDENTITIES: PlatformIdentities = {
  kro: 'system:serviceaccount:graphs:kro-test',
  cloudNativePg: 'system:serviceaccount:databases:pg-operator',
  strimzi: 'system:serviceaccount:streams:strimzi-cluster-operator',
  kyvernoBackground: 'system:serviceaccount:policies:kyverno-background-controller',
  ciliumAgent: 'system:serviceaccount:kube-system:cilium',
  kubeControllers: ['system:serviceaccount:kube-system:job-controller', 'system:serviceaccount:kube-system:namespace-controller'],
};

/** A PlatformWiring with default shared services, created in the `before` stage; `overrides` replace fields. */
export function testWiring(scope: TestScope, overrides: Partial<Pick<PlatformWiring, 'apiServerPort' | 'identities'>> = {}): PlatformWiring {
  const kafka = new SharedKafka(scope.before, 'kafka');
  return {
    kafka,
    gateway: new SharedGateway(scope.before, 'gateway'),
    databaseStorageClass: 'retained',
    cnpgOperator: { namespace: CloudNativePg.NAMESPACE, podLabels: CloudNativePg.POD_LABELS },
    identities: TEST_IDENTITIES,
    apiServerPort: 6443,
    ...overrides,
  };
}

/** The resources of the one RGD among `objects`, by id. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test-only access to nested manifest fields
export function graphResources(objects: readonly RenderedObject[]): Record<string, any> {
  const rgds = objects.filter((o) => o.kind === 'ResourceGraphDefinition');
  if (rgds.length !== 1) throw new Error(`expected one RGD, found ${rgds.length}`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  return Object.fromEntries((rgds[0] as any).spec.resources.map((r: any) => [r.id, r]));
}

/** A workspace `team-a` applied in the `before` stage (as DeliveryChart.addWorkspace places it), its objects in the stage under test. */
export function testWorkspace(scope: TestScope): Workspace {
  const ws = new Workspace(scope.stage, 'team-a', { team: 'team-a' });
  FluxStage.place(ws.apiObject, scope.before);
  return ws;
}
