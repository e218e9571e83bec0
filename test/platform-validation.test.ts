/** Configuration errors in the platform layers fail synth with construct path, field, value and rule. */
import { App, Chart } from 'cdk8s';
import { FluxStage, FluxSync, HelmComponent, MiniAtlasValidationError, renderApp, ValidationIssue } from '../lib';
import { render } from './helpers/platform';

function issues(f: () => unknown): ValidationIssue[] {
  try { f(); } catch (e) { if (e instanceof MiniAtlasValidationError) return [...e.issues]; throw e; }
  return [];
}

test('a malformed Git URL', () => {
  expect(issues(() => render({ git: { repositoryUrl: 'github.com/acme/platform' } }))).toEqual([{
    path: 'flux-system/flux-system/sync', field: 'repositoryUrl', value: '"github.com/acme/platform"',
    rule: 'is not a Git URL Flux can clone', fix: 'use https://host/org/repo.git or ssh://git@host/org/repo.git',
  }]);
});

test('a bad branch name', () => {
  expect(issues(() => render({ git: { branch: 'feature..x' } }))).toContainEqual(expect.objectContaining({
    field: 'branch', value: '"feature..x"', rule: 'is not a valid branch name',
  }));
});

test('an unpinned or unknown component version', () => {
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

test('two stages with the same folder, and a dependency cycle', () => {
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

test('a stage others depend on must wait for its objects to work', () => {
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

test('an object outside any Flux stage cannot be placed', () => {
  const app = new App();
  new HelmComponent(new Chart(app, 'loose'), 'x', { chart: { chart: 'x', version: '1.0.0', repository: 'https://c.example.com' }, namespace: 'x' });
  expect(() => renderApp(app)).toThrow('objects outside any FluxStage cannot be placed in dist/: loose/x/namespace, loose/x/source, loose/x/release');
});
