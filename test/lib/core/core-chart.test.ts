/** CoreChart: the six operators and the shared services, wired together. */
import { App } from 'cdk8s';
import { CoreChart } from '../../../lib/core/core-chart';
import { endpointControllers, guardrailControllers, labellingControllers } from '../../../lib/core/platform-identities';
import { TEST_IDENTITIES } from '../../helpers/construct';
import { renderApp } from '../../../lib/synth/dist-writer';
import { find, Json, ofKind } from '../../helpers/platform';

const files = renderApp((() => { const app = new App(); new CoreChart(app, 'core'); return app; })());
const releases = ofKind(files, 'HelmRelease') as Json[];

/** `{ name: value }` over the six releases, so a missing or extra release fails like a wrong value. */
const byRelease = (value: (r: Json) => unknown): Record<string, unknown> =>
  Object.fromEntries(releases.map((r) => [r.metadata.name, value(r)]));
const everyRelease = (value: unknown): Record<string, unknown> =>
  Object.fromEntries(['cilium', 'cloudnative-pg', 'kro', 'kyverno', 'metrics-server', 'strimzi-kafka-operator'].map((n) => [n, value]));
const EXACT_VERSION = /^\d+\.\d+\.\d+$/;

test('two stages: the operators, then the shared services', () => {
  expect([...new Set(files.map((f) => f.path.split('/').slice(0, -1).join('/')))]).toEqual(['core/operators', 'core/shared-services']);
});

test('every HelmRelease pins an exact chart version (in its chart, or its OCIRepository tag)', () => {
  const pin = (r: Json): unknown => (r.spec.chart
    ? { chart: r.spec.chart.spec.version }
    : { ociTag: (find(files, 'OCIRepository', r.spec.chartRef.name) as Json).spec.ref.tag });
  expect(byRelease(pin)).toEqual({
    'cilium': { chart: expect.stringMatching(EXACT_VERSION) },
    'cloudnative-pg': { chart: expect.stringMatching(EXACT_VERSION) },
    'kro': { ociTag: expect.stringMatching(EXACT_VERSION) },
    'kyverno': { chart: expect.stringMatching(EXACT_VERSION) },
    'metrics-server': { chart: expect.stringMatching(EXACT_VERSION) },
    'strimzi-kafka-operator': { ociTag: expect.stringMatching(EXACT_VERSION) },
  });
  // an OCI source pins by tag only (no semver range, no digest that could drift from the tag)
  expect(ofKind(files, 'OCIRepository').map((o) => [o.metadata.name, Object.keys((o as Json).spec.ref)]))
    .toEqual([['kro', ['tag']], ['strimzi-kafka-operator', ['tag']]]);
});

test('HelmReleases install and upgrade CRDs, and remediate', () => {
  expect(byRelease((r) => r.spec.install)).toEqual(everyRelease({ crds: 'CreateReplace', remediation: { retries: 3 } }));
  expect(byRelease((r) => r.spec.upgrade))
    .toEqual(everyRelease(expect.objectContaining({ crds: 'CreateReplace', remediation: { retries: 3, remediateLastFailure: true } })));
});

test('every operator but Cilium waits for Cilium (pods need the network)', () => {
  expect(byRelease((r) => r.spec.dependsOn)).toEqual({
    ...everyRelease([{ name: 'cilium', namespace: 'kube-system' }]),
    cilium: undefined,
  });
});

test('metrics-server runs in kube-system from the pinned chart; on Kind it skips verifying the kubelets\' self-signed certificates', () => {
  const release = find(files, 'HelmRelease', 'metrics-server') as Json;
  expect([release.metadata.namespace, release.spec.chart.spec.chart, release.spec.chart.spec.version, release.spec.values])
    .toEqual(['kube-system', 'metrics-server', '3.13.1', { replicas: 1, args: ['--kubelet-insecure-tls'] }]);
  expect((find(files, 'HelmRepository', 'metrics-server') as Json).spec.url).toBe('https://kubernetes-sigs.github.io/metrics-server/');
  const verified = renderApp((() => { const app = new App(); new CoreChart(app, 'core', { metricsServer: { kubeletInsecureTls: false } }); return app; })());
  expect((find(verified, 'HelmRelease', 'metrics-server') as Json).spec.values.args).toEqual([]);
  expect(files.filter((f) => f.object.kind === 'Namespace').map((f) => f.object.metadata?.name)).not.toContain('kube-system');
});

