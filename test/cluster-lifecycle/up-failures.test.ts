/**
 * `cluster:up` failure paths: each must exit non-zero with a message that names the problem and the fix,
 * and bad input must be rejected before anything is created (no `kind create`, often no tool call at all).
 */
import { rmSync } from 'node:fs';
import { AddressInfo, createServer, Server } from 'node:net';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CLUSTER_PREREQUISITES } from '../../lib/shared/versions';
import { ALL_FAKE_TOOLS, FakeToolName, FakeTools } from '../fakes/fake-tools';
import {
  FIXTURE_DIST, FIXTURE_FLAGS, FIXTURE_KUSTOMIZATIONS, fixtureDistWithPort, fluxObject, GET_KUSTOMIZATIONS, kustomizationList, list, runCli,
} from './cli-harness';

const VERSION_CALLS = [
  'docker info --format {{.ServerVersion}}',
  'kind version',
  'kubectl version --client --output=json',
  'helm version --short',
  'flux version --client',
  'openssl version',
];

let fakes: FakeTools;
afterEach(() => fakes.dispose());

/** Nothing that changes the machine or a cluster was run. */
function nothingCreated(): void {
  const mutating = fakes.commandLines().filter((l) => / (create|apply|install|upgrade|export|delete) /.test(` ${l} `));
  expect(mutating).toEqual([]);
}

describe('bad command line: exit 2 before any tool runs', () => {
  beforeEach(() => {
    fakes = new FakeTools();
  });

  test('unknown option names the option and lists the valid ones', async () => {
    const run = await runCli(fakes, ['up', '--nmae', 'x']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown option --nmae for cluster:up');
    expect(run.stderr).toContain('valid options: --name, --verbose, --help, --repo, --branch, --ssh-to-https, --timeout, --poll-interval, --dist');
    expect(fakes.calls()).toEqual([]);
  });

  test.each([
    [['up', '--timeout', 'soon'], '--timeout "soon" is not a duration'],
    [['up', '--timeout', '500ms'], '--timeout 0s is too short'],
    [['up', 'now'], 'unexpected argument "now" for cluster:up'],
    [['up', '--name', 'Mini_Atlas'], '--name "Mini_Atlas" is not a valid cluster name'],
    [['up', '--repo'], '--repo needs a value'],
    [['launch'], 'unknown command "launch"'],
    [[], 'no command given'],
    [['status', '--yes'], 'unknown option --yes for cluster:status'],
    [['down', '--json'], 'unknown option --json for cluster:down'],
  ])('%j → %s', async (argv, message) => {
    const run = await runCli(fakes, argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('→ ');
    expect(fakes.calls()).toEqual([]);
  });

  test('a flag npm swallowed (no "--") is reported with the fix', async () => {
    // `npm run cluster:up --branch dev` runs the script with argv [up, dev] and npm_config_branch=dev
    const run = await runCli(fakes, ['up', 'dev'], { env: { npm_lifecycle_event: 'cluster:up', npm_config_branch: 'dev' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('npm consumed --branch instead of passing it to cluster:up');
    expect(run.stderr).toContain('npm run cluster:up -- --branch');
  });

  test('a repository URL Flux cannot clone is rejected', async () => {
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS, '--repo', '/home/me/mini-atlas']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('repository URL "/home/me/mini-atlas" must be an https://, http:// or ssh:// URL');
    expect(fakes.calls()).toEqual([]);
  });

  test('a cluster name that the Cilium values cannot reach is rejected, naming both fixes', async () => {
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS, '--name', 'dev']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--name dev does not match the Cilium values: HelmRelease/kube-system/cilium sets k8sServiceHost=mini-atlas-control-plane');
    expect(run.stderr).toContain('use --name mini-atlas, or set k8sServiceHost to "auto"');
    expect(fakes.calls()).toEqual([]);
  });
});

describe('missing or unusable inputs', () => {
  beforeEach(() => {
    fakes = new FakeTools();
  });

  test('a missing dist/ asks for npm run synth', async () => {
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS, '--dist', join(FIXTURE_DIST, 'nope')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/core\/operators\/ is missing in .*nope/);
    expect(run.stderr).toContain('run `npm run synth`');
    expect(fakes.calls()).toEqual([]);
  });

  test('an SSH repository without credentials asks for --ssh-to-https', async () => {
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS, '--repo', 'git@github.com:me/mini-atlas.git']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('uses SSH, but the GitRepository in dist/flux-system has no secretRef');
    expect(run.stderr).toContain('re-run with --ssh-to-https to use https://github.com/me/mini-atlas.git');
    expect(fakes.calls()).toEqual([]);
  });

  test('--ssh-to-https converts the URL Flux gets', async () => {
    fakes.on('kubectl', GET_KUSTOMIZATIONS, { stdout: kustomizationList(FIXTURE_KUSTOMIZATIONS) });
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS, '--repo', 'git@github.com:me/mini-atlas.git', '--ssh-to-https']);
    expect(run.code).toBe(0);
    const sync = fakes.calls().find((c) => c.files['flux-system.yaml'] !== undefined)!.files['flux-system.yaml'];
    const repo = parseAllDocuments(sync).map((d) => d.toJS() as { metadata: { name: string }; spec: { url?: string } }).find((o) => o.metadata.name === 'mini-atlas')!;
    expect(repo.spec.url).toBe('https://github.com/me/mini-atlas.git');
    expect(run.stderr).toContain('converted from git@github.com:me/mini-atlas.git (--ssh-to-https)');
  });
});

