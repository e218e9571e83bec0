/**
 * `cluster:up` against fake tools: the exact command sequence of a fresh install and of a re-run on an
 * existing cluster, the files handed to kind/helm/kubectl, and the convergence paths.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { FLUX, GATEWAY_API, KUBERNETES } from '../../lib/shared/versions';
import { FakeTools } from '../fakes/fake-tools';
import { FLUX_LOCKDOWN } from '../../tools/cluster/src/flux-lockdown';
import {
  FIXTURE_DIST, FIXTURE_FLAGS, FIXTURE_KUSTOMIZATIONS, FIXTURE_REPO, fluxObject, GET_KUSTOMIZATIONS, kustomizationList, runCli,
} from './cli-harness';

const CTX = 'kind-mini-atlas';
const GATEWAY_URL = `https://github.com/kubernetes-sigs/gateway-api/releases/download/${GATEWAY_API.version}/standard-install.yaml`;
const CRDS = ['gatewayclasses', 'gateways', 'httproutes', 'grpcroutes', 'referencegrants']
  .map((n) => `customresourcedefinition.apiextensions.k8s.io/${n}.gateway.networking.k8s.io`).join(' ');

/** The timeout flags carry the remaining budget, which shrinks while the test runs. */
function normalizeTimeouts(lines: string[]): string[] {
  return lines.map((l) => l.replace(/--timeout(=| )\d+s/g, '--timeout$1<n>s'));
}

const PREREQUISITES = [
  'docker info --format {{.ServerVersion}}',
  'kind version',
  'kubectl version --client --output=json',
  'helm version --short',
  'flux version --client',
  'openssl version',
];

const INSTALL = [
  `kubectl --context ${CTX} apply --server-side --force-conflicts --field-manager=mini-atlas-cluster-up --filename ${GATEWAY_URL}`,
  `kubectl --context ${CTX} wait --for=condition=Established ${CRDS} --timeout=<n>s`,
  `kubectl --context ${CTX} get helmreleases.helm.toolkit.fluxcd.io cilium --namespace kube-system --output json`,
  `helm status cilium --namespace kube-system --kube-context ${CTX} --output json`,
  `helm upgrade --install cilium cilium --repo https://helm.cilium.io/ --version 1.20.0 --namespace kube-system --kube-context ${CTX} --values <tmp>/cilium-values.yaml --timeout <n>s`,
  `kubectl --context ${CTX} rollout status daemonset/cilium --namespace kube-system --timeout=<n>s`,
  `kubectl --context ${CTX} rollout status deployment/cilium-operator --namespace kube-system --timeout=<n>s`,
  `kubectl --context ${CTX} wait --for=condition=Ready node --all --timeout=<n>s`,
];

/** The fixture's local CA for *.localtest.me, below the sandbox's XDG_DATA_HOME (`<data>`). */
const CA = '<data>/mini-atlas/local-ca/localtest.me';

/** A new CA, then the Gateway's certificate from it (tools/control-plane/src/pki.ts through the CLI's runner). */
const NEW_CA = [
  `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ${CA}/ca.key`,
  `openssl req -x509 -new -key ${CA}/ca.key -out ${CA}/ca.crt -days 3650 -subj /CN=Mini-Atlas local CA for localtest.me ` +
    '-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign,digitalSignature -addext nameConstraints=critical,permitted;DNS:localtest.me',
];
const NEW_CERTIFICATE = [
  `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ${CA}/gateway.key`,
  `openssl req -new -key ${CA}/gateway.key -out ${CA}/gateway.csr -subj /CN=localtest.me`,
  `openssl x509 -req -in ${CA}/gateway.csr -CA ${CA}/ca.crt -CAkey ${CA}/ca.key -CAserial ${CA}/ca.srl -CAcreateserial -days 825 -sha256 -extfile ${CA}/gateway.ext -out ${CA}/gateway.crt`,
];
/** A re-run: the CA is kept, and so is the certificate while it is valid for another 30 days. */
const CHECK_CERTIFICATE = `openssl x509 -checkend 2592000 -noout -in ${CA}/gateway.crt`;
const APPLY_CERTIFICATE = `kubectl --context ${CTX} apply --server-side --force-conflicts --field-manager=mini-atlas-cluster-up --filename <tmp>/gateway-certificates.yaml`;