test('Strimzi watches the Kafka namespace, where the topic operator looks for KafkaTopics', () => {
  expect((find(files, 'HelmRelease', 'strimzi-kafka-operator') as Json).spec.values.watchNamespaces).toEqual(['kafka']);
});

test('one KRaft Kafka with a node pool, one Gateway and its HTTP-to-HTTPS redirect route in the shared services', () => {
  expect(files.filter((f) => f.path.startsWith('core/shared-services/')).map((f) => f.object.kind).sort())
    .toEqual(['Gateway', 'HTTPRoute', 'Kafka', 'KafkaNodePool', 'Namespace']);
});

describe('platform identities (defined once, exempted by the policies where the controllers act)', () => {
  const core = new CoreChart(new App(), 'core');

  test("each operator's ServiceAccount user, named as its chart names it", () => {
    expect(core.identities).toEqual({
      kro: 'system:serviceaccount:kro-system:kro',
      cloudNativePg: 'system:serviceaccount:cnpg-system:cloudnative-pg',
      strimzi: 'system:serviceaccount:strimzi-system:strimzi-cluster-operator',
      kyvernoBackground: 'system:serviceaccount:kyverno:kyverno-background-controller',
      ciliumAgent: 'system:serviceaccount:kube-system:cilium',
      kubeControllers: ['deployment-controller', 'replicaset-controller', 'statefulset-controller', 'daemon-set-controller', 'job-controller',
        'cronjob-controller', 'namespace-controller', 'generic-garbage-collector',
        'endpoint-controller', 'endpointslice-controller', 'endpointslicemirroring-controller']
        .map((c) => `system:serviceaccount:kube-system:${c}`),
    });
    expect(core.wiring.identities).toBe(core.identities);
  });

  test('who may label as an operator, and who may manage the guardrails', () => {
    const kube = (...names: string[]): string[] => names.map((n) => `system:serviceaccount:kube-system:${n}`);
    expect(labellingControllers(core.identities)).toEqual([core.identities.kro, core.identities.cloudNativePg, core.identities.strimzi, core.identities.kyvernoBackground,
      'system:serviceaccount:kube-system:cilium', ...kube('deployment-controller', 'replicaset-controller', 'statefulset-controller', 'daemon-set-controller', 'job-controller',
        'cronjob-controller', 'namespace-controller', 'generic-garbage-collector',
        'endpoint-controller', 'endpointslice-controller', 'endpointslicemirroring-controller')]);
    expect(endpointControllers(core.identities)).toEqual(kube('endpoint-controller', 'endpointslice-controller', 'endpointslicemirroring-controller'));
    expect(endpointControllers(TEST_IDENTITIES)).toEqual([]);
    expect(guardrailControllers(core.identities)).toEqual([
      'system:serviceaccount:kro-system:kro', 'system:serviceaccount:kube-system:namespace-controller', 'system:serviceaccount:kube-system:generic-garbage-collector',
    ]);
    expect(guardrailControllers(TEST_IDENTITIES)).toEqual(['system:serviceaccount:graphs:kro-test', 'system:serviceaccount:kube-system:namespace-controller']);
  });
});

test('the API server port database pods may reach: 6443 (Kind) unless set', () => {
  expect(new CoreChart(new App(), 'core').wiring.apiServerPort).toBe(6443);
  expect(new CoreChart(new App(), 'core', { cilium: { apiServerPort: 16443 } }).wiring.apiServerPort).toBe(16443);
});
