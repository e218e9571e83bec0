/**
 * The admission policies that hold without TypeScript: hostname-ownership, reserved-workspaces,
 * workspace-guardrails, operator-labels, service-exposure, role-binding-subjects. Their behaviour is proven with
 * the real Kyverno CLI (test/kyverno/<policy>/); here: what each generates, and that its inputs reach the CEL.
 */
import { HostnameOwnershipPolicy } from '../../../../lib/foundation/policies/hostname-ownership-policy';
import { OPERATOR_LABEL_PREFIXES, OperatorLabelsPolicy } from '../../../../lib/foundation/policies/operator-labels-policy';
import { ReservedWorkspacesPolicy } from '../../../../lib/foundation/policies/reserved-workspaces-policy';
import {
  BROAD_SUBJECTS, RoleBindingSubjectsPolicy, ServiceEndpointsPolicy, ServiceExposurePolicy, WorkspaceGuardrailsPolicy,
} from '../../../../lib/foundation/policies/tenant-isolation-policies';
import { RESERVED_NAMESPACES } from '../../../../lib/shared/api';
import { Json, ofKind, render } from '../../../helpers/platform';
import { renderConstruct } from '../../../helpers/construct';
import { policyScope } from '../../../helpers/policies';

const variable = (policy: Json, name: string): string => policy.spec.variables.find((v: Json) => v.name === name)?.expression;

const hostnames = (domain: string): Json => renderConstruct(({ stage }) => { new HostnameOwnershipPolicy(stage, 'h', { domain }); })[0];
const guardrails = (managers: string[]): Json => renderConstruct(({ stage }) => { new WorkspaceGuardrailsPolicy(stage, 'g', { managers }); })[0];
const labels = (operators: string[]): Json => renderConstruct(({ stage }) => { new OperatorLabelsPolicy(stage, 'o', { operators }); })[0];

test('defaults', () => {
  expect(renderConstruct(({ stage }) => {
    new HostnameOwnershipPolicy(stage, 'hostname-ownership', { domain: 'localtest.me' });
    new ReservedWorkspacesPolicy(stage, 'reserved-workspaces');
    new WorkspaceGuardrailsPolicy(stage, 'workspace-guardrails', { managers: ['system:serviceaccount:kro-system:kro'] });
    new OperatorLabelsPolicy(stage, 'operator-labels', { operators: ['system:serviceaccount:cnpg-system:cloudnative-pg'] });
    new ServiceExposurePolicy(stage, 'service-exposure');
    new RoleBindingSubjectsPolicy(stage, 'role-binding-subjects');
    new ServiceEndpointsPolicy(stage, 'service-endpoints', { writers: ['system:serviceaccount:kube-system:endpointslice-controller'] });
  })).toMatchSnapshot();
});

describe('hostname-ownership', () => {
  test('covers HTTPRoutes, GRPCRoutes (an HTTP listener accepts both) and WebApplications, in workspaces', () => {
    expect(policyScope(hostnames('localtest.me')).resources)
      .toEqual(['gateway.networking.k8s.io/httproutes', 'gateway.networking.k8s.io/grpcroutes', 'platform.mini-atlas.io/webapplications']);
    expect(hostnames('localtest.me').spec.matchConstraints.namespaceSelector)
      .toEqual({ matchExpressions: [{ key: 'platform.mini-atlas.io/workspace', operator: 'Exists' }] });
  });

  test.each([
    ['localtest.me', '"^" + variables.workspace + "(-[a-z0-9]([-a-z0-9]*[a-z0-9])?)?[.]localtest[.]me$"'],
    ['apps.corp.example', '"^" + variables.workspace + "(-[a-z0-9]([-a-z0-9]*[a-z0-9])?)?[.]apps[.]corp[.]example$"'],
  ])('builds the owned-host pattern from the domain %s, dots escaped', (domain, expected) => {
    expect(variable(hostnames(domain), 'owned')).toBe(expected);
  });

  test('names the domain in its denial message', () => {
    expect(hostnames('apps.corp.example').spec.validations[1].messageExpression)
      .toContain('" or " + variables.workspace + "-<name>." + "apps.corp.example" + " (no wildcards)"');
  });
});