/** Command lines with the sandbox's data directory as `<data>` and the remaining budget as `<n>`. */
function lines(fakes: FakeTools): string[] {
  return normalizeTimeouts(fakes.commandLines().map((l) => l.split(fakes.dataHome).join('<data>')));
}

const FLUX_STEPS = [
  `flux install --version=${FLUX.version} --context=${CTX} --timeout=<n>s`,
  ...['kustomize-controller', 'helm-controller', 'notification-controller'].flatMap((c) => [
    `kubectl --context ${CTX} get deployment ${c} --namespace flux-system --output json`,
    `kubectl --context ${CTX} patch deployment ${c} --namespace flux-system --type=json --patch=${JSON.stringify([{
      op: 'replace', path: '/spec/template/spec/containers/0/args',
      value: ['--watch-all-namespaces=true', '--log-level=info', ...(c === 'kustomize-controller'
        ? ['--default-service-account=default', '--no-cross-namespace-refs=true', '--no-remote-bases=true']
        : ['--no-cross-namespace-refs=true'])],
    }])}`,
    `kubectl --context ${CTX} rollout status deployment/${c} --namespace flux-system --timeout=<n>s`,
  ]),
];
const SYNC = `kubectl --context ${CTX} apply --server-side --force-conflicts --field-manager=mini-atlas-cluster-up --filename <tmp>/flux-system.yaml`;
const FLUX_AND_SYNC = [...FLUX_STEPS, APPLY_CERTIFICATE, SYNC];

const WAIT_ONE_POLL_PER_LAYER = Array(5).fill(
  `kubectl --context ${CTX} get kustomizations.kustomize.toolkit.fluxcd.io --all-namespaces --output json`,
);

