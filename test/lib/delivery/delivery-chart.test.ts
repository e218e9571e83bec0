/** DeliveryChart: the workspaces stage, and one stage per team added with addWorkspace. */
import { ApiObject, App, Chart } from 'cdk8s';
import { CoreChart } from '../../../lib/core/core-chart';
import { DeliveryChart } from '../../../lib/delivery/delivery-chart';
import { FoundationChart } from '../../../lib/foundation/foundation-chart';
import { FluxStage } from '../../../lib/gitops/flux-stage';
import { PRODUCTION } from '../../../lib/shared/environment';
import { renderApp } from '../../../lib/synth/dist-writer';
import { Infrastructure, Topic, ValidationIssue, WebApplication } from '../../../lib';
import { issues } from '../../helpers/issues';

/** A delivery chart on the default core and foundation. */
function deliveryChart(environment?: typeof PRODUCTION, domain?: string): { app: App; delivery: DeliveryChart } {
  const app = new App();
  const core = new CoreChart(app, 'core', domain ? { gateway: { domain } } : {});
  const delivery = new DeliveryChart(app, 'delivery', { foundation: new FoundationChart(app, 'foundation', { core }), environment });
  return { app, delivery };
}

test('addWorkspace places the Workspace in delivery/workspaces, one step before the team\'s own stage', () => {
  const { app, delivery } = deliveryChart();
  const ws = delivery.addWorkspace('team-a', { team: 'team-a' });
  expect(renderApp(app).filter((f) => f.path.startsWith('delivery/')).map((f) => `${f.path} ${f.object.kind}`))
    .toEqual(['delivery/workspaces/workspace-team-a.yaml Workspace']);
  expect(delivery.workspaces.path).toBe('delivery/workspaces');
  expect(delivery.workspaces.dependsOn.map((s) => s.path)).toEqual(['foundation']);
  const team = delivery.node.findChild('team-a') as FluxStage;
  expect([team.path, team.dependsOn.map((s) => s.path), team.timeout]).toEqual(['delivery/team-a', ['delivery/workspaces'], '15m']);
  expect(ws.environment.name).toBe('local');
});

test('every workspace gets the chart\'s environment profile', () => {
  const { delivery } = deliveryChart(PRODUCTION);
  expect(delivery.environment).toBe(PRODUCTION);
  expect(delivery.addWorkspace('team-a', { team: 'team-a' }).environment).toBe(PRODUCTION);
});

test('an invalid workspace name is reported once, on the Workspace, not again as the stage path derived from it', () => {
  const { app, delivery } = deliveryChart();
  delivery.addWorkspace('Team_A', { team: 'a' });
  expect(issues(() => renderApp(app)).map((i) => [i.path, i.field, i.value])).toEqual([['delivery/Team_A/Team_A', 'name', '"Team_A"']]);
});

const DNS_LABEL_RULE = 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit';
const NAME_FIX = 'use a shorter lowercase name of letters, digits and "-"';

test('today\'s team under an invalid workspace name: reported once, on the Workspace, not again in its instances\' names or host name', () => {
  const { app, delivery } = deliveryChart();
  const ws = delivery.addWorkspace('Team_A', { team: 'team-a' });
  const db = new Infrastructure(ws, 'db', { postgres: { database: 'orders', owner: 'orders_app' } });
  const orders = new Topic(ws, 'orders', { partitions: 3, retentionHours: 72 });
  new WebApplication(ws, 'web', { image: 'ghcr.io/stefanprodan/podinfo:6.7.1', hostname: 'team-a.localtest.me', port: 9898, database: db, topic: orders });
  expect(issues(() => renderApp(app))).toEqual([{ path: 'delivery/Team_A/Team_A', field: 'name', value: '"Team_A"', rule: DNS_LABEL_RULE, fix: NAME_FIX }]);
});

test('a made-up workspace name too long for a Workspace: its instances are checked only for what they add after the prefix', () => {
  const { app, delivery } = deliveryChart();
  const long = `payments-${'x'.repeat(51)}`;
  const ws = delivery.addWorkspace(long, { team: 'payments' });
  new Topic(ws, 'events');
  new Topic(ws, 'Audit_Log');
  expect(issues(() => renderApp(app))).toEqual([
    { path: `delivery/${long}/${long}`, field: 'name', value: `"${long}"`, rule: 'is 60 characters long; the limit is 30', fix: NAME_FIX },
    { path: `delivery/${long}/${long}/topics/Audit_Log`, field: 'name', value: `"${long}-Audit_Log"`, rule: `after the workspace prefix, "Audit_Log" ${DNS_LABEL_RULE}`, fix: NAME_FIX },
  ]);
});

test('a made-up stage with a derived path leaves the check to the value it came from; a written path is checked', () => {
  const app = new App();
  const chart = new Chart(app, 'ops');
  new FluxStage(chart, 'derived', { path: 'ops/Bad_Name', pathDerivedFrom: 'the team name', wait: false });
  new FluxStage(chart, 'written', { path: 'ops/Bad_Name2', wait: false });
  expect(issues(() => renderApp(app))).toEqual([{
    path: 'ops/written', field: 'path', value: '"ops/Bad_Name2"',
    rule: 'must be lowercase DNS-label segments separated by "/"', fix: 'use a path like "core/operators"',
  }]);
});

