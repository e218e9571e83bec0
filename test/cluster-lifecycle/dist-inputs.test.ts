/**
 * What `cluster:up` reads from the real synthesized dist/: the Kind config (ports from the shared Gateway),
 * the Cilium release (chart, version and the very values of the CoreChart's HelmRelease), the Flux layers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CILIUM, KUBERNETES } from '../../lib/shared/versions';
import { helmInstallFor, mergeValues, readCiliumInstall } from '../../tools/cluster/src/cilium-release';
import { ClusterError } from '../../tools/cluster/src/cluster-error';
import { readDistFolder } from '../../tools/cluster/src/dist-manifests';
import { fluxKustomizations, fluxLayers, layerLabel } from '../../tools/cluster/src/flux-layers';
import { planSync, readFluxSync } from '../../tools/cluster/src/flux-sync';
import { exampleUrl, gatewayListeners, publishedPorts, readGatewayListeners } from '../../tools/cluster/src/gateway-listeners';
import { certificateObjects, certificatePlans } from '../../tools/cluster/src/gateway-certificate';

/** The team stages of the committed dist/: one Kustomization `delivery-<team>` per folder under dist/delivery (today: team-a). */
function teamStages(): string[] {
  return readdirSync(join(__dirname, '..', '..', 'dist', 'delivery')).filter((d) => d !== 'workspaces').sort().map((t) => `delivery-${t}`);
}
import { gatewayNodeLabels, kindClusterConfig, kindConfigYaml } from '../../tools/cluster/src/kind-config';
import { KubeObject } from '../../tools/cluster/src/kube-object';
import { checkApiServerHost } from '../../tools/cluster/src/up-command';
import { REAL_DIST } from './cli-harness';

/** The Gateway and Cilium HelmRelease as the synthesized files hold them, parsed independently of the code under test. */
function distFile<T>(...path: string[]): T {
  return parse(readFileSync(join(REAL_DIST, ...path), 'utf8')) as T;
}

interface GatewayDoc { spec: { listeners: { port: number; protocol: string; hostname?: string }[] } }
interface HelmReleaseDoc { metadata: { name: string; namespace: string }; spec: { values: Record<string, unknown>; releaseName?: string; chart: { spec: { version: string } } } }