describe('cluster:up, fresh install', () => {
  let fakes: FakeTools;
  beforeEach(() => {
    fakes = new FakeTools().on('kubectl', GET_KUSTOMIZATIONS, { stdout: kustomizationList(FIXTURE_KUSTOMIZATIONS) });
  });
  afterEach(() => fakes.dispose());

  test('runs the exact sequence: checks, kind create, CRDs, Cilium, Flux, sync, one wait per layer', async () => {
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.stderr).not.toContain('✖');
    expect(run.code).toBe(0);
    expect(lines(fakes)).toEqual([
      ...PREREQUISITES,
      'kind get clusters',
      ...NEW_CA,
      ...NEW_CERTIFICATE,
      `kind create cluster --name mini-atlas --config <tmp>/kind-config.yaml`,
      ...INSTALL,
      ...FLUX_AND_SYNC,
      ...WAIT_ONE_POLL_PER_LAYER,
    ]);
    expect(run.stdout).toContain('Mini-Atlas is Ready on Kind cluster mini-atlas');
    expect(run.stdout).toContain('  Applications:  http://<app>.localtest.me:47080  (Gateway/gateway-system/platform, listener http)\n' +
      '  Applications:  https://<app>.localtest.me:47443  (Gateway/gateway-system/platform, listener https)\n' +
      `  Trust the CA:  ${join(fakes.dataHome, 'mini-atlas/local-ca/localtest.me/ca.crt')}  (once per laptop; README: "HTTPS on Kind")\n`);
    expect(run.stderr).toContain('✔ Secret gateway-system/gateway-tls: *.localtest.me, localtest.me (issued; CA ' +
      `${join(fakes.dataHome, 'mini-atlas/local-ca/localtest.me/ca.crt')} created)`);
  });

  test('hands kind the generated config, helm the HelmRelease values, kubectl the sync objects', async () => {
    await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    const calls = fakes.calls();
    const kindConfig = parse(calls.find((c) => c.tool === 'kind' && c.argv[0] === 'create')!.files['kind-config.yaml']) as Record<string, unknown>;
    expect(kindConfig).toEqual({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      name: 'mini-atlas',
      networking: { disableDefaultCNI: true, kubeProxyMode: 'none' },
      nodes: [{
        role: 'control-plane',
        image: KUBERNETES.kindNodeImage,
        extraPortMappings: [
          { containerPort: 47080, hostPort: 47080, listenAddress: '127.0.0.1', protocol: 'TCP' },
          { containerPort: 47443, hostPort: 47443, listenAddress: '127.0.0.1', protocol: 'TCP' },
        ],
      }],
    });

    const values = parse(calls.find((c) => c.tool === 'helm' && c.argv[0] === 'upgrade')!.files['cilium-values.yaml']) as unknown;
    const hr = parse(readFileSync(join(FIXTURE_DIST, 'core/operators/helmrelease-kube-system-cilium.yaml'), 'utf8')) as { spec: { values: unknown } };
    expect(values).toEqual(hr.spec.values);

    const sync = calls.find((c) => c.tool === 'kubectl' && c.files['flux-system.yaml'] !== undefined)!.files['flux-system.yaml'];
    const objects = parseAllDocuments(sync).map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec: Record<string, unknown> });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'GitRepository/gateway-api', 'GitRepository/mini-atlas',
      ...FIXTURE_KUSTOMIZATIONS.map((k) => `Kustomization/${k}`),
    ].sort());
    const repo = objects.find((o) => o.metadata.name === 'mini-atlas')!;
    expect(repo.spec.url).toBe(FIXTURE_REPO);
    expect(repo.spec.ref).toEqual({ branch: 'main' });
  });

  test('--repo/--branch elsewhere re-point the GitRepository and leave out the self-managing Kustomization', async () => {
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS, '--repo', 'https://gitlab.example.com/me/atlas-fork.git', '--branch', 'feature/x']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/Kustomization flux-system\/flux-system .* would reset GitRepository\/flux-system\/mini-atlas to https:\/\/github.com\/mini-atlas\/mini-atlas.git main; it is not applied/);
    const sync = fakes.calls().find((c) => c.files['flux-system.yaml'] !== undefined)!.files['flux-system.yaml'];
    const objects = parseAllDocuments(sync).map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec: Record<string, unknown> });
    expect(objects.find((o) => o.kind === 'Kustomization' && o.metadata.name === 'flux-system')).toBeUndefined();
    expect(objects.find((o) => o.metadata.name === 'mini-atlas')!.spec).toMatchObject({
      url: 'https://gitlab.example.com/me/atlas-fork.git',
      ref: { branch: 'feature/x' },
    });
    expect(objects.find((o) => o.metadata.name === 'gateway-api')!.spec).toMatchObject({ ref: { tag: GATEWAY_API.version } });
    // the GET of the self-managing Kustomization guards against a cluster where it already runs
    expect(fakes.commandLines()).toContain(`kubectl --context ${CTX} get kustomizations.kustomize.toolkit.fluxcd.io flux-system --namespace flux-system --output json`);
  });

  test('waits while layers progress and reports each layer in order', async () => {
    fakes.dispose();
    const progressing = { ready: 'Unknown' as const, reason: 'Progressing', message: 'Reconciliation in progress' };
    const upTo = (last: string): string[] => FIXTURE_KUSTOMIZATIONS.slice(0, FIXTURE_KUSTOMIZATIONS.indexOf(last) + 1);
    fakes = new FakeTools().on('kubectl', GET_KUSTOMIZATIONS,
      { stdout: kustomizationList(upTo('core-shared-services'), { 'core-operators': progressing }) }, // layer 1 Ready
      { stdout: kustomizationList(upTo('core-shared-services'), { 'core-operators': progressing }) }, // layer 2 waits
      { stdout: kustomizationList(upTo('core-shared-services')) }, // layer 2 Ready
      { stdout: kustomizationList(upTo('core-shared-services')) }, // layer 3 Ready
      { stdout: kustomizationList(upTo('core-shared-services')) }, // layer 4: foundation not applied yet
      { stdout: kustomizationList(FIXTURE_KUSTOMIZATIONS) }, // layers 4 and 5 Ready
    );
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(0);
    const order = [...run.stderr.matchAll(/✔ Ready: layer (\d)\/5: ([^(]+)/g)].map((m) => `${m[1]} ${m[2].trim()}`);
    expect(order).toEqual(['1 flux-system, gateway-api-crds', '2 core-operators', '3 core-shared-services', '4 foundation', '5 delivery-team-a, delivery-team-b']);
    expect(run.stderr).toContain('core-operators: Progressing — Reconciliation in progress');
    expect(run.stderr).toContain('foundation: not applied yet');
  });
});

