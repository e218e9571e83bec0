/**
 * FluxSystemChart: the flux-system folder, which reconciles itself and every other stage. It is a FluxSync in
 * a stage of its own, so it is compared with one (FluxSync's objects are snapshotted in flux-sync.test.ts).
 */
import { App, Chart } from 'cdk8s';
import { FluxStage } from '../../../lib/gitops/flux-stage';
import { FluxSync, FluxSyncProps } from '../../../lib/gitops/flux-sync';
import { FluxSystemChart } from '../../../lib/gitops/flux-system-chart';
import { RenderedFile, renderApp } from '../../../lib/synth/dist-writer';

/** The files of an app with one (empty) stage `apps` and what `build` adds. */
function render(build: (app: App, stages: FluxStage[]) => void): RenderedFile[] {
  const app = new App();
  const stages = [new FluxStage(new Chart(app, 'c'), 'apps', { path: 'apps' })];
  build(app, stages);
  return renderApp(app);
}

/** The same app with a FluxSync in a stage `flux-system` instead of the chart. */
const bySync = (props: Omit<FluxSyncProps, 'stages'>): RenderedFile[] =>
  render((app, stages) => { new FluxSync(new FluxStage(new Chart(app, 'x'), 'fs', { path: 'flux-system' }), 'sync', { ...props, stages }); });

test('defaults (required props only): exactly a FluxSync of the stages, in flux-system/', () => {
  const files = render((app, stages) => { new FluxSystemChart(app, 'flux-system', { stages }); });
  expect(files).toEqual(bySync({}));
  expect(files.map((f) => `${f.path} ${f.object.kind}/${f.object.metadata.name}`)).toEqual([
    'flux-system/gitrepository-flux-system-gateway-api.yaml GitRepository/gateway-api',
    'flux-system/gitrepository-flux-system-mini-atlas.yaml GitRepository/mini-atlas',
    'flux-system/kustomization-flux-system-apps.yaml Kustomization/apps',
    'flux-system/kustomization-flux-system-flux-system.yaml Kustomization/flux-system',
    'flux-system/kustomization-flux-system-gateway-api-crds.yaml Kustomization/gateway-api-crds',
  ]);
});

test('all props (those of FluxSync): passed to its FluxSync', () => {
  const props = { repositoryUrl: 'https://git.example.com/acme/platform.git', branch: 'prod', distPath: 'out', interval: '2m' };
  expect(render((app, stages) => { new FluxSystemChart(app, 'flux-system', { stages, ...props }); })).toEqual(bySync(props));
});