describe('Kind config from dist/', () => {
  const gateway = distFile<GatewayDoc>('core', 'shared-services', 'gateway-gateway-system-platform.yaml');
  const cilium = readCiliumInstall(REAL_DIST);
  const listeners = readGatewayListeners(REAL_DIST);
  const config = kindClusterConfig({ name: 'mini-atlas', ports: publishedPorts(listeners), ciliumValues: cilium.values });

  test('publishes exactly the shared Gateway listener ports, on loopback, same port inside and out', () => {
    expect(gateway.spec.listeners.map((l) => [l.port, l.protocol])).toEqual([[8080, 'HTTP'], [8443, 'HTTPS']]);
    expect(config.nodes).toHaveLength(1);
    expect(config.nodes[0].extraPortMappings).toEqual([
      { containerPort: 8080, hostPort: 8080, listenAddress: '127.0.0.1', protocol: 'TCP' },
      { containerPort: 8443, hostPort: 8443, listenAddress: '127.0.0.1', protocol: 'TCP' },
    ]);
  });

  test('pins the node image, disables the default CNI and kube-proxy', () => {
    expect(config).toMatchObject({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      name: 'mini-atlas',
      networking: { disableDefaultCNI: true, kubeProxyMode: 'none' },
    });
    expect(config.nodes[0]).toMatchObject({ role: 'control-plane', image: KUBERNETES.kindNodeImage });
    expect(KUBERNETES.kindNodeImage).toMatch(/^kindest\/node:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
  });

  test('the YAML kind reads round-trips to the same config', () => {
    expect(parse(kindConfigYaml(config))).toEqual(config);
  });

  test('the example URL uses the listener hostname wildcard and port', () => {
    const http = gateway.spec.listeners[0];
    expect(exampleUrl(listeners[0])).toBe(`http://${(http.hostname ?? 'localhost').replace('*.', '<app>.')}:${http.port}`);
  });

  test('labels the node for Cilium host-network Gateway node selection when the values ask for it', () => {
    const values = mergeValues(cilium.values, { gatewayAPI: { hostNetwork: { nodes: { matchLabels: { 'ingress-ready': true } } } } });
    expect(gatewayNodeLabels(values)).toEqual({ 'ingress-ready': 'true' });
    expect(kindClusterConfig({ name: 'x', ports: [], ciliumValues: values }).nodes[0].labels).toEqual({ 'ingress-ready': 'true' });
    // today's CoreChart values select no nodes, so the node gets no labels
    expect(gatewayNodeLabels(cilium.values)).toEqual({});
    expect(config.nodes[0]).not.toHaveProperty('labels');
  });

  test('UDP listeners map as UDP, duplicate ports once', () => {
    const objects = [{
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g', namespace: 'n' },
      spec: { listeners: [
        { name: 'a', port: 8080, protocol: 'HTTP', hostname: '*.a.localtest.me' },
        { name: 'b', port: 8080, protocol: 'HTTP', hostname: '*.b.localtest.me' },
        { name: 'dns', port: 5353, protocol: 'UDP' },
      ] },
    }] as KubeObject[];
    expect(publishedPorts(gatewayListeners(objects))).toEqual([{ port: 5353, protocol: 'UDP' }, { port: 8080, protocol: 'TCP' }]);
  });

  test('the certificate to issue: the HTTPS listener\'s Secret gateway-tls for *.localtest.me and localtest.me, nothing for HTTP', () => {
    expect(listeners.map((l) => [l.name, l.certificateSecrets])).toEqual([['http', []], ['https', [{ namespace: 'gateway-system', name: 'gateway-tls' }]]]);
    expect(certificatePlans(listeners)).toEqual([
      { domain: 'localtest.me', dnsNames: ['*.localtest.me', 'localtest.me'], secrets: [{ namespace: 'gateway-system', name: 'gateway-tls' }] },
    ]);
    expect(listeners.map(exampleUrl)).toEqual(['http://<app>.localtest.me:8080', 'https://<app>.localtest.me:8443']);
  });

  test('certificate references by the Gateway API defaults: Terminate, core Secret, the Gateway\'s namespace; one certificate per domain', () => {
    const tls = (certificateRefs: unknown[], mode?: string) => ({ ...(mode ? { mode } : {}), certificateRefs });
    const objects = [{
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g', namespace: 'edge' },
      spec: { listeners: [
        { name: 'a', port: 9443, protocol: 'HTTPS', hostname: '*.apps.example', tls: tls([{ name: 'apps' }]) },
        { name: 'b', port: 9444, protocol: 'HTTPS', hostname: '*.apps.example', tls: tls([{ name: 'apps' }, { kind: 'Secret', namespace: 'certs', name: 'apps-2' }]) },
        { name: 'c', port: 9445, protocol: 'HTTPS', hostname: 'shop.example', tls: tls([{ group: '', kind: 'Secret', name: 'shop' }]) },
        { name: 'pass', port: 9446, protocol: 'TLS', hostname: 'db.example', tls: tls([{ name: 'ignored' }], 'Passthrough') },
        { name: 'other-kind', port: 9447, protocol: 'HTTPS', hostname: 'vault.example', tls: tls([{ group: 'example.io', kind: 'Vault', name: 'v' }]) },
      ] },
    }] as KubeObject[];
    expect(certificatePlans(gatewayListeners(objects))).toEqual([
      { domain: 'apps.example', dnsNames: ['*.apps.example', 'apps.example'], secrets: [{ namespace: 'edge', name: 'apps' }, { namespace: 'certs', name: 'apps-2' }] },
      { domain: 'shop.example', dnsNames: ['shop.example'], secrets: [{ namespace: 'edge', name: 'shop' }] },
    ]);
  });

  test('the objects applied: a Namespace not in dist/ is made bare, the Secret holds the PEM base64-encoded, without labels when the Gateway has none', () => {
    const certificate = { certFile: '/ca/gateway.crt', keyFile: '/ca/gateway.key', certPem: 'CERT', keyPem: 'KEY' };
    expect(certificateObjects([{
      domain: 'shop.example', dnsNames: ['shop.example'], secrets: [{ namespace: 'edge', name: 'shop' }], caFile: '/ca/ca.crt', caCreated: false, issued: false, certificate,
    }], [])).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'edge' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shop', namespace: 'edge' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'Q0VSVA==', 'tls.key': 'S0VZ' } },
    ]);
  });

  test('a listener terminating TLS without a hostname is an error: there is no name to certify', () => {
    const objects = [{
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g', namespace: 'n' },
      spec: { listeners: [{ name: 'https', port: 8443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'tls' }] } }] },
    }] as KubeObject[];
    expect(() => certificatePlans(gatewayListeners(objects))).toThrow(new ClusterError(
      'Gateway/n/g listener https terminates TLS but has no hostname: cluster:up cannot tell which names its certificate must hold',
      'give the listener a hostname (the SharedGateway sets *.<domain>) and run `npm run synth`',
    ));
  });

  test('a listener without a valid port is an error', () => {
    const objects = [{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g', namespace: 'n' }, spec: { listeners: [{ name: 'x', port: 70000 }] } }] as KubeObject[];
    expect(() => gatewayListeners(objects)).toThrow(/Gateway\/n\/g listener x has no valid port/);
  });
});

