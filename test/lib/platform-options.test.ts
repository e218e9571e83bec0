/**
 * Everything an organisation names or sizes is an option of buildPlatform, checked at synth with the one error
 * type: the platform name (part-of), the Git source, Flux's names and namespace, chart mirrors, the gateway.
 */
import { ANNOTATIONS, CILIUM, KRO, LABELS } from '../../lib';
import { issues } from '../helpers/issues';
import { Json, find, ofKind, render, rgdResources } from '../helpers/platform';

const partOfOf = (o: Json): string | undefined => o.metadata.labels?.[LABELS.partOf];

const ACME = {
  name: 'acme-platform',
  git: { repositoryUrl: 'ssh://git@git.acme.example/platform/clusters.git', branch: 'release', distPath: 'deploy/production', sourceName: 'acme-platform', secretRef: 'acme-git' },
  flux: { rootKustomizationName: 'acme-platform', fluxBootstrap: true, gatewayApiRepositoryUrl: 'https://git.acme.example/mirror/gateway-api' },
  core: {
    chartRepositories: { cilium: 'https://charts.acme.example/cilium', kro: 'oci://registry.acme.example/kro/charts/kro' },
    gateway: { className: 'acme-lb', listenerMode: 'load-balancer' as const, httpPort: 80, httpsPort: 443, domain: 'apps.acme.example', tlsSecretName: 'apps-acme-example-tls' },
  },
};

test('the platform name becomes the part-of label of every object that carries one, the tenants\' instances included', () => {
  const files = render({ name: 'acme-platform' });
  const partOf = new Set(files.map((f) => partOfOf(f.object)).filter((v) => v !== undefined));
  expect([...partOf]).toEqual(['acme-platform']);
  expect(partOfOf(find(files, 'WebApplication', 'team-a-web'))).toBe('acme-platform');
  // Unset, it stays Mini-Atlas's.
  expect(new Set(render().map((f) => partOfOf(f.object)).filter((v) => v !== undefined))).toEqual(new Set(['mini-atlas']));
});

test('the Git source, Flux\'s names and the Gateway API mirror reach the flux-system objects', () => {
  const files = render({ ...ACME, teams: () => undefined });
  const sources = ofKind(files, 'GitRepository') as Json[];
  expect(sources.map((s) => [s.metadata.name, s.spec.url, s.spec.ref, s.spec.secretRef])).toEqual([
    ['acme-platform', 'ssh://git@git.acme.example/platform/clusters.git', { branch: 'release' }, { name: 'acme-git' }],
    ['gateway-api', 'https://git.acme.example/mirror/gateway-api', { tag: expect.any(String) }, undefined],
  ]);
  expect(sources[0].spec.ignore).toBe('/*\n!/deploy/production/\n');
  const kustomizations = ofKind(files, 'Kustomization') as Json[];
  const root = kustomizations.find((k) => k.metadata.name === 'acme-platform');
  expect(root.spec).toMatchObject({ path: './deploy/production/flux-system', sourceRef: { kind: 'GitRepository', name: 'acme-platform' } });
  // No object keeps flux bootstrap's names, and every stage reads the organisation's source.
  expect(kustomizations.filter((k) => k.metadata.name === 'flux-system')).toEqual([]);
  expect(new Set(kustomizations.filter((k) => k.metadata.name !== 'gateway-api-crds').map((k) => k.spec.sourceRef.name))).toEqual(new Set(['acme-platform']));
});

test('another Flux namespace: the Flux objects and every workspace\'s delivery account and status Role move with it', () => {
  const files = render({ flux: { namespace: 'gitops' } });
  expect(new Set([...ofKind(files, 'GitRepository'), ...ofKind(files, 'Kustomization')].map((o) => o.metadata.namespace))).toEqual(new Set(['gitops']));
  const ws = rgdResources(files, 'Workspace');
  expect(ws.deliveryAccount.template.metadata.namespace).toBe('gitops');
  const inFlux = Object.values(ws).filter((r: Json) => JSON.stringify(r.template).includes('"flux-system"'));
  expect(inFlux.map((r: Json) => r.id)).toEqual([]);
});

test('chart mirrors: an https mirror becomes a HelmRepository, an oci:// mirror an OCIRepository; name and version stay pinned', () => {
  const files = render({ ...ACME, teams: () => undefined });
  expect((find(files, 'HelmRepository', 'cilium') as Json).spec.url).toBe('https://charts.acme.example/cilium');
  expect((find(files, 'HelmRelease', 'cilium') as Json).spec.chart.spec).toMatchObject({ chart: CILIUM.chart.chart, version: CILIUM.chart.version });
  expect((find(files, 'OCIRepository', 'kro') as Json).spec).toMatchObject({ url: 'oci://registry.acme.example/kro/charts/kro', ref: { tag: KRO.chart.version } });
  // A mirror names the pinned repository it mirrors (the validator accepts its URL only then); an unmirrored source has no annotation.
  expect([find(files, 'HelmRepository', 'cilium'), find(files, 'OCIRepository', 'kro'), find(files, 'HelmRepository', 'kyverno')].map((o) => o.metadata.annotations))
    .toEqual([{ [ANNOTATIONS.mirrorOf]: CILIUM.chart.repository }, { [ANNOTATIONS.mirrorOf]: KRO.chart.repository }, undefined]);
  expect(issues(() => render({ core: { chartRepositories: { kyverno: 'ftp://charts.acme.example' } }, teams: () => undefined })).map((i) => [i.path, i.field, i.value, i.rule]))
    .toEqual([['core/operators/kyverno', 'chart.repository', '"ftp://charts.acme.example"', 'must be an https:// or oci:// URL']]);
});