describe('cluster:up, re-run on an existing cluster', () => {
  let fakes: FakeTools;
  beforeEach(() => {
    fakes = new FakeTools()
      .on('kind', 'get clusters', { stdout: 'other\nmini-atlas\n' })
      .on('docker', 'port mini-atlas-control-plane', { stdout: '6443/tcp -> 127.0.0.1:38383\n47080/tcp -> 127.0.0.1:47080\n47443/tcp -> 127.0.0.1:47443\n' })
      .on('kubectl', GET_KUSTOMIZATIONS, { stdout: kustomizationList(FIXTURE_KUSTOMIZATIONS) });
  });
  afterEach(() => fakes.dispose());

  test('reuses the cluster (no create, no port check), re-exports the kubeconfig, converges every step', async () => {
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(0);
    expect(lines(fakes)).toEqual([
      ...PREREQUISITES,
      'kind get clusters',
      ...NEW_CA,
      ...NEW_CERTIFICATE,
      'kind export kubeconfig --name mini-atlas',
      `kubectl --context ${CTX} get --raw /readyz`,
      'docker port mini-atlas-control-plane',
      ...INSTALL,
      ...FLUX_AND_SYNC,
      ...WAIT_ONE_POLL_PER_LAYER,
    ]);
    expect(run.stderr).toContain('Kind cluster mini-atlas exists (context kind-mini-atlas); reusing it');
    expect(run.stderr).not.toContain('does not publish');
  });

  test('warns when the existing cluster does not publish a port the Gateway now listens on', async () => {
    fakes.dispose();
    fakes = new FakeTools()
      .on('kind', 'get clusters', { stdout: 'mini-atlas\n' })
      .on('docker', 'port mini-atlas-control-plane', { stdout: '6443/tcp -> 127.0.0.1:38383\n8080/tcp -> 127.0.0.1:8080\n' })
      .on('kubectl', GET_KUSTOMIZATIONS, { stdout: kustomizationList(FIXTURE_KUSTOMIZATIONS) });
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('⚠ Kind cluster mini-atlas does not publish 47080/TCP, 47443/TCP, where the Gateway now listens');
    expect(run.stderr).toContain('npm run cluster:down -- --yes && npm run cluster:up');
  });

  test('leaves Cilium to Flux once its HelmRelease is Ready', async () => {
    fakes.on('kubectl', '*get helmreleases.helm.toolkit.fluxcd.io cilium --namespace kube-system --output json', {
      stdout: JSON.stringify(fluxObject('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'cilium', 'kube-system')),
    });
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(0);
    const lines = fakes.commandLines();
    expect(lines.filter((l) => l.startsWith('helm '))).toEqual(['helm version --short']);
    expect(lines.some((l) => l.includes('rollout status') && l.includes('kube-system'))).toBe(false);
    expect(run.stderr).toContain('Cilium is managed by Flux (HelmRelease/kube-system/cilium is Ready); left to Flux');
  });

  test('leaves Flux controllers that are already locked down alone (no patch, no restart)', async () => {
    for (const [c, flags] of Object.entries(FLUX_LOCKDOWN)) {
      const args = ['--log-level=info', ...Object.entries(flags).map(([f, v]) => `${f}=${v}`)];
      fakes.on('kubectl', `*get deployment ${c} --namespace flux-system --output json`, {
        stdout: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: c, namespace: 'flux-system' }, spec: { template: { spec: { containers: [{ name: 'manager', args }] } } } }),
      });
    }
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(0);
    expect(fakes.commandLines().filter((l) => l.includes(' patch ') || l.includes('--namespace flux-system --timeout'))).toEqual([]);
  });

  test('repairs a Helm release left pending-install by an interrupted run before upgrading', async () => {
    fakes.on('helm', 'status cilium *', { stdout: JSON.stringify({ name: 'cilium', info: { status: 'pending-install' } }) });
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(0);
    const helm = fakes.commandLines().filter((l) => l.startsWith('helm ') && !l.startsWith('helm version'));
    expect(normalizeTimeouts(helm)).toEqual([
      `helm status cilium --namespace kube-system --kube-context ${CTX} --output json`,
      `helm uninstall cilium --namespace kube-system --kube-context ${CTX} --wait`,
      expect.stringMatching(/^helm upgrade --install cilium cilium /),
    ]);
  });

  test('rolls back a release left pending-upgrade', async () => {
    fakes.on('helm', 'status cilium *', { stdout: JSON.stringify({ info: { status: 'pending-upgrade' } }) });
    await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(fakes.commandLines()).toContain(`helm rollback cilium --namespace kube-system --kube-context ${CTX} --wait`);
  });

  test('fails clearly when the existing cluster does not answer', async () => {
    fakes.on('kubectl', '*get --raw /readyz', { exit: 1, stderr: 'The connection to the server 127.0.0.1:41234 was refused' });
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Kind cluster mini-atlas exists but its API server does not answer');
    expect(run.stderr).toContain('npm run cluster:down -- --yes --name mini-atlas && npm run cluster:up');
    expect(fakes.commandLines().some((l) => l.includes('apply'))).toBe(false);
  });

  test('refuses to re-point Flux when the self-managing Kustomization already runs', async () => {
    fakes.on('kubectl', '*get kustomizations.kustomize.toolkit.fluxcd.io flux-system --namespace flux-system --output json', {
      stdout: JSON.stringify(fluxObject('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'flux-system', 'flux-system')),
    });
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS, '--repo', 'https://github.com/me/fork.git']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('already runs in the cluster and would reset GitRepository/flux-system/mini-atlas');
    expect(run.stderr).toContain(`--repo ${FIXTURE_REPO} --branch main`);
    expect(fakes.commandLines().some((l) => l.includes('flux-system.yaml'))).toBe(false);
  });
});

