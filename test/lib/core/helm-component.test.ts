/** HelmComponent: a pinned Helm chart in its own namespace. */
import { App, Chart } from 'cdk8s';
import { FluxStage, HelmComponent, renderApp } from '../../../lib';
import { issues } from '../../helpers/issues';
import { renderConstruct } from '../../helpers/construct';

test('defaults (required props only)', () => {
  expect(renderConstruct(({ stage }) => {
    new HelmComponent(stage, 'x', { chart: { chart: 'x', version: '1.0.0', repository: 'https://charts.example.com' }, namespace: 'x' });
  })).toMatchSnapshot();
});

// namespaceUse: its rules and cases are in test/lib/gitops/namespaces.test.ts
test('all props but namespaceUse, from an OCI chart', () => {
  expect(renderConstruct(({ before, stage }) => {
    const first = new HelmComponent(before, 'first', { chart: { chart: 'first', version: '1.0.0', repository: 'https://charts.example.com' }, namespace: 'first' });
    new HelmComponent(stage, 'x', {
      chart: { chart: 'x', version: '2.3.4', repository: 'oci://registry.example.com/charts/x' },
      namespace: 'x-system',
      createNamespace: true,
      namespaceLabels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
      releaseName: 'x-release',
      values: { replicas: 2, image: { pullPolicy: 'IfNotPresent' }, args: ['--verbose'], optional: null },
      dependsOn: [first],
      interval: '1h',
      timeout: '5m',
    });
  })).toMatchSnapshot();
});

test('fails if the version is unpinned or unknown, the repository no URL, or the namespace no DNS label', () => {
  const app = new App();
  const stage = new FluxStage(new Chart(app, 'core'), 'ops', { path: 'core/operators' });
  new HelmComponent(stage, 'x', { chart: { chart: 'x', version: '>=1.0', repository: 'https://charts.example.com' }, namespace: 'x' });
  new HelmComponent(stage, 'y', { chart: { chart: 'y', version: 'latest', repository: 'charts.example.com' }, namespace: 'Y_NS' });
  expect(issues(() => renderApp(app))).toEqual([
    { path: 'core/ops/x', field: 'chart.version', value: '">=1.0"', rule: 'must be an exact version like 1.2.3 (no ranges, no "latest")', fix: 'pin the chart in lib/shared/versions.ts' },
    { path: 'core/ops/y', field: 'chart.version', value: '"latest"', rule: 'must be an exact version like 1.2.3 (no ranges, no "latest")', fix: 'pin the chart in lib/shared/versions.ts' },
    { path: 'core/ops/y', field: 'chart.repository', value: '"charts.example.com"', rule: 'must be an https:// or oci:// URL' },
    expect.objectContaining({ path: 'core/ops/y', field: 'namespace', value: '"Y_NS"' }),
  ]);
});