test('reserved-workspaces reads the library list and the kube- prefix, on every Workspace (cluster-scoped: no namespace selector)', () => {
  const [policy] = renderConstruct(({ stage }) => { new ReservedWorkspacesPolicy(stage, 'r'); }) as Json[];
  expect(variable(policy, 'reserved')).toBe(JSON.stringify(RESERVED_NAMESPACES));
  expect(variable(policy, 'prefixes')).toBe('["kube-"]');
  expect(policy.spec.matchConstraints).toEqual({
    resourceRules: [{ apiGroups: ['platform.mini-atlas.io'], apiVersions: ['*'], resources: ['workspaces'], operations: ['CREATE'] }],
  });
});

describe('workspace-guardrails', () => {
  test('covers network policies of both APIs, quota and limits, on create, update and delete', () => {
    const policy = guardrails(['kro']);
    expect(policyScope(policy).resources)
      .toEqual(['networking.k8s.io/networkpolicies', 'cilium.io/ciliumnetworkpolicies', '/resourcequotas', '/limitranges']);
    expect(policy.spec.matchConstraints.resourceRules.map((r: Json) => r.operations)).toEqual(Array(3).fill(["CREATE", "UPDATE", "DELETE"]));
  });

  test.each([
    [['system:serviceaccount:kro-system:kro'], 'request.userInfo.username in ["system:serviceaccount:kro-system:kro"]'],
    [['system:serviceaccount:graphs:kro-test', 'ops-admin'], 'request.userInfo.username in ["system:serviceaccount:graphs:kro-test","ops-admin"]'],
  ])('lets exactly its managers through: %j', (managers, expected) => {
    const policy = guardrails(managers);
    expect(variable(policy, 'exempt')).toBe(expected);
    expect(policy.spec.validations[0].expression).toBe('variables.exempt');
  });
});

describe('operator-labels', () => {
  test('covers every namespaced resource in a workspace on create and update', () => {
    expect(labels(['x']).spec.matchConstraints.resourceRules)
      .toEqual([{ apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], operations: ['CREATE', 'UPDATE'], scope: 'Namespaced' }]);
  });

  test('owns the label prefixes the network policies and operators select by', () => {
    expect(OPERATOR_LABEL_PREFIXES).toEqual(['cnpg.io/', 'strimzi.io/', 'kro.run/', 'io.cilium.', 'io.kubernetes.pod.namespace']);
    expect(variable(labels(['x']), 'prefixes')).toBe(JSON.stringify(OPERATOR_LABEL_PREFIXES));
  });

  test('reads labels on the object, in pod templates (Deployment-like and CronJob) and in CloudNativePG inheritedMetadata', () => {
    expect(variable(labels(['x']), 'after')).toBe('object == null || !has(object.metadata) ? [{}, {}, {}, {}] : [object.metadata.?labels.orValue({}), ' +
      'object.?spec.?template.?metadata.?labels.orValue({}), object.?spec.?jobTemplate.?spec.?template.?metadata.?labels.orValue({}), ' +
      'object.?spec.?inheritedMetadata.?labels.orValue({})]');
    expect(variable(labels(['x']), 'before')).toContain('oldObject == null || !has(oldObject.metadata) ? [{}, {}, {}, {}] : [oldObject.metadata');
  });

  test.each([
    [['system:serviceaccount:cnpg-system:cloudnative-pg'], 'request.userInfo.username in ["system:serviceaccount:cnpg-system:cloudnative-pg"]'],
    [['system:serviceaccount:databases:pg-operator'], 'request.userInfo.username in ["system:serviceaccount:databases:pg-operator"]'],
  ])('lets exactly its operators through: %j', (operators, expected) => {
    expect(variable(labels(operators), 'exempt')).toBe(expected);
  });
});