test('gateway: class, listener mode, port and domain; Cilium\'s host network follows the mode', () => {
  const files = render({ ...ACME, teams: () => undefined });
  const gw = find(files, 'Gateway', 'platform') as Json;
  expect([gw.spec.gatewayClassName, gw.spec.listeners[0].port, gw.spec.listeners[0].hostname]).toEqual(['acme-lb', 80, '*.apps.acme.example']);
  // Production HTTPS: the organisation's existing Secret on 443, the redirect to 443, and status URLs without a port.
  expect(gw.spec.listeners[1]).toMatchObject({ name: 'https', protocol: 'HTTPS', port: 443, tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'apps-acme-example-tls' }] } });
  expect((find(files, 'HTTPRoute', 'https-redirect') as Json).spec.rules[0].filters[0].requestRedirect).toEqual({ scheme: 'https', port: 443, statusCode: 301 });
  expect((find(files, 'ResourceGraphDefinition', 'web-application.platform.mini-atlas.io') as Json).spec.schema.status.url).toBe('${"https://" + schema.spec.hostname}');
  expect(ofKind(files, 'Secret')).toEqual([]);
  expect((find(files, 'HelmRelease', 'cilium') as Json).spec.values.gatewayAPI.hostNetwork).toEqual({ enabled: false });
  expect((find(render(), 'HelmRelease', 'cilium') as Json).spec.values.gatewayAPI.hostNetwork).toEqual({ enabled: true });
  const bad = issues(() => render({ core: { gateway: { className: 'Acme LB', httpPort: 80 } }, teams: () => undefined }));
  expect(bad.map((i) => [i.path, i.field, i.value, i.rule])).toEqual([
    ['core/shared-services/gateway', 'className', '"Acme LB"', 'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit'],
    ['core/shared-services/gateway', 'httpPort', '80', 'must be between 1024 and 65535 (host-network Envoy cannot bind privileged ports)'],
  ]);
  const badTls = issues(() => render({ core: { gateway: { listenerMode: 'load-balancer', httpPort: 443, httpsPort: 0, tlsSecretName: 'Acme_TLS' } }, teams: () => undefined }));
  expect(badTls.map((i) => [i.path, i.field, i.value, i.rule, i.fix])).toEqual([
    ['core/shared-services/gateway', 'httpsPort', '0', 'must be a TCP port (an integer from 1 to 65535)', undefined],
    ['core/shared-services/gateway', 'tlsSecretName', '"Acme_TLS"', 'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
      'name the kubernetes.io/tls Secret in the Gateway namespace that holds the certificate for *.<domain>'],
  ]);
});

test('names Flux cannot use, a clash with a stage or the Gateway API objects, and flux bootstrap\'s names: all reported at once', () => {
  const found = issues(() => render({
    name: 'Acme',
    git: { sourceName: 'gateway-api', secretRef: 'acme_git' },
    flux: { rootKustomizationName: 'foundation', namespace: 'flux-system', fluxBootstrap: true, gatewayApiRepositoryUrl: 'git.acme.example/gateway-api' },
    teams: () => undefined,
  }));
  expect(found.map((i) => [i.path, i.field, i.value, i.rule])).toEqual([
    ['flux-system/flux-system/sync', 'gatewayApiRepositoryUrl', '"git.acme.example/gateway-api"', 'is not a Git URL Flux can clone'],
    ['flux-system/flux-system/sync', 'secretRef', '"acme_git"', 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit'],
    ['flux-system/flux-system/sync', 'platform name (app.kubernetes.io/part-of)', '"Acme"', 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit'],
    ['flux-system/flux-system/sync', 'sourceName', '"gateway-api"', 'is the name of the Gateway API GitRepository in flux-system'],
    ['flux-system/flux-system/sync', 'rootKustomizationName', '"foundation"', 'is also the name of the Kustomization of stage foundation in flux-system'],
  ]);
  const bootstrap = issues(() => render({ flux: { fluxBootstrap: true }, teams: () => undefined }));
  expect(bootstrap.map((i) => [i.field, i.value, i.rule])).toEqual([
    ['rootKustomizationName', '"flux-system"', 'is the name flux bootstrap gives its own object in flux-system: Flux would apply both to one object'],
  ]);
});