describe('prerequisites', () => {
  test.each(ALL_FAKE_TOOLS.map((t) => [t]))('missing %s: named with its minimum version and install link, nothing runs', async (missing) => {
    fakes = new FakeTools(ALL_FAKE_TOOLS.filter((t) => t !== missing));
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`missing prerequisite: ${missing} is not on PATH`);
    const req = CLUSTER_PREREQUISITES[missing as FakeToolName];
    expect(run.stderr).toContain(req.install);
    expect(run.stderr).toContain(`${missing} >= ${req.minimums[0]}`);
    expect(fakes.calls()).toEqual([]);
  });

  test('all six missing: one message lists them all', async () => {
    fakes = new FakeTools([]);
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('missing prerequisites: docker, kind, kubectl, helm, flux, openssl are not on PATH');
  });

  const OLD: Record<FakeToolName, { match: string; stdout: string; shown: string }> = {
    docker: { match: 'info --format*', stdout: '19.03.12\n', shown: 'docker v19.3.12 is older than v20.10.0' },
    kind: { match: 'version', stdout: 'kind v0.30.0 go1.24.6 linux/amd64\n', shown: 'kind v0.30.0 is older than v0.31.0' },
    kubectl: { match: 'version --client*', stdout: '{"clientVersion":{"gitVersion":"v1.33.4"}}', shown: 'kubectl v1.33.4 is older than v1.34.0' },
    helm: { match: 'version --short', stdout: 'v4.0.5+g1234567\n', shown: 'helm v4.0.5 is older than v3.20.0 (3.x) or v4.1.0 (4.x)' },
    flux: { match: 'version --client', stdout: 'flux: v2.8.5\n', shown: 'flux v2.8.5 is older than v2.9.0' },
    // macOS before Catalina shipped LibreSSL 2.x as `openssl`, without `req -addext`.
    openssl: { match: 'version', stdout: 'LibreSSL 2.8.3\n', shown: 'openssl v2.8.3 is older than v1.1.1 (1.x) or v3.0.0 (3.x)' },
  };
  test.each(ALL_FAKE_TOOLS.map((t) => [t]))('too old %s: exits before touching Docker or Kind', async (tool) => {
    const old = OLD[tool as FakeToolName];
    fakes = new FakeTools().on(tool as FakeToolName, old.match, { stdout: old.stdout });
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('a prerequisite is too old');
    expect(run.stderr).toContain(old.shown);
    expect(run.stderr).toContain('upgrade the tools listed above');
    expect(fakes.commandLines()).toEqual(VERSION_CALLS);
    nothingCreated();
  });

  test('every outdated tool is reported at once', async () => {
    fakes = new FakeTools().on('kind', 'version', { stdout: 'kind v0.29.0\n' }).on('helm', 'version --short', { stdout: 'v3.19.4\n' });
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.stderr).toContain('2 prerequisites are too old');
    expect(run.stderr).toContain('kind v0.29.0 is older');
    expect(run.stderr).toContain('helm v3.19.4 is older');
  });

  test('a version that cannot be read is an error naming the command', async () => {
    fakes = new FakeTools().on('flux', 'version --client', { stdout: 'flux: unknown\n' });
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('could not read the version of flux (`flux version --client` printed no version)');
    nothingCreated();
  });

  test('Docker daemon down: named, with how to start it; nothing else runs', async () => {
    fakes = new FakeTools().on('docker', 'info *', {
      exit: 1,
      stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n',
    });
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the Docker daemon is not reachable (`docker info` failed)');
    expect(run.stderr).toContain('Cannot connect to the Docker daemon');
    expect(run.stderr).toContain('start Docker');
    expect(fakes.commandLines()).toEqual(['docker info --format {{.ServerVersion}}']);
  });

  test('inotify limits below what Kind needs: both named with their values, the sysctl commands to raise them, nothing created', async () => {
    // Ubuntu's defaults, which Kind's known-issues page says are too low.
    fakes = new FakeTools().sysctl('fs.inotify.max_user_watches', '8192').sysctl('fs.inotify.max_user_instances', '128');
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain([
      '✖ the host\'s inotify limits are too low for Kind: pods would fail with "too many open files"',
      '    fs.inotify.max_user_watches is 8192, below the 524288 Kind recommends (https://kind.sigs.k8s.io/docs/user/known-issues/#pod-errors-due-to-too-many-open-files)',
      '    fs.inotify.max_user_instances is 128, below the 512 Kind recommends (https://kind.sigs.k8s.io/docs/user/known-issues/#pod-errors-due-to-too-many-open-files)',
      '  → raise them now with `sudo sysctl fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512`; to keep them after a reboot, ' +
        'add "fs.inotify.max_user_watches = 524288" and "fs.inotify.max_user_instances = 512" to /etc/sysctl.conf; then re-run',
    ].join('\n'));
    expect(fakes.commandLines()).toEqual(VERSION_CALLS);
    nothingCreated();
  });

  test('one inotify limit low (a made-up host: watches raised, instances one short): only that one is named', async () => {
    fakes = new FakeTools().sysctl('fs.inotify.max_user_watches', '1048576').sysctl('fs.inotify.max_user_instances', '511');
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('✖ the host\'s inotify limit is too low for Kind: pods would fail with "too many open files"');
    expect(run.stderr).toContain('    fs.inotify.max_user_instances is 511, below the 512 Kind recommends');
    expect(run.stderr).not.toContain('max_user_watches is');
    expect(run.stderr).toContain('  → raise it now with `sudo sysctl fs.inotify.max_user_instances=512`; to keep it after a reboot, add "fs.inotify.max_user_instances = 512" to /etc/sysctl.conf; then re-run');
    nothingCreated();
  });

  describe('Gateway port taken on the laptop', () => {
    let server: Server;
    let port: number;
    let dist: string;
    beforeEach(async () => {
      server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
      dist = fixtureDistWithPort(port);
    });
    afterEach(async () => {
      rmSync(dist, { recursive: true, force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    test('fresh cluster: refuses before kind create, naming the port and how to find the holder', async () => {
      fakes = new FakeTools();
      const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS, '--dist', dist]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(run.stderr).toContain(`lsof -nP -iTCP:${port} -sTCP:LISTEN`);
      expect(fakes.commandLines()).toEqual([...VERSION_CALLS, 'kind get clusters']);
      nothingCreated();
    });

    test('existing cluster: the port is its own mapping, so no port check', async () => {
      fakes = new FakeTools()
        .on('kind', 'get clusters', { stdout: 'mini-atlas\n' })
        .on('kubectl', GET_KUSTOMIZATIONS, { stdout: kustomizationList(FIXTURE_KUSTOMIZATIONS) });
      const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS, '--dist', dist]);
      expect(run.code).toBe(0);
    });
  });
});

