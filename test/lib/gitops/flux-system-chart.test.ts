/** FluxSystemChart: the flux-system folder, which reconciles itself and every other stage. */
import { App, Chart } from 'cdk8s';
import { FluxStage } from '../../../lib/gitops/flux-stage';
import { FluxSystemChart } from '../../../lib/gitops/flux-system-chart';
import { renderApp } from '../../../lib/synth/dist-writer';

function render(build: (app: App, stages: FluxStage[]) => void) {
  const app = new App();
  const stages = [new FluxStage(new Chart(app, 'c'), 'apps', { path: 'apps' })];
  build(app, stages);
  return renderApp(app).map((f) => f.object);
}

test('defaults (required props only)', () => {
  expect(render((app, stages) => { new FluxSystemChart(app, 'flux-system', { stages }); })).toMatchSnapshot();
});

test('all props (those of FluxSync)', () => {
  expect(render((app, stages) => {
    new FluxSystemChart(app, 'flux-system', { stages, repositoryUrl: 'https://git.example.com/acme/platform.git', branch: 'prod', distPath: 'out', interval: '2m' });
  })).toMatchSnapshot();
});
