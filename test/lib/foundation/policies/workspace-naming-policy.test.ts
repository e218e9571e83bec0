/** WorkspaceNamingPolicy: the `workspace-naming` policy. */
import { WorkspaceNamingPolicy } from '../../../../lib/foundation/policies/workspace-naming-policy';
import { Json } from '../../../helpers/platform';
import { renderConstruct } from '../../../helpers/construct';
import { policyScope, WORKLOAD_SCOPE } from '../../../helpers/policies';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new WorkspaceNamingPolicy(stage, 'workspace-naming'); })).toMatchSnapshot();
});

test('reads the name prefix from the namespace label', () => {
  const naming = renderConstruct(({ stage }) => { new WorkspaceNamingPolicy(stage, 'workspace-naming'); })[0] as Json;
  expect(naming.spec.variables).toContainEqual({ name: 'workspace', expression: 'namespaceObject.metadata.labels["platform.mini-atlas.io/workspace"]' });
  expect(naming.spec.validations[0].expression).toBe('object.metadata.name.startsWith(variables.workspace + "-")');
});

test('covers every workload kind (bare Pods, ReplicaSets, Jobs too), Services, routes, databases and platform instances', () => {
  expect(policyScope(renderConstruct(({ stage }) => { new WorkspaceNamingPolicy(stage, 'workspace-naming'); })[0]).resources).toEqual([
    ...WORKLOAD_SCOPE, '/services', 'gateway.networking.k8s.io/httproutes', 'postgresql.cnpg.io/clusters',
    'platform.mini-atlas.io/webapplications', 'platform.mini-atlas.io/workloads', 'platform.mini-atlas.io/infrastructures', 'platform.mini-atlas.io/topics',
  ]);
});
