/**
 * Health means "actually working", for every stage: each Flux stage's `healthCheckExprs` is derived from the
 * kinds it holds, and a waiting stage holding a custom kind with no registered health check (or readiness
 * declaration) fails synth with the stage, the kind and the fix.
 */
import { readFileSync } from 'node:fs';
import { ApiObject, App, Chart } from 'cdk8s';
import { FluxStage, FluxSync, HealthCheckExpression, READINESS_DECLARATIONS, registerHealthCheck, renderApp, ValidationIssue } from '../../../lib';
import { KUBERNETES_API_GROUPS } from '../../../lib/gitops/health-checks';
import { KUBERNETES_DEFINITIONS_URL } from '../../../lib/shared/schema-sources';
import { resolveSchema } from '@mini-atlas/cli-common/schema-store';
import { issues } from '../../helpers/issues';
import { Json } from '../../helpers/platform';

/** A made-up component: a `widgets.example.com/v1` Widget in a stage of its own. */
function widgetApp(options: { wait?: boolean; register?: HealthCheckExpression; explicit?: HealthCheckExpression[] } = {}): App {
  const app = new App();
  const stage = new FluxStage(new Chart(app, 'c'), 'widgets', {
    path: 'delivery/widgets', wait: options.wait, healthCheckExpressions: options.explicit,
  });
  new ApiObject(stage, 'namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
  new ApiObject(stage, 'widget', { apiVersion: 'widgets.example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'team' } });
  if (options.register) registerHealthCheck(stage, options.register);
  new FluxSync(new FluxStage(new Chart(app, 'flux'), 'fs', { path: 'flux-system' }), 'sync', { stages: [stage] });
  return app;
}

/** The rendered Kustomization of the widget stage. */
function widgetKustomization(app: App): Json {
  return renderApp(app).map((f) => f.object as Json).find((o) => o.kind === 'Kustomization' && o.metadata.name === 'delivery-widgets');
}

/** The issues of rendering `app`. */
const issuesOf = (app: App): ValidationIssue[] => issues(() => renderApp(app));

const WIDGET_CHECK: HealthCheckExpression = {
  apiVersion: 'widgets.example.com/v1',
  kind: 'Widget',
  current: "has(status.phase) && status.phase == 'Running'",
  failed: "has(status.phase) && status.phase == 'Broken'",
};

describe('a made-up custom kind in a waiting stage', () => {
  test('without a registered health check it fails synth, naming the stage, the kind and the fix', () => {
    expect(issuesOf(widgetApp())).toEqual([{
      path: 'c/widgets',
      field: 'healthCheckExpressions',
      value: '"widgets.example.com/v1 Widget"',
      rule: 'stage "delivery/widgets" waits for c/widgets/widget, but custom kind widgets.example.com/Widget has no registered health check and no readiness declaration, so Flux would count it healthy as soon as it exists',
      fix: "register one in the construct that creates the kind: registerHealthCheck(this, { apiVersion: 'widgets.example.com/v1', kind: 'Widget', current: <CEL: ready for the current generation> })",
    }]);
  });

  test('registered, its expression appears in the stage Kustomization', () => {
    expect(widgetKustomization(widgetApp({ register: WIDGET_CHECK })).spec.healthCheckExprs).toEqual([WIDGET_CHECK]);
  });

  test('a stage that does not wait needs no check', () => {
    expect(issuesOf(widgetApp({ wait: false }))).toEqual([]);
  });

  test('an explicit entry is kept; one for a registered kind is a second copy Flux would ignore', () => {
    expect(widgetKustomization(widgetApp({ explicit: [WIDGET_CHECK] })).spec.healthCheckExprs).toEqual([WIDGET_CHECK]);
    expect(issuesOf(widgetApp({ register: WIDGET_CHECK, explicit: [{ ...WIDGET_CHECK }] }))).toEqual([{
      path: 'c/widgets',
      field: 'healthCheckExpressions',
      value: '"widgets.example.com/v1 Widget"',
      rule: 'duplicates the health check registered for widgets.example.com/Widget (Flux uses only the first entry per kind)',
      fix: 'remove the explicit entry; the registered check is derived for every stage that holds the kind',
    }]);
  });

  test('two different checks for one kind are reported at the second registration', () => {
    const app = widgetApp({ register: WIDGET_CHECK });
    const other = new Chart(app, 'other');
    registerHealthCheck(other, { ...WIDGET_CHECK, apiVersion: 'widgets.example.com/v2', current: 'true' });
    registerHealthCheck(other, WIDGET_CHECK);
    expect(issuesOf(app)).toEqual([{
      path: 'other',
      field: 'healthCheck',
      value: '"widgets.example.com/v2 Widget"',
      rule: 'differs from the health check c/widgets registered for widgets.example.com/Widget (Flux uses one check per kind)',
      fix: 'register one health check per kind',
    }]);
  });
});

describe('what needs no check', () => {
  test('Flux kinds (kstatus) and a KafkaNodePool (covered by its Kafka) in a waiting stage', () => {
    const app = new App();
    const stage = new FluxStage(new Chart(app, 'c'), 's', { path: 's' });
    new ApiObject(stage, 'repo', { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'r', namespace: 'x' } });
    new ApiObject(stage, 'pool', { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaNodePool', metadata: { name: 'p', namespace: 'x' } });
    expect(issuesOf(app)).toEqual([]);
    expect(READINESS_DECLARATIONS.find((d) => d.kind === 'KafkaNodePool')?.readiness).toEqual({ coveredBy: 'kafka.strimzi.io/Kafka' });
  });

  test('the built-in API groups are exactly those of the pinned Kubernetes schema', () => {
    const definitions = JSON.parse(readFileSync(resolveSchema(KUBERNETES_DEFINITIONS_URL), 'utf8')).definitions as Record<string, Json>;
    const groups = new Set<string>();
    for (const d of Object.values(definitions)) {
      const gvks = d['x-kubernetes-group-version-kind'];
      if (Array.isArray(gvks) && gvks.length === 1) groups.add(gvks[0].group);
    }
    expect([...KUBERNETES_API_GROUPS].sort()).toEqual([...groups].sort());
  });
});