describe("host names: a workspace's applications use only host names it owns under the Gateway domain", () => {
  const hostIssues = (domain: string | undefined, hostname: string): ValidationIssue[] => issues(() => {
    const { app, delivery } = deliveryChart(undefined, domain);
    new WebApplication(delivery.addWorkspace('team-a', { team: 'team-a' }), 'web', { image: 'ghcr.io/acme/web:1.0.0', hostname });
    renderApp(app);
  });

  test.each([
    [undefined, 'team-a.localtest.me'], [undefined, 'team-a-web.localtest.me'], ['apps.corp.example', 'team-a-shop.apps.corp.example'],
  ])('under %s, %s is owned', (domain, hostname) => {
    expect(hostIssues(domain, hostname)).toEqual([]);
  });

  test.each([
    [undefined, 'team-b.localtest.me', 'localtest.me'],
    [undefined, 'shop.localtest.me', 'localtest.me'],
  ])('under %s, fails for %s', (domain, hostname, shown) => {
    expect(hostIssues(domain, hostname)).toEqual([{
      path: 'delivery/team-a/team-a/apps/web', field: 'spec.hostname', value: JSON.stringify(hostname),
      rule: 'is not owned by workspace "team-a": host names on the shared Gateway belong to workspaces (the hostname-ownership policy refuses others)',
      fix: `use team-a.${shown} or team-a-<name>.${shown} (no wildcards)`,
    }]);
  });

  test('a host name outside the Gateway listener is reported once, by the listener rule, with an owned host name as the fix', () => {
    expect(hostIssues('apps.corp.example', 'team-a.localtest.me')).toEqual([{
      path: 'delivery/team-a/team-a/apps/web', field: 'spec.hostname', value: '"team-a.localtest.me"',
      rule: 'is outside the shared Gateway\'s listener hostname "*.apps.corp.example": the HTTPRoute would not be accepted (NoMatchingListenerHostname) and the app would get no traffic',
      fix: 'use a host name under apps.corp.example, e.g. "team-a-web.apps.corp.example"',
    }]);
  });

  test('the delivery chart hands the Gateway domain to its workspaces', () => {
    const { delivery } = deliveryChart(undefined, 'apps.corp.example');
    expect(delivery.hostDomain).toBe('apps.corp.example');
    expect(delivery.addWorkspace('team-a', { team: 'team-a' }).hostDomain).toBe('apps.corp.example');
  });
});

describe('a team stage is a tenant stage (issue 16: least-privilege delivery)', () => {
  test('Flux applies it as the workspace\'s own account; it may hold the four tenant kinds in the workspace only', () => {
    const { delivery } = deliveryChart();
    delivery.addWorkspace('team-a', { team: 'team-a' });
    const team = delivery.node.findChild('team-a') as FluxStage;
    expect([team.kustomizationName, team.serviceAccountName, team.tenant]).toEqual(['delivery-team-a', 'delivery-team-a', {
      namespace: 'team-a',
      kinds: [
        { apiVersion: 'platform.mini-atlas.io/v1alpha1', kind: 'WebApplication' },
        { apiVersion: 'platform.mini-atlas.io/v1alpha1', kind: 'Workload' },
        { apiVersion: 'platform.mini-atlas.io/v1alpha1', kind: 'Infrastructure' },
        { apiVersion: 'platform.mini-atlas.io/v1alpha1', kind: 'Topic' },
      ],
    }]);
    expect(delivery.workspaces.serviceAccountName).toBe('kustomize-controller');
  });

  test('today\'s team stage with its instances passes; a ClusterRoleBinding or a WebApplication for another workspace in it is refused', () => {
    const { app, delivery } = deliveryChart();
    const ws = delivery.addWorkspace('team-a', { team: 'team-a' });
    new WebApplication(ws, 'web', { image: 'ghcr.io/acme/web:1.0.0', hostname: 'team-a-web.localtest.me' });
    expect(issues(() => renderApp(app))).toEqual([]);
    new ApiObject(ws, 'take-over', {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'take-over' },
    });
    new ApiObject(ws, 'foreign', {
      apiVersion: 'platform.mini-atlas.io/v1alpha1', kind: 'WebApplication', metadata: { name: 'web', namespace: 'team-b' },
    });
    expect(issues(() => renderApp(app))).toEqual([
      {
        path: 'delivery/team-a/team-a/take-over', field: 'kind', value: '"rbac.authorization.k8s.io/v1 ClusterRoleBinding"',
        rule: 'is not allowed in tenant stage "delivery/team-a": it may hold only WebApplication, Workload, Infrastructure, Topic in namespace "team-a", all its Flux service account may create',
        fix: 'a team creates only its workspace\'s instances; anything else belongs to the platform (core or foundation)',
      },
      {
        path: 'delivery/team-a/team-a/foreign', field: 'metadata.namespace', value: '"team-b"',
        rule: 'is outside tenant stage "delivery/team-a", which may write only into namespace "team-a"',
        fix: 'create the instance inside workspace "team-a"',
      },
    ]);
  });
});