test("role-binding-subjects denies exactly the broad subjects, and every ServiceAccount of another namespace", () => {
  const [policy] = renderConstruct(({ stage }) => { new RoleBindingSubjectsPolicy(stage, 'r'); }) as Json[];
  expect(variable(policy, 'broad'))
    .toBe('["Group:system:authenticated","Group:system:unauthenticated","Group:system:serviceaccounts","User:system:anonymous"]');
  expect(BROAD_SUBJECTS).toHaveLength(4);
  expect(variable(policy, 'tooBroad')).toBe('variables.bound.filter(s, s in variables.broad || ' +
    '(s.startsWith("Group:system:serviceaccounts:") && s != "Group:system:serviceaccounts:" + object.metadata.namespace))');
});

test.each([
  [['system:serviceaccount:kube-system:endpointslice-controller'], 'request.userInfo.username in ["system:serviceaccount:kube-system:endpointslice-controller"]'],
  [['system:serviceaccount:kube-system:endpoint-controller', 'mirror'], 'request.userInfo.username in ["system:serviceaccount:kube-system:endpoint-controller","mirror"]'],
])('service-endpoints lets exactly its writers write Endpoints and EndpointSlices: %j', (writers, expected) => {
  const [policy] = renderConstruct(({ stage }) => { new ServiceEndpointsPolicy(stage, 'e', { writers }); }) as Json[];
  expect(policyScope(policy).resources).toEqual(['/endpoints', 'discovery.k8s.io/endpointslices']);
  expect(variable(policy, 'exempt')).toBe(expected);
  expect(policy.spec.validations[0].expression).toBe('variables.exempt');
});

test('service-exposure has one rule for the type and one for externalIPs', () => {
  const [policy] = renderConstruct(({ stage }) => { new ServiceExposurePolicy(stage, 's'); }) as Json[];
  expect(policy.spec.validations.map((v: Json) => v.expression)).toEqual([
    '!(object.spec.?type.orValue("ClusterIP") in ["NodePort", "LoadBalancer", "ExternalName"])',
    'object.spec.?externalIPs.orValue([]).size() == 0',
  ]);
});

describe('a policy about some namespaces matches namespaced objects only', () => {
  // admissionregistration.k8s.io/v1 MatchResources.namespaceSelector: "If the object is another cluster scoped
  // resource, it never skips the policy". On the e2e node, operator-labels (resources `*`) refused the
  // CiliumIdentity Cilium's agent creates for a new set of pod labels, and the pod got no network.
  const policies = ofKind(render(), 'ValidatingPolicy') as Json[];

  test('every rule of a namespace-selected policy has scope Namespaced; the others keep the default scope', () => {
    const scoped = policies.filter((p) => p.spec.matchConstraints.namespaceSelector !== undefined);
    expect(scoped.map((p) => p.metadata.name).sort()).toEqual([
      'host-isolation', 'hostname-ownership', 'image-registries', 'operator-labels', 'required-labels', 'role-binding-subjects',
      'service-endpoints', 'service-exposure', 'workspace-guardrails', 'workspace-naming', 'workspace-scope',
    ]);
    expect(scoped.flatMap((p) => p.spec.matchConstraints.resourceRules.map((r: Json) => r.scope))
      .every((s: unknown) => s === 'Namespaced')).toBe(true);
    const unscoped = policies.filter((p) => p.spec.matchConstraints.namespaceSelector === undefined);
    expect(unscoped.map((p) => [p.metadata.name, p.spec.matchConstraints.resourceRules.map((r: Json) => r.scope ?? '(default)')]))
      .toEqual([['reserved-workspaces', ['(default)']], ['stateful-deletion', ['(default)', '(default)', '(default)', '(default)', '(default)']]]);
  });

  test('operator-labels exempts Cilium\'s agent (it copies pod labels onto CiliumEndpoints)', () => {
    const p = policies.find((x) => x.metadata.name === 'operator-labels')!;
    expect(variable(p, 'exempt')).toContain('"system:serviceaccount:kube-system:cilium"');
  });
});
