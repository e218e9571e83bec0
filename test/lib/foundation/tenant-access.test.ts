/** Tenant access (issue 16): the tenant ClusterRoles, the Workspace RGD's bindings, and KRO's rights to create them. */
import { deliveryKustomization, deliveryServiceAccount, developerGroup, viewerGroup } from '../../../lib/foundation/tenant-access';
import { find, Json, render, rgdResources } from '../../helpers/platform';

const files = render();
const READ = ['get', 'list', 'watch'];
const MANAGE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const PLATFORM = 'platform.mini-atlas.io';
const WORKLOAD_READ = [
  { apiGroups: [PLATFORM], resources: ['webapplications', 'webapplications/status', 'workloads', 'workloads/status', 'infrastructures', 'infrastructures/status', 'topics', 'topics/status'], verbs: READ },
  { apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'configmaps', 'events', 'persistentvolumeclaims', 'resourcequotas', 'limitranges'], verbs: READ },
  { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: READ },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: READ },
  { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: READ },
  { apiGroups: ['postgresql.cnpg.io'], resources: ['clusters'], verbs: READ },
];

test('the delivery role allows exactly the four tenant kinds: nothing cluster-scoped, no Secret, no other kind', () => {
  expect((find(files, 'ClusterRole', 'mini-atlas:tenant-delivery') as Json).rules).toEqual([
    { apiGroups: [PLATFORM], resources: ['webapplications', 'workloads', 'infrastructures', 'topics'], verbs: MANAGE },
  ]);
});

test('developer: the tenant kinds, Secrets and ConfigMaps, pods/log, and read of what runs in the workspace', () => {
  expect((find(files, 'ClusterRole', 'mini-atlas:tenant-developer') as Json).rules).toEqual([
    ...WORKLOAD_READ,
    { apiGroups: [PLATFORM], resources: ['webapplications', 'workloads', 'infrastructures', 'topics'], verbs: MANAGE },
    { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: MANAGE },
    { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  ]);
});

test('view: read of what runs in the workspace, never Secrets or logs', () => {
  expect((find(files, 'ClusterRole', 'mini-atlas:tenant-view') as Json).rules).toEqual(WORKLOAD_READ);
});

test('the Workspace RGD creates the delivery account in flux-system and binds the three roles in its own namespace only', () => {
  const r = rgdResources(files, 'Workspace');
  expect(r.deliveryAccount.template.metadata).toEqual(expect.objectContaining({ name: '${"delivery-" + schema.metadata.name}', namespace: 'flux-system' }));
  const binding = (id: string) => {
    const t = r[id].template;
    return { name: t.metadata.name, namespace: t.metadata.namespace, roleRef: t.roleRef, subjects: t.subjects };
  };
  const inWorkspace = '${workspaceNamespace.metadata.name}';
  const rbac = 'rbac.authorization.k8s.io';
  expect([binding('deliveryBinding'), binding('developerBinding'), binding('viewerBinding'), binding('stageStatusBinding')]).toEqual([
    {
      name: '${schema.metadata.name + "-delivery"}', namespace: inWorkspace,
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'mini-atlas:tenant-delivery' },
      subjects: [{ kind: 'ServiceAccount', name: '${deliveryAccount.metadata.name}', namespace: 'flux-system' }],
    },
    {
      name: '${schema.metadata.name + "-developers"}', namespace: inWorkspace,
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'mini-atlas:tenant-developer' },
      subjects: [{ apiGroup: rbac, kind: 'Group', name: '${"mini-atlas:" + schema.spec.team + ":developers"}' }],
    },
    {
      name: '${schema.metadata.name + "-viewers"}', namespace: inWorkspace,
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'mini-atlas:tenant-view' },
      subjects: [{ apiGroup: rbac, kind: 'Group', name: '${"mini-atlas:" + schema.spec.team + ":viewers"}' }],
    },
    {
      name: '${stageStatusRole.metadata.name}', namespace: 'flux-system',
      roleRef: { apiGroup: rbac, kind: 'Role', name: '${stageStatusRole.metadata.name}' },
      subjects: [{ apiGroup: rbac, kind: 'Group', name: '${"mini-atlas:" + schema.spec.team + ":developers"}' }],
    },
  ]);
  expect(r.stageStatusRole.template.rules).toEqual([{
    apiGroups: ['kustomize.toolkit.fluxcd.io'], resources: ['kustomizations'], verbs: ['get', 'watch'],
    resourceNames: ['${"delivery-" + schema.metadata.name}'],
  }]);
});

test('KRO may bind exactly the three tenant roles and holds the one right of the status Role; no escalate', () => {
  const rules = (find(files, 'ClusterRole', 'mini-atlas:kro:platform-abstractions') as Json).rules as Json[];
  expect(rules.filter((x) => x.apiGroups[0] === 'rbac.authorization.k8s.io' || x.apiGroups[0] === 'kustomize.toolkit.fluxcd.io')).toEqual([
    { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'], verbs: MANAGE },
    {
      apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'],
      resourceNames: ['mini-atlas:tenant-delivery', 'mini-atlas:tenant-developer', 'mini-atlas:tenant-view'],
    },
    { apiGroups: ['kustomize.toolkit.fluxcd.io'], resources: ['kustomizations'], verbs: ['get', 'watch'] },
  ]);
  expect(rules.flatMap((x) => x.verbs)).not.toContain('escalate');
  expect(rules.find((x) => x.apiGroups[0] === '')?.resources).toContain('serviceaccounts');
});

test('team-a\'s Kustomization is applied as delivery-team-a; every platform stage names kustomize-controller', () => {
  const accounts = files.filter((f) => f.object.kind === 'Kustomization').map((f) => [f.object.metadata.name, (f.object as Json).spec.serviceAccountName]);
  expect(accounts).toEqual(expect.arrayContaining([
    ['core-operators', 'kustomize-controller'], ['core-shared-services', 'kustomize-controller'], ['foundation', 'kustomize-controller'],
    ['delivery-workspaces', 'kustomize-controller'], ['flux-system', 'kustomize-controller'], ['gateway-api-crds', 'kustomize-controller'],
    ['delivery-team-a', 'delivery-team-a'],
  ]));
  expect(accounts).toHaveLength(7);
});

test('the derived names on a made-up workspace and team: blue, owned by ocean', () => {
  expect([deliveryServiceAccount('blue'), deliveryKustomization('blue'), developerGroup('ocean'), viewerGroup('ocean')])
    .toEqual(['delivery-blue', 'delivery-blue', 'mini-atlas:ocean:developers', 'mini-atlas:ocean:viewers']);
  expect([deliveryServiceAccount.cel('x'), developerGroup.cel('t'), viewerGroup.cel('t')])
    .toEqual(['"delivery-" + x', '"mini-atlas:" + t + ":developers"', '"mini-atlas:" + t + ":viewers"']);
});
