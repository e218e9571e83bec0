/** The whole platform's `dist/`: its folders, what it holds, and that rendering is deterministic. */
import { find, Json, ofKind, render } from '../helpers/platform';

const files = render();

test('one folder per Flux path, every object placed', () => {
  const folders = new Set(files.map((f) => f.path.split('/').slice(0, -1).join('/')));
  expect([...folders].sort()).toEqual(['core/operators', 'core/shared-services', 'delivery/team-a', 'delivery/workspaces', 'flux-system', 'foundation']);
});

test('rendering is deterministic', () => {
  const again = render();
  expect(JSON.stringify(again)).toEqual(JSON.stringify(files));
});

test('holds the five RGDs, six operators, KRaft Kafka with a node pool, the Gateway, policies and team-a', () => {
  expect(ofKind(files, 'ResourceGraphDefinition').map((r: Json) => r.spec.schema.kind).sort())
    .toEqual(['Infrastructure', 'Topic', 'WebApplication', 'Workload', 'Workspace']);
  expect(ofKind(files, 'HelmRelease').map((h) => h.metadata.name).sort())
    .toEqual(['cilium', 'cloudnative-pg', 'kro', 'kyverno', 'metrics-server', 'strimzi-kafka-operator']);
  expect(ofKind(files, 'Kafka')).toHaveLength(1);
  expect(ofKind(files, 'KafkaNodePool')).toHaveLength(1);
  expect(ofKind(files, 'Gateway')).toHaveLength(1);
  expect(ofKind(files, 'ValidatingPolicy').map((p) => p.metadata.name).sort())
    .toEqual([
      'host-isolation', 'hostname-ownership', 'image-registries', 'operator-labels', 'required-labels', 'reserved-workspaces',
      'role-binding-subjects', 'service-endpoints', 'service-exposure', 'stateful-deletion', 'workspace-guardrails', 'workspace-naming', 'workspace-scope',
    ]);
  expect(['Workspace', 'WebApplication', 'Infrastructure', 'Topic'].map((kind) => ofKind(files, kind).map((o) => o.metadata.name)))
    .toEqual([['team-a'], ['team-a-web'], ['team-a-db'], ['team-a-orders']]);
  // the platform's KRO grant (what it holds is asserted in test/lib/foundation/foundation-chart.test.ts)
  expect((find(files, 'ClusterRole', 'mini-atlas:kro:platform-abstractions') as Json).metadata.labels).toEqual(expect.objectContaining({ 'rbac.kro.run/aggregate-to-controller': 'true' }));
});
