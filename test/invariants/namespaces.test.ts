/**
 * The platform's namespaces and Pod Security: which stage creates each namespace, and the operators' pods meet the
 * level of the namespaces they land in (the rules themselves: test/lib/gitops/namespaces.test.ts).
 */
import { RenderedObject, RESERVED_NAMESPACES, STRIMZI_POD_SECURITY_PROVIDER_ENV } from '../../lib';
import { issues } from '../helpers/issues';
import { Json, ofKind, render, rgdResources } from '../helpers/platform';

test('the platform creates "kafka" in the operators stage, beside Strimzi', () => {
  const files = render();
  expect(files.filter((f) => f.object.kind === 'Namespace').map((f) => f.path).sort()).toEqual([
    'core/operators/namespace-cnpg-system.yaml',
    'core/operators/namespace-kafka.yaml',
    'core/operators/namespace-kro-system.yaml',
    'core/operators/namespace-kyverno.yaml',
    'core/operators/namespace-strimzi-system.yaml',
    'core/shared-services/namespace-gateway-system.yaml',
  ]);
});

test('the platform runs Strimzi with its restricted pod security provider', () => {
  const strimzi = render().find((f) => f.object.kind === 'HelmRelease' && f.object.metadata.name === 'strimzi-kafka-operator')!.object as Json;
  expect(strimzi.spec.values.extraEnvs).toEqual([{ name: STRIMZI_POD_SECURITY_PROVIDER_ENV, value: 'restricted' }]);
  expect(STRIMZI_POD_SECURITY_PROVIDER_ENV).toBe('STRIMZI_POD_SECURITY_PROVIDER_CLASS');
});

test('CloudNativePG pods meet restricted because the Cluster template keeps the operator defaults', () => {
  // The declaration (restricted, in every namespace) holds only while no Cluster overrides the operator's
  // security defaults: seccomp RuntimeDefault (the CRD's spec.seccompProfile default), capabilities dropped,
  // non-root. A template that set any of these fields could weaken them.
  expect(issues(() => render())).toEqual([]);
  const cluster = rgdResources(render(), 'Infrastructure').database.template as Json;
  expect(cluster.kind).toBe('Cluster');
  expect(Object.keys(cluster.spec).filter((k) => /securityContext|seccompProfile/i.test(k))).toEqual([]);
});

test('every non-workspace namespace in dist/ is reserved (no workspace can take it)', () => {
  const files = render();
  const objects = files.map((f) => f.object);
  const workspaces = new Set(ofKind(files, 'Workspace').map((w) => w.metadata.name));
  const namespaces = [...new Set(objects.map((o: RenderedObject) => o.metadata.namespace).filter((n): n is string => !!n))].sort();
  const platform = namespaces.filter((ns) => !workspaces.has(ns));
  expect(platform).toEqual(['cnpg-system', 'flux-system', 'gateway-system', 'kafka', 'kro-system', 'kube-system', 'kyverno', 'strimzi-system']);
  expect(platform.filter((ns) => !RESERVED_NAMESPACES.includes(ns))).toEqual([]);
});
