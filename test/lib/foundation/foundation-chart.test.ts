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

const POLICIES = [
  'host-isolation', 'hostname-ownership', 'image-registries', 'operator-labels', 'required-labels', 'reserved-workspaces',
  'role-binding-subjects', 'service-endpoints', 'service-exposure', 'stateful-deletion', 'workspace-guardrails', 'workspace-naming', 'workspace-scope',
];

test('one stage holding the five RGDs, the thirteen ValidatingPolicies and the cache-password and kafka-credentials ClusterPolicies', () => {
  expect(ofKind(foundation, 'ResourceGraphDefinition').map((r: Json) => r.spec.schema.kind).sort())
    .toEqual(['Infrastructure', 'Topic', 'WebApplication', 'Workload', 'Workspace']);
  expect(ofKind(foundation, 'ValidatingPolicy').map((p) => p.metadata.name).sort())
    .toEqual(POLICIES);
  expect(ofKind(foundation, 'ClusterPolicy').map((p) => p.metadata.name)).toEqual(['cache-password', 'kafka-credentials']);
});

test('KRO gets a ClusterRole aggregated to its controller for exactly the managed kinds (derived from the RGDs, in their order)', () => {
  const role = find(files, 'ClusterRole', 'mini-atlas:kro:platform-abstractions') as Json;
  expect(role.metadata.labels['rbac.kro.run/aggregate-to-controller']).toBe('true');
  const granted = role.rules.flatMap((r: Json) => r.resources.map((res: string) => `${r.apiGroups.join(',')}/${res}: ${r.verbs.join(',')}`));
  const crud = 'get,list,watch,create,update,patch,delete';
  expect(granted).toEqual([
    ...['workspaces', 'webapplications', 'workloads', 'infrastructures', 'topics'].map((k) => `platform.mini-atlas.io/${k}: ${crud}`),
    ...['workspaces', 'webapplications', 'workloads', 'infrastructures', 'topics'].map((k) => `platform.mini-atlas.io/${k}/status: get,update,patch`),
    ...['namespaces', 'serviceaccounts', 'resourcequotas', 'limitranges', 'services'].map((k) => `/${k}: ${crud}`),
    `cilium.io/ciliumnetworkpolicies: ${crud}`,
    ...['rolebindings', 'roles'].map((k) => `rbac.authorization.k8s.io/${k}: ${crud}`),
    // The Workspace RGD's KafkaUser (issue 16), first met there, with the Topic RGD's KafkaTopic: one rule per group.
    ...['kafkausers', 'kafkatopics'].map((k) => `kafka.strimzi.io/${k}: ${crud}`),
    'rbac.authorization.k8s.io/clusterroles: bind',
    'kustomize.toolkit.fluxcd.io/kustomizations: get,watch',
    `apps/deployments: ${crud}`,
    // Issue 18: the WebApplication RGD's autoscaler and disruption budget, the Workload RGD's Jobs and CronJobs.
    `autoscaling/horizontalpodautoscalers: ${crud}`,
    `policy/poddisruptionbudgets: ${crud}`,
    `gateway.networking.k8s.io/httproutes: ${crud}`,
    `batch/jobs: ${crud}`,
    `batch/cronjobs: ${crud}`,
    `postgresql.cnpg.io/clusters: ${crud}`,
    `postgresql.cnpg.io/databases: ${crud}`,
  ]);
});

test('policies enforce (Deny)', () => {
  expect(Object.fromEntries((ofKind(foundation, 'ValidatingPolicy') as Json[]).map((p) => [p.metadata.name, p.spec.validationActions])))
    .toEqual(Object.fromEntries(POLICIES.map((p) => [p, ['Deny']])));
});

const exempt = (name: string): string => ((ofKind(foundation, 'ValidatingPolicy') as Json[]).find((p) => p.metadata.name === name)!
  .spec.variables as Json[]).find((v: Json) => v.name === 'exempt').expression;

test("the platform's controllers are exempt by ServiceAccount, and only where they act", () => {
  // KRO creates the workspace's network policy, quota and limits; kube-controller-manager deletes them with the namespace.
  expect(exempt('workspace-guardrails')).toBe('request.userInfo.username in ["system:serviceaccount:kro-system:kro",' +
    '"system:serviceaccount:kube-system:namespace-controller","system:serviceaccount:kube-system:generic-garbage-collector"]');
  // Operators set their own labels; the built-in controllers copy them from templates admission already checked,
  // and the endpoint controllers from the Service onto its Endpoints and EndpointSlices.
  expect(exempt('operator-labels')).toBe('request.userInfo.username in ["system:serviceaccount:kro-system:kro",' +
    '"system:serviceaccount:cnpg-system:cloudnative-pg","system:serviceaccount:strimzi-system:strimzi-cluster-operator",' +
    // Kyverno's background controller copies Strimzi-labelled Secrets into workspaces (kafka-credentials).
    '"system:serviceaccount:kyverno:kyverno-background-controller",' +
    // Cilium's agent copies each pod's labels onto its CiliumEndpoint.
    '"system:serviceaccount:kube-system:cilium",' +
    ['deployment-controller', 'replicaset-controller', 'statefulset-controller', 'daemon-set-controller', 'job-controller',
      'cronjob-controller', 'namespace-controller', 'generic-garbage-collector',
      'endpoint-controller', 'endpointslice-controller', 'endpointslicemirroring-controller']
      .map((c) => `"system:serviceaccount:kube-system:${c}"`).join(',') + ']');
  // Endpoints come from the endpoint controllers only.
  expect(exempt('service-endpoints')).toBe('request.userInfo.username in [' +
    ['endpoint-controller', 'endpointslice-controller', 'endpointslicemirroring-controller'].map((c) => `"system:serviceaccount:kube-system:${c}"`).join(',') + ']');
  // Flux is exempt nowhere: until team stages apply as their own ServiceAccount, its identity carries team folders.
  expect(JSON.stringify(foundation.map((f) => f.object))).not.toContain('flux-system:kustomize-controller');
});

test('hostname-ownership checks against the Gateway domain', () => {
  const app = new App();
  new FoundationChart(app, 'foundation', { core: new CoreChart(app, 'core', { gateway: { domain: 'apps.example.org' } }) });
  const policy = renderApp(app).map((f) => f.object).find((o) => o.kind === 'ValidatingPolicy' && o.metadata.name === 'hostname-ownership') as Json;
  expect(policy.spec.variables.find((v: Json) => v.name === 'owned').expression)
    .toBe('"^" + variables.workspace + "(-[a-z0-9]([-a-z0-9]*[a-z0-9])?)?[.]apps[.]example[.]org$"');
});