describe('Cilium release from dist/', () => {
  const hr = distFile<HelmReleaseDoc>('core', 'operators', 'helmrelease-kube-system-cilium.yaml');
  const install = readCiliumInstall(REAL_DIST);

  test('carries exactly the values of the CoreChart HelmRelease', () => {
    expect(install.values).toEqual(hr.spec.values);
    // the values that make Cilium work on this Kind cluster are really there
    expect(install.values).toMatchObject({ kubeProxyReplacement: true, gatewayAPI: { enabled: true, hostNetwork: { enabled: true } } });
  });

  test('uses the chart, version and repository pinned in lib/shared/versions.ts (through the HelmRelease and HelmRepository)', () => {
    expect(install).toMatchObject({
      chart: CILIUM.chart.chart,
      version: CILIUM.chart.version,
      repository: CILIUM.chart.repository,
      releaseName: hr.spec.releaseName ?? hr.metadata.name,
      namespace: hr.metadata.namespace,
      source: `HelmRelease/${hr.metadata.namespace}/${hr.metadata.name}`,
    });
  });

  test('the values let Cilium find the API server ("auto"), so any cluster name fits; a pinned host must match', () => {
    expect(install.values.k8sServiceHost).toBe('auto');
    expect(() => checkApiServerHost(install.values, 'mini-atlas', install.source)).not.toThrow();
    expect(() => checkApiServerHost(install.values, 'other', install.source)).not.toThrow();
    // a pinned host (the fixture dist/ has one; up-failures.test.ts runs it through `up --name`)
    const pinned = { ...install.values, k8sServiceHost: 'mini-atlas-control-plane' };
    expect(() => checkApiServerHost(pinned, 'mini-atlas', install.source)).not.toThrow();
    expect(() => checkApiServerHost(pinned, 'other', install.source)).toThrow(ClusterError);
  });

  const operators = (): KubeObject[] => readDistFolder(REAL_DIST, 'core/operators').map((d) => d.object);

  test('other operators resolve too, including OCI chart sources (chartRef → OCIRepository)', () => {
    const oci = operators().filter((o) => o.kind === 'OCIRepository');
    expect(oci.map((o) => o.metadata.name)).toEqual(['kro', 'strimzi-kafka-operator']);
    const installs = oci.map((repo) => helmInstallFor(operators(), String(repo.spec?.url).split('/').pop()!));
    expect(installs.map((i) => ({ chart: i.chart, repository: i.repository, version: i.version }))).toEqual(oci.map((repo) => ({
      chart: repo.spec?.url, repository: undefined, version: (repo.spec?.ref as { tag: string }).tag,
    })));
  });

  test('valuesFrom ConfigMaps/Secrets in dist/ are merged under spec.values, like helm-controller does', () => {
    const base = operators().filter((o) => o.kind !== 'HelmRelease' || o.metadata.name !== 'cilium');
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cilium-extra', namespace: 'kube-system' }, data: { 'values.yaml': 'hubble:\n  enabled: true\n  relay: {enabled: true}\nipam: {mode: cluster-pool}\n' } };
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cilium-secret', namespace: 'kube-system' }, data: { token: Buffer.from('s3cret').toString('base64') } };
    const withFrom = operators().find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'cilium')!;
    const spec = { ...withFrom.spec, valuesFrom: [
      { kind: 'ConfigMap', name: 'cilium-extra' },
      { kind: 'Secret', name: 'cilium-secret', valuesKey: 'token', targetPath: 'clustermesh.apiserver.token' },
      { kind: 'ConfigMap', name: 'absent', optional: true },
    ] };
    const result = helmInstallFor([...base, { ...withFrom, spec }, cm as unknown as KubeObject, secret as unknown as KubeObject], 'cilium');
    expect(result.values.hubble).toEqual({ ...(hr.spec.values.hubble as object), relay: { enabled: true } });
    expect(result.values.ipam).toEqual(hr.spec.values.ipam); // spec.values wins over valuesFrom
    expect(result.values.clustermesh).toEqual({ apiserver: { token: 's3cret' } });
    expect(() => helmInstallFor([...base, { ...withFrom, spec: { ...spec, valuesFrom: [{ kind: 'ConfigMap', name: 'absent' }] } }], 'cilium'))
      .toThrow(/valuesFrom ConfigMap\/absent key values.yaml is not in dist/);
  });

  test('no Cilium HelmRelease, or two, is an error that points at the CoreChart', () => {
    const without = operators().filter((o) => !(o.kind === 'HelmRelease' && o.metadata.name === 'cilium'));
    expect(() => helmInstallFor(without, 'cilium')).toThrow(/no HelmRelease for the cilium chart in dist\/core\/operators/);
    const cilium = operators().find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'cilium')!;
    const twice = [...operators(), { ...cilium, metadata: { ...cilium.metadata, name: 'cilium-2' } }];
    expect(() => helmInstallFor(twice, 'cilium')).toThrow(/2 HelmReleases install the cilium chart/);
  });

  test('a version range is refused (helm must install exactly what Flux pins)', () => {
    const objects = operators();
    const cilium = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'cilium')!;
    const ranged = { ...cilium, spec: { ...cilium.spec, chart: { spec: { ...(cilium.spec!.chart as { spec: object }).spec, version: '>=1.20.0' } } } };
    expect(() => helmInstallFor([...objects.filter((o) => o !== cilium), ranged], 'cilium')).toThrow(/not an exact version/);
  });
});