describe('cluster:up, the Gateway certificate from the local CA (never in Git, kept across runs)', () => {
  let fakes: FakeTools;
  beforeEach(() => {
    fakes = new FakeTools().on('kubectl', GET_KUSTOMIZATIONS, { stdout: kustomizationList(FIXTURE_KUSTOMIZATIONS) });
  });
  afterEach(() => fakes.dispose());

  const caDir = () => join(fakes.dataHome, 'mini-atlas', 'local-ca', 'localtest.me');
  const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' });
  /** The objects of the n-th `gateway-certificates.yaml` handed to kubectl. */
  const applied = (n = 0) => parseAllDocuments(fakes.calls().filter((c) => c.files['gateway-certificates.yaml'] !== undefined)[n]!.files['gateway-certificates.yaml'])
    .map((d) => d.toJS() as { kind: string; metadata: Record<string, unknown>; type?: string; data?: Record<string, string> });
  const opensslLines = () => lines(fakes).filter((l) => l.startsWith('openssl ') && l !== 'openssl version');

  test('applies the Gateway namespace as dist/ has it, then a kubernetes.io/tls Secret for *.localtest.me and localtest.me signed by the new CA', async () => {
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(0);
    const [namespace, secret] = applied();
    expect(namespace).toEqual(parse(readFileSync(join(FIXTURE_DIST, 'core/shared-services/namespace-gateway-system.yaml'), 'utf8')));
    expect({ ...secret, data: Object.keys(secret.data!) }).toEqual({
      apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls',
      metadata: { name: 'gateway-tls', namespace: 'gateway-system', labels: { 'app.kubernetes.io/component': 'gateway', 'app.kubernetes.io/part-of': 'mini-atlas' } },
      data: ['tls.crt', 'tls.key'],
    });
    const cert = Buffer.from(secret.data!['tls.crt'], 'base64').toString();
    const key = Buffer.from(secret.data!['tls.key'], 'base64').toString();
    const certFile = join(fakes.root, 'applied.crt');
    const keyFile = join(fakes.root, 'applied.key');
    writeFileSync(certFile, cert);
    writeFileSync(keyFile, key);
    // Signed by the CA the user is told to trust, for exactly the wildcard and the domain, for a server, 825 days.
    expect(openssl('verify', '-CAfile', join(caDir(), 'ca.crt'), certFile)).toBe(`${certFile}: OK\n`);
    expect(openssl('x509', '-in', certFile, '-noout', '-subject', '-issuer', '-ext', 'subjectAltName,extendedKeyUsage,basicConstraints')).toBe([
      'subject=CN = localtest.me', 'issuer=CN = Mini-Atlas local CA for localtest.me',
      'X509v3 Basic Constraints: critical', '    CA:FALSE',
      'X509v3 Extended Key Usage: ', '    TLS Web Server Authentication',
      'X509v3 Subject Alternative Name: ', '    DNS:*.localtest.me, DNS:localtest.me', '',
    ].join('\n'));
    const days = (Date.parse(openssl('x509', '-in', certFile, '-noout', '-enddate').trim().replace('notAfter=', '')) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(825);
    // The key is the certificate's.
    expect(openssl('pkey', '-in', keyFile, '-pubout')).toBe(openssl('x509', '-in', certFile, '-noout', '-pubkey'));
    // The CA admits nothing outside its domain: a certificate it signs for another name does not verify.
    expect(openssl('x509', '-in', join(caDir(), 'ca.crt'), '-noout', '-ext', 'nameConstraints,basicConstraints')).toBe([
      'X509v3 Basic Constraints: critical', '    CA:TRUE',
      'X509v3 Name Constraints: critical', '    Permitted:', '      DNS:localtest.me', '',
    ].join('\n'));
    // Keys readable by their owner only, in a directory of the owner only.
    expect([statSync(caDir()).mode & 0o777, statSync(join(caDir(), 'ca.key')).mode & 0o777, statSync(join(caDir(), 'gateway.key')).mode & 0o777])
      .toEqual([0o700, 0o600, 0o600]);
  });

  test('a re-run keeps the CA and the certificate: one -checkend, the same Secret applied again', async () => {
    await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    const ca = readFileSync(join(caDir(), 'ca.crt'), 'utf8');
    const first = opensslLines();
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(0);
    expect(opensslLines().slice(first.length)).toEqual([CHECK_CERTIFICATE]);
    expect(readFileSync(join(caDir(), 'ca.crt'), 'utf8')).toBe(ca);
    expect(applied(1)).toEqual(applied(0));
    expect(run.stderr).toContain(`✔ Secret gateway-system/gateway-tls: *.localtest.me, localtest.me (kept; CA ${join(caDir(), 'ca.crt')} kept)`);
  });

  test('a certificate that expires within 30 days is issued anew from the same CA', async () => {
    await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    const ca = readFileSync(join(caDir(), 'ca.crt'), 'utf8');
    const first = opensslLines();
    fakes.on('openssl', 'x509 -checkend *', { stdout: 'Certificate will expire\n', exit: 1 });
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(0);
    expect(opensslLines().slice(first.length)).toEqual([CHECK_CERTIFICATE, ...NEW_CERTIFICATE]);
    expect(readFileSync(join(caDir(), 'ca.crt'), 'utf8')).toBe(ca);
    expect(applied(1)[1].data!['tls.crt']).not.toBe(applied(0)[1].data!['tls.crt']);
    expect(run.stderr).toContain(`✔ Secret gateway-system/gateway-tls: *.localtest.me, localtest.me (issued; CA ${join(caDir(), 'ca.crt')} kept)`);
  });

  test('openssl failing: the step fails with its output before any cluster is created', async () => {
    fakes.on('openssl', 'genpkey *', { stderr: 'genpkey: Error opening output file\n', exit: 1 });
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`✖ Gateway certificate from the local CA in ${join(fakes.dataHome, 'mini-atlas', 'local-ca')}`);
    expect(run.stderr).toContain(`\`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ${join(caDir(), 'ca.key')}\` failed (exit 1)`);
    expect(run.stderr).toContain('genpkey: Error opening output file');
    expect(lines(fakes).filter((l) => !l.startsWith('openssl '))).toEqual([...PREREQUISITES.filter((l) => !l.startsWith('openssl ')), 'kind get clusters']);
  });
});