describe('a step failing mid-way', () => {
  test('kind create fails: its output is shown, nothing after it runs', async () => {
    fakes = new FakeTools().on('kind', 'create cluster *', { exit: 1, stderr: 'ERROR: failed to create cluster: could not find a log line that matches "Reached target .*Multi-User System.*"\n' });
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('✖ Creating Kind cluster mini-atlas');
    expect(run.stderr).toMatch(/`kind create cluster --name mini-atlas --config \/.*kind-config.yaml` failed \(exit 1\)/);
    expect(run.stderr).toContain('could not find a log line');
    expect(run.stderr).toContain('re-run the same command');
    expect(fakes.commandLines().at(-1)).toMatch(/^kind create cluster/);
  });

  test('helm fails: Cilium step marked failed with helm\'s error, Flux is not installed', async () => {
    fakes = new FakeTools().on('helm', 'upgrade --install *', { exit: 1, stderr: 'Error: UPGRADE FAILED: context deadline exceeded\n' });
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('✖ Installing Cilium 1.20.0');
    expect(run.stderr).toContain('Error: UPGRADE FAILED: context deadline exceeded');
    expect(fakes.commandLines().some((l) => l.startsWith('flux install'))).toBe(false);
  });

  test('a stalled layer fails at once with a diagnosis: Kustomization message, sources, HelmReleases, RGDs', async () => {
    const stalled = { ready: 'False' as const, stalled: true, reason: 'HealthCheckFailed', message: "health check failed after 10m: 'ResourceGraphDefinition/webapplication.platform.mini-atlas.io' status: 'Failed'" };
    fakes = new FakeTools()
      .on('kubectl', GET_KUSTOMIZATIONS, { stdout: kustomizationList(FIXTURE_KUSTOMIZATIONS, { foundation: stalled }) })
      .on('kubectl', '*get helmreleases.helm.toolkit.fluxcd.io --all-namespaces --output json', {
        stdout: list([
          fluxObject('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'cilium', 'kube-system'),
          fluxObject('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'kro', 'kro-system', { ready: 'False', reason: 'InstallFailed', message: 'Helm install failed for release kro-system/kro: timed out waiting for the condition' }),
        ]),
      })
      .on('kubectl', '*get resourcegraphdefinitions.kro.run --all-namespaces --output json', {
        stdout: list([
          fluxObject('kro.run/v1alpha1', 'ResourceGraphDefinition', 'workspace.platform.mini-atlas.io', undefined),
          fluxObject('kro.run/v1alpha1', 'ResourceGraphDefinition', 'webapplication.platform.mini-atlas.io', undefined, { ready: 'False', reason: 'InvalidResourceGraph', message: 'failed to build resourcegraph: unknown field spec.foo' }),
        ]),
      });
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('✖ Not Ready: layer 4/5: foundation');
    expect(run.stderr).toContain('layer 4/5: foundation — Flux gave up on foundation (HealthCheckFailed)');
    expect(run.stderr).toContain("Kustomization/flux-system/foundation — HealthCheckFailed: health check failed after 10m: 'ResourceGraphDefinition/webapplication.platform.mini-atlas.io'");
    expect(run.stderr).toContain('HelmReleases not Ready:');
    expect(run.stderr).toContain('HelmRelease/kro-system/kro — InstallFailed: Helm install failed for release kro-system/kro');
    expect(run.stderr).not.toContain('HelmRelease/kube-system/cilium —');
    expect(run.stderr).toContain('ResourceGraphDefinition/webapplication.platform.mini-atlas.io — InvalidResourceGraph: failed to build resourcegraph: unknown field spec.foo');
    expect(run.stderr).toContain('flux --context kind-mini-atlas logs --all-namespaces --level=error --since=15m');
    expect(run.stderr).toContain('re-run `npm run cluster:up`: it resumes');
    // one poll per Ready layer before it, one for the stalled layer, then the diagnosis reads
    expect(fakes.commandLines().filter((l) => l.includes('get kustomizations'))).toHaveLength(4);
  });

  test('the overall timeout ends the wait with the layer and its last reason', async () => {
    fakes = new FakeTools().on('kubectl', GET_KUSTOMIZATIONS, {
      stdout: kustomizationList(FIXTURE_KUSTOMIZATIONS, { 'core-shared-services': { ready: 'Unknown', reason: 'Progressing', message: 'Waiting for Kafka/kafka/shared to become ready' } }),
    });
    const run = await runCli(fakes, ['up', ...FIXTURE_FLAGS, '--timeout', '3s', '--poll-interval', '100ms']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/layer 3\/5: core-shared-services — still not Ready when the timeout ran out/);
    expect(run.stderr).toContain('Kustomization/flux-system/core-shared-services — Progressing: Waiting for Kafka/kafka/shared to become ready');
    expect(run.stderr).toContain('raise --timeout');
  });
});
