/** FluxStage: a folder of dist/ and the Flux Kustomization that applies it. */
import { ApiObject, App, Chart } from 'cdk8s';
import { FluxStage, FluxStageProps, PLATFORM_SERVICE_ACCOUNT } from '../../../lib/gitops/flux-stage';
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
    dependsOn: [dep], wait: false, prune: false, timeout: '5m', serviceAccountName: 'blue-applier',
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

describe('who Flux applies a stage as (issue 16: least-privilege delivery)', () => {
  test('a platform stage names Flux\'s privileged account explicitly; a given account is written as is', () => {
    expect(kustomizationOf(() => ({}))?.spec).toEqual(expect.objectContaining({ serviceAccountName: 'kustomize-controller' }));
    expect(PLATFORM_SERVICE_ACCOUNT).toBe('kustomize-controller');
    expect(kustomizationOf(() => ({ serviceAccountName: 'blue-applier' }))?.spec).toEqual(expect.objectContaining({ serviceAccountName: 'blue-applier' }));
  });

  /** A made-up tenant stage `tenants/blue` (namespace `blue`, kind example.com/v1 Widget) that `fill` fills. */
  function tenantStageIssues(fill: (stage: FluxStage) => void, serviceAccountName = 'blue-applier'): ReturnType<typeof issues> {
    const app = new App();
    const stage = new FluxStage(new Chart(app, 'c'), 'blue', {
      path: 'tenants/blue', wait: false, serviceAccountName,
      tenant: { namespace: 'blue', kinds: [{ apiVersion: 'example.com/v1', kind: 'Widget' }] },
    });
    fill(stage);
    return issues(() => renderApp(app));
  }
  const widget = (stage: FluxStage, id: string, namespace?: string) =>
    new ApiObject(stage, id, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: id, ...(namespace ? { namespace } : {}) } });

  test('a made-up tenant stage holding only its kind in its namespace passes', () => {
    expect(tenantStageIssues((s) => { widget(s, 'w1', 'blue'); widget(s, 'w2', 'blue'); })).toEqual([]);
  });

  test('a made-up tenant stage refuses another kind, a cluster-scoped object, and its kind in another namespace or none', () => {
    expect(tenantStageIssues((s) => {
      widget(s, 'ok', 'blue');
      widget(s, 'elsewhere', 'green');
      widget(s, 'nowhere');
      new ApiObject(s, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'blue' } });
      new ApiObject(s, 'admin', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'admin' } });
    })).toEqual([
      {
        path: 'c/blue/elsewhere', field: 'metadata.namespace', value: '"green"',
        rule: 'is outside tenant stage "tenants/blue", which may write only into namespace "blue"',
        fix: 'create the instance inside workspace "blue"',
      },
      {
        path: 'c/blue/nowhere', field: 'metadata.namespace', value: '"(none)"',
        rule: 'is outside tenant stage "tenants/blue", which may write only into namespace "blue"',
        fix: 'create the instance inside workspace "blue"',
      },
      {
        path: 'c/blue/cm', field: 'kind', value: '"v1 ConfigMap"',
        rule: 'is not allowed in tenant stage "tenants/blue": it may hold only Widget in namespace "blue", all its Flux service account may create',
        fix: 'a team creates only its workspace\'s instances; anything else belongs to the platform (core or foundation)',
      },
      {
        path: 'c/blue/admin', field: 'kind', value: '"rbac.authorization.k8s.io/v1 ClusterRoleBinding"',
        rule: 'is not allowed in tenant stage "tenants/blue": it may hold only Widget in namespace "blue", all its Flux service account may create',
        fix: 'a team creates only its workspace\'s instances; anything else belongs to the platform (core or foundation)',
      },
    ]);
  });

  test('a made-up tenant stage applied as the platform\'s account is refused', () => {
    expect(tenantStageIssues((s) => { widget(s, 'ok', 'blue'); }, PLATFORM_SERVICE_ACCOUNT)).toEqual([{
      path: 'c/blue', field: 'serviceAccountName', value: '"kustomize-controller"',
      rule: 'is the platform\'s cluster-admin account, but stage "tenants/blue" is a tenant stage',
      fix: 'name the workspace\'s own delivery account (one bound only in namespace "blue")',
    }]);
  });
});