describe('Flux layers from dist/flux-system', () => {
  const sync = readFluxSync(REAL_DIST);

  test('orders every Kustomization so each comes after what it depends on', () => {
    const layers = fluxLayers(sync.kustomizations);
    const position = new Map(layers.flatMap((l) => l.kustomizations.map((k) => [`${k.namespace}/${k.name}`, l.index])));
    expect(position.size).toBe(sync.kustomizations.length);
    for (const k of sync.kustomizations) {
      for (const d of k.dependsOn) expect(position.get(d)!).toBeLessThan(position.get(`${k.namespace}/${k.name}`)!);
    }
    // the documented order: Gateway API CRDs → core/operators → core/shared-services → foundation → delivery,
    // with every team's stage (one per folder under dist/delivery) in the last layer
    expect(teamStages()).toContain('delivery-team-a');
    expect(layers.map(layerLabel)).toEqual([
      'flux-system, gateway-api-crds', 'core-operators', 'core-shared-services', 'foundation', 'delivery-workspaces', teamStages().join(', '),
    ]);
  });

  test('the platform source is the GitRepository the dist/ Kustomizations read', () => {
    expect(sync.platformSource.kind).toBe('GitRepository');
    const readers = sync.kustomizations.filter((k) => k.path.startsWith('./dist/'));
    expect(readers.map((k) => [k.name, k.sourceRef.name])).toEqual([
      'core-operators', 'core-shared-services', ...teamStages(), 'delivery-workspaces', 'flux-system', 'foundation',
    ].map((name) => [name, sync.platformSource.metadata.name]));
  });

  test('pointing Flux elsewhere leaves out only a self-managing Kustomization', () => {
    const url = String(sync.platformSource.spec?.url);
    const branch = String((sync.platformSource.spec?.ref as { branch: string }).branch);
    expect(planSync(sync, url, branch).kustomizations).toHaveLength(sync.kustomizations.length);
    expect(sync.selfManaging?.name).toBe('flux-system');
    const away = planSync(sync, 'https://example.com/fork.git', branch);
    expect(away.leftOut?.name).toBe('flux-system');
    expect(away.kustomizations).toHaveLength(sync.kustomizations.length - 1);
  });

  test('a dependency cycle or a missing dependency is reported', () => {
    const k = (name: string, deps: string[]): KubeObject => ({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, namespace: 'flux-system' },
      spec: { path: `./dist/${name}`, sourceRef: { kind: 'GitRepository', name: 'x' }, dependsOn: deps.map((d) => ({ name: d })) },
    });
    // The dist model's one message for each (lib/synth/dist-model.ts, fluxOrder).
    expect(() => fluxLayers(fluxKustomizations([k('a', ['b']), k('b', ['a'])])))
      .toThrow('Kustomization flux-system/a: dependsOn cycle: flux-system/a → flux-system/b → flux-system/a');
    expect(() => fluxLayers(fluxKustomizations([k('a', ['zzz'])])))
      .toThrow('Kustomization flux-system/a: dependsOn target Kustomization flux-system/zzz does not exist');
  });
});
