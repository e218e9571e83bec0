/**
 * Extensibility: a platform's own abstraction (the made-up StaticSite, test/helpers/static-site.ts) registered
 * with FoundationChartProps.abstractions is covered like the built-ins — KRO's grant (derived from the
 * registered definitions), the workspace policies, the tenant roles, the team stages, the prefix rule and the
 * name-clash check.
 */
import { addTeamA } from '../../../teams/team-a';
import { buildPlatform, guessResource, mergeManagedResources, PLATFORM_API_VERSION, renderApp, Workspace } from '../../../lib';
import { issues } from '../../helpers/issues';
import { Json, find, ofKind } from '../../helpers/platform';
import { StaticSite, staticSite } from '../../../examples/acme-platform/src/static-site';

function platform(teams: (ws: Workspace) => void = () => undefined) {
  return buildPlatform({
    foundation: { abstractions: [staticSite] },
    teams: (d) => { teams(addTeamA(d)); },
  });
}
const render = (teams?: (ws: Workspace) => void) => renderApp(platform(teams).app);
const platformRules = (files: ReturnType<typeof render>) =>
  (find(files, 'ClusterRole', 'mini-atlas:kro:platform-abstractions') as Json).rules.filter((r: Json) => r.apiGroups[0] === 'platform.mini-atlas.io');

test('KRO\'s grant is derived from the registered definitions: the made-up kind and its status join the built-ins', () => {
  expect(platformRules(render()).map((r: Json) => [r.resources, r.verbs])).toEqual([
    [['workspaces', 'webapplications', 'workloads', 'infrastructures', 'topics', 'staticsites'], ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']],
    [['workspaces/status', 'webapplications/status', 'workloads/status', 'infrastructures/status', 'topics/status', 'staticsites/status'], ['get', 'update', 'patch']],
  ]);
});

test('without it, the grant of the built-ins holds exactly the kinds their RGDs create, in one rule per group and verbs', () => {
  const rules = (find(renderApp(buildPlatform({ teams: () => undefined }).app), 'ClusterRole', 'mini-atlas:kro:platform-abstractions') as Json).rules;
  expect(rules.map((r: Json) => [r.apiGroups[0], r.resources, r.verbs.length, r.resourceNames])).toEqual([
    ['platform.mini-atlas.io', ['workspaces', 'webapplications', 'workloads', 'infrastructures', 'topics'], 7, undefined],
    ['platform.mini-atlas.io', ['workspaces/status', 'webapplications/status', 'workloads/status', 'infrastructures/status', 'topics/status'], 3, undefined],
    ['', ['namespaces', 'serviceaccounts', 'resourcequotas', 'limitranges', 'services'], 7, undefined],
    ['cilium.io', ['ciliumnetworkpolicies'], 7, undefined],
    ['rbac.authorization.k8s.io', ['rolebindings', 'roles'], 7, undefined],
    ['kafka.strimzi.io', ['kafkausers', 'kafkatopics'], 7, undefined],
    ['rbac.authorization.k8s.io', ['clusterroles'], 1, ['mini-atlas:tenant-delivery', 'mini-atlas:tenant-developer', 'mini-atlas:tenant-view']],
    ['kustomize.toolkit.fluxcd.io', ['kustomizations'], 2, undefined],
    ['apps', ['deployments'], 7, undefined],
    ['autoscaling', ['horizontalpodautoscalers'], 7, undefined],
    ['policy', ['poddisruptionbudgets'], 7, undefined],
    ['gateway.networking.k8s.io', ['httproutes'], 7, undefined],
    ['batch', ['jobs', 'cronjobs'], 7, undefined],
    ['postgresql.cnpg.io', ['clusters', 'databases'], 7, undefined],
  ]);
});

test('guessResource and mergeManagedResources', () => {
  expect(['Service', 'NetworkPolicy', 'Ingress', 'HTTPRoute', 'KafkaTopic'].map(guessResource)).toEqual(['services', 'networkpolicies', 'ingresses', 'httproutes', 'kafkatopics']);
  // A read of what another rule manages adds nothing; a read of something else stays its own rule.
  expect(mergeManagedResources([
    { apiGroup: '', resources: ['services'] },
    { apiGroup: '', resources: ['services', 'configmaps'], verbs: ['get', 'list', 'watch'] },
    { apiGroup: '', resources: ['pods', 'services'] },
  ])).toEqual([
    { apiGroup: '', resources: ['services', 'pods'] },
    { apiGroup: '', resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
  ]);
});

test('the workspace policies, the tenant roles and the team stages cover the made-up kind', () => {
  const files = render((ws) => { new StaticSite(ws, 'docs', { image: 'ghcr.io/acme/docs:1.0.0' }); });
  const resourcesOf = (name: string) => (find(files, 'ValidatingPolicy', name) as Json).spec.matchConstraints.resourceRules
    .filter((r: Json) => r.apiGroups[0] === 'platform.mini-atlas.io').map((r: Json) => r.resources);
  expect(resourcesOf('workspace-scope')).toEqual([['webapplications', 'workloads', 'infrastructures', 'topics', 'staticsites']]);
  expect((find(files, 'ValidatingPolicy', 'workspace-scope') as Json).metadata.annotations['policies.kyverno.io/description'])
    .toBe('WebApplication, Workload, Infrastructure, Topic and StaticSite instances may only be created in workspace namespaces.');
  expect(resourcesOf('workspace-naming')).toEqual([['webapplications', 'workloads', 'infrastructures', 'topics', 'staticsites']]);
  expect((find(files, 'ClusterRole', 'mini-atlas:tenant-delivery') as Json).rules).toEqual([{
    apiGroups: ['platform.mini-atlas.io'], resources: ['webapplications', 'workloads', 'infrastructures', 'topics', 'staticsites'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  }]);
  // The instance lands in team-a's stage, applied as team-a's delivery account, which synth accepts.
  const site = files.find((f) => f.object.kind === 'StaticSite')!;
  expect([site.path, site.object.apiVersion, site.object.metadata.name]).toEqual(['delivery/team-a/staticsite-team-a-team-a-docs.yaml', PLATFORM_API_VERSION, 'team-a-docs']);
  expect(ofKind(files, 'ResourceGraphDefinition').map((r) => r.metadata.name)).toContain('static-site.platform.mini-atlas.io');
});

test('the prefix rule and the name-clash check of the Instance base apply to the made-up kind', () => {
  const found = issues(() => render((ws) => {
    new StaticSite(ws, 'docs', { name: 'docs', image: 'ghcr.io/acme/docs:1.0.0' });
    // team-a's WebApplication `web` creates Service team-a-web; a StaticSite of that name would too.
    new StaticSite(ws, 'web-site', { name: 'team-a-web', image: 'ghcr.io/acme/docs:1.0.0' });
  }));
  // The Workspace's clash check runs first (construct-tree order), then each instance's own.
  expect(found.map((i) => [i.path, i.field, i.value, i.rule])).toEqual([
    ['delivery/team-a/team-a/web-site', 'name', '"team-a-web"', 'would create Service team-a-web, which delivery/team-a/team-a/apps/web creates too'],
    ['delivery/team-a/team-a/docs', 'name', '"docs"', 'must start with the workspace prefix "team-a-" (Kyverno policy workspace-naming)'],
  ]);
});
