/** FoundationChart: the four RGDs, the policies, and the exact RBAC KRO gets for them. */
import { App } from 'cdk8s';
import { CoreChart } from '../../../lib/core/core-chart';
import { FoundationChart } from '../../../lib/foundation/foundation-chart';
import { renderApp } from '../../../lib/synth/dist-writer';
import { find, Json, ofKind } from '../../helpers/platform';

const files = renderApp((() => {
  const app = new App();
  new FoundationChart(app, 'foundation', { core: new CoreChart(app, 'core') });
  return app;
})());
const foundation = files.filter((f) => f.path.startsWith('foundation/'));

test('one stage holding the four RGDs, the six ValidatingPolicies and the cache-password ClusterPolicy', () => {
  expect(ofKind(foundation, 'ResourceGraphDefinition').map((r: Json) => r.spec.schema.kind).sort())
    .toEqual(['Infrastructure', 'Topic', 'WebApplication', 'Workspace']);
  expect(ofKind(foundation, 'ValidatingPolicy').map((p) => p.metadata.name).sort())
    .toEqual(['host-isolation', 'image-registries', 'required-labels', 'stateful-deletion', 'workspace-naming', 'workspace-scope']);
  expect(ofKind(foundation, 'ClusterPolicy').map((p) => p.metadata.name)).toEqual(['cache-password']);
});

test('KRO gets a ClusterRole aggregated to its controller for exactly the managed kinds', () => {
  const role = find(files, 'ClusterRole', 'mini-atlas:kro:platform-abstractions') as Json;
  expect(role.metadata.labels['rbac.kro.run/aggregate-to-controller']).toBe('true');
  const granted = role.rules.flatMap((r: Json) => r.resources.map((res: string) => `${r.apiGroups.join(',')}/${res}: ${r.verbs.join(',')}`));
  const crud = 'get,list,watch,create,update,patch,delete';
  expect(granted).toEqual([
    ...['workspaces', 'webapplications', 'infrastructures', 'topics'].map((k) => `platform.mini-atlas.io/${k}: ${crud}`),
    ...['workspaces', 'webapplications', 'infrastructures', 'topics'].map((k) => `platform.mini-atlas.io/${k}/status: get,update,patch`),
    ...['namespaces', 'services', 'resourcequotas', 'limitranges'].map((k) => `/${k}: ${crud}`),
    `apps/deployments: ${crud}`,
    `cilium.io/ciliumnetworkpolicies: ${crud}`,
    `gateway.networking.k8s.io/httproutes: ${crud}`,
    `postgresql.cnpg.io/clusters: ${crud}`,
    `kafka.strimzi.io/kafkatopics: ${crud}`,
  ]);
});

test('policies enforce (Deny)', () => {
  expect(Object.fromEntries((ofKind(foundation, 'ValidatingPolicy') as Json[]).map((p) => [p.metadata.name, p.spec.validationActions]))).toEqual({
    'host-isolation': ['Deny'], 'image-registries': ['Deny'], 'required-labels': ['Deny'],
    'stateful-deletion': ['Deny'], 'workspace-naming': ['Deny'], 'workspace-scope': ['Deny'],
  });
});
