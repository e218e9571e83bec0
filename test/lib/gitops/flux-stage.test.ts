/** FluxStage: a folder of dist/ and the Flux Kustomization that applies it. */
import { App, Chart } from 'cdk8s';
import { FluxStage, FluxStageProps } from '../../../lib/gitops/flux-stage';
import { FluxSync } from '../../../lib/gitops/flux-sync';
import { RenderedObject, renderApp } from '../../../lib/synth/dist-writer';
import { issues } from '../../helpers/issues';

/** The Kustomization of a stage `under-test` (beside a stage `dep`) made with `props`. */
function kustomizationOf(props: (dep: FluxStage) => Omit<FluxStageProps, 'path'>): RenderedObject | undefined {
  const app = new App();
  const chart = new Chart(app, 'c');
  const dep = new FluxStage(chart, 'dep', { path: 'dep' });
  const stage = new FluxStage(chart, 'stage', { path: 'under/test', ...props(dep) });
  new FluxSync(new FluxStage(new Chart(app, 'flux'), 'fs', { path: 'flux-system' }), 'sync', { stages: [dep, stage] });
  return renderApp(app).map((f) => f.object).find((o) => o.kind === 'Kustomization' && o.metadata.name === 'under-test');
}

test('defaults (required props only): its Kustomization', () => {
  expect(kustomizationOf(() => ({}))).toMatchSnapshot();
});

test('all props: its Kustomization', () => {
  expect(kustomizationOf((dep) => ({
    dependsOn: [dep], wait: false, prune: false, timeout: '5m',
    healthCheckExpressions: [{ apiVersion: 'example.com/v1', kind: 'Widget', current: 'status.ready == true', failed: 'status.ready == false' }],
  }))).toMatchSnapshot();
});

test('fails if two stages have the same folder, or dependsOn forms a cycle', () => {
  const app = new App();
  const chart = new Chart(app, 'c');
  const a = new FluxStage(chart, 'a', { path: 'same' });
  const b = new FluxStage(chart, 'b', { path: 'same', dependsOn: [a] });
  a.addDependency(b);
  new FluxSync(new FluxStage(new Chart(app, 'flux'), 'fs', { path: 'flux-system' }), 'sync', { stages: [a, b] });
  const found = issues(() => renderApp(app));
  expect(found).toContainEqual(expect.objectContaining({ path: 'c/b', field: 'path', rule: 'is also the path of c/a' }));
  expect(found).toContainEqual(expect.objectContaining({ field: 'stages', value: '["same","same","same"]', rule: 'dependsOn forms a cycle' }));
});

test('fails if a stage others depend on does not wait for its objects to work', () => {
  const app = new App();
  const chart = new Chart(app, 'c');
  const base = new FluxStage(chart, 'base', { path: 'base', wait: false });
  const apps = new FluxStage(chart, 'apps', { path: 'apps', dependsOn: [base] });
  new FluxSync(new FluxStage(new Chart(app, 'flux'), 'fs', { path: 'flux-system' }), 'sync', { stages: [base, apps] });
  expect(issues(() => renderApp(app))).toEqual([{
    path: 'c/base', field: 'wait', value: 'false',
    rule: 'is off, but apps depends on this stage: Flux then counts it Ready once applied, so they may start before its objects work',
    fix: 'leave wait on (the default) for a stage others depend on',
  }]);
});
