/** `cluster:status` (tables, JSON, exit codes) and `cluster:down` (confirmation rules) against fake tools. */
import { PassThrough } from 'node:stream';
import { FakeTools } from '../fakes/fake-tools';
import { FIXTURE_KUSTOMIZATIONS, fluxObject, GET_KUSTOMIZATIONS, kustomizationList, list, runCli } from './cli-harness';

const CTX = 'kind-mini-atlas';
const GROUP = 'platform.mini-atlas.io';

function rgd(kind: string, state: Parameters<typeof fluxObject>[4] = {}): Record<string, unknown> {
  const o = fluxObject('kro.run/v1alpha1', 'ResourceGraphDefinition', `${kind.toLowerCase()}.${GROUP}`, undefined, state);
  return { ...o, spec: { schema: { apiVersion: 'v1alpha1', kind, group: GROUP } } };
}

function instance(kind: string, name: string, namespace: string | undefined, state: 'ACTIVE' | 'IN_PROGRESS'): Record<string, unknown> {
  return {
    apiVersion: `${GROUP}/v1alpha1`,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}), generation: 1 },
    spec: {},
    status: {
      state,
      conditions: [{ type: 'Ready', status: state === 'ACTIVE' ? 'True' : 'False', reason: state === 'ACTIVE' ? 'Ready' : 'Progressing', message: state === 'ACTIVE' ? '' : 'waiting for Deployment team-a/web' }],
    },
  };
}

/** A platform with team-a's database still coming up, and one orphan instance. */
function platform(fakes: FakeTools, allReady: boolean): FakeTools {
  return fakes
    .on('kind', 'get clusters', { stdout: 'mini-atlas\n' })
    .on('kubectl', GET_KUSTOMIZATIONS, {
      stdout: kustomizationList(FIXTURE_KUSTOMIZATIONS, allReady ? {} : { 'delivery-team-a': { ready: 'False', reason: 'HealthCheckFailed', message: 'timeout waiting for: [Infrastructure/team-a/db status: InProgress]' } }),
    })
    .on('kubectl', '*get helmreleases.helm.toolkit.fluxcd.io --all-namespaces *', {
      stdout: list(['cilium/kube-system', 'kyverno/kyverno', 'kro/kro-system'].map((r) => fluxObject('helm.toolkit.fluxcd.io/v2', 'HelmRelease', r.split('/')[0], r.split('/')[1]))),
    })
    .on('kubectl', '*get resourcegraphdefinitions.kro.run --all-namespaces *', {
      stdout: list([rgd('Workspace'), rgd('WebApplication'), rgd('Infrastructure')]),
    })
    .on('kubectl', `*get workspace.${GROUP} --all-namespaces *`, { stdout: list([instance('Workspace', 'team-a', undefined, 'ACTIVE')]) })
    .on('kubectl', `*get webapplication.${GROUP} --all-namespaces *`, {
      stdout: list([instance('WebApplication', 'web', 'team-a', 'ACTIVE'), instance('WebApplication', 'stray', 'default', 'ACTIVE')]),
    })
    .on('kubectl', `*get infrastructure.${GROUP} --all-namespaces *`, { stdout: list([instance('Infrastructure', 'db', 'team-a', allReady ? 'ACTIVE' : 'IN_PROGRESS')]) });
}

describe('cluster:status', () => {
  let fakes: FakeTools;
  afterEach(() => fakes.dispose());

  test('tables of layers, HelmReleases, RGDs and workspaces with their instances; exit 1 while not Ready', async () => {
    fakes = platform(new FakeTools(), false);
    const run = await runCli(fakes, ['status']);
    expect(run.code).toBe(1);
    expect(fakes.commandLines()).toEqual([
      'docker info --format {{.ServerVersion}}', 'kind version', 'kubectl version --client --output=json',
      'kind get clusters',
      `kubectl --context ${CTX} get kustomizations.kustomize.toolkit.fluxcd.io --all-namespaces --output json`,
      `kubectl --context ${CTX} get helmreleases.helm.toolkit.fluxcd.io --all-namespaces --output json`,
      `kubectl --context ${CTX} get resourcegraphdefinitions.kro.run --all-namespaces --output json`,
      `kubectl --context ${CTX} get workspace.${GROUP} --all-namespaces --output json`,
      `kubectl --context ${CTX} get webapplication.${GROUP} --all-namespaces --output json`,
      `kubectl --context ${CTX} get infrastructure.${GROUP} --all-namespaces --output json`,
    ]);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('Cluster mini-atlas (context kind-mini-atlas): NOT everything is Ready');
    expect(run.stdout).toMatch(/^LAYER\s+KUSTOMIZATION\s+READY\s+REASON\s+MESSAGE$/m);
    expect(run.stdout).toMatch(/^1\s+flux-system\/flux-system\s+yes\s+ReconciliationSucceeded/m);
    expect(run.stdout).toMatch(/^5\s+flux-system\/delivery-team-a\s+no\s+HealthCheckFailed\s+timeout waiting for: \[Infrastructure\/team-a\/db/m);
    expect(run.stdout).toMatch(/^kro-system\/kro\s+yes/m);
    expect(run.stdout).toMatch(/^webapplication\.platform\.mini-atlas\.io\s+WebApplication\.platform\.mini-atlas\.io\/v1alpha1\s+yes/m);
    expect(run.stdout).toMatch(/^team-a\s+yes\s+1\/2 instances Ready/m);
    expect(run.stdout).toMatch(/^ {2}Infrastructure\s+db\s+no\s+Progressing\s+waiting for Deployment/m);
    expect(run.stdout).toMatch(/^\(no workspace\) WebApplication\s+default\/stray\s+yes/m);
  });

  test('--json: the same data for machines; exit 0 when everything is Ready', async () => {
    fakes = platform(new FakeTools(), true);
    const run = await runCli(fakes, ['status', '--json']);
    expect(run.code).toBe(0);
    const status = JSON.parse(run.stdout) as {
      ready: boolean; exists: boolean; layers: { name: string; layer: number; ready: boolean }[];
      helmReleases: unknown[]; resourceGraphDefinitions: { generates: string }[];
      workspaces: { name: string; instances: { kind: string; name: string; ready: boolean }[] }[];
      unassignedInstances: { namespace: string; name: string }[];
    };
    expect(status).toMatchObject({ cluster: 'mini-atlas', context: CTX, exists: true, ready: true });
    expect(status.layers.map((l) => [l.name, l.layer])).toEqual([
      ['flux-system', 1], ['gateway-api-crds', 1], ['core-operators', 2], ['core-shared-services', 3], ['foundation', 4], ['delivery-team-a', 5], ['delivery-team-b', 5],
    ]);
    expect(status.helmReleases).toHaveLength(3);
    expect(status.resourceGraphDefinitions.map((r) => r.generates)).toContain(`Workspace.${GROUP}/v1alpha1`);
    expect(status.workspaces).toEqual([
      expect.objectContaining({ name: 'team-a', ready: true, instances: [
        expect.objectContaining({ kind: 'Infrastructure', name: 'db', ready: true }),
        expect.objectContaining({ kind: 'WebApplication', name: 'web', ready: true }),
      ] }),
    ]);
    expect(status.unassignedInstances).toEqual([expect.objectContaining({ namespace: 'default', name: 'stray' })]);
  });

  test('a cluster that does not exist: said so, exit 1, no kubectl calls', async () => {
    fakes = new FakeTools();
    const run = await runCli(fakes, ['status']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('Kind cluster mini-atlas does not exist. Create it with: npm run cluster:up\n');
    expect(fakes.commandLines().filter((l) => l.startsWith('kubectl --context'))).toEqual([]);
    const json = await runCli(fakes, ['status', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ cluster: 'mini-atlas', context: CTX, exists: false, ready: false });
  });

  test('--verbose shows every command with its exit code and output', async () => {
    fakes = new FakeTools();
    const run = await runCli(fakes, ['status', '--verbose']);
    expect(run.stderr).toContain('$ kind get clusters  # exit 0\n  | No kind clusters found.\n');
    expect(run.stderr).toContain('$ docker info --format \'{{.ServerVersion}}\'  # exit 0\n  | 28.3.2\n');
  });

  test('a kubeconfig without the cluster\'s context: named, with the kind command that restores it', async () => {
    fakes = new FakeTools()
      .on('kind', 'get clusters', { stdout: 'mini-atlas\n' })
      .on('kubectl', '--context kind-mini-atlas *', { exit: 1, stderr: 'error: context was not found for specified context: kind-mini-atlas\n' });
    const run = await runCli(fakes, ['status']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('✖ the kubeconfig has no context kind-mini-atlas');
    expect(run.stderr).toContain('`kind export kubeconfig --name mini-atlas`');
  });

  test('a cluster without Flux yet: reported as such, not as an error', async () => {
    const missing = { exit: 1, stderr: 'error: the server doesn\'t have a resource type "kustomizations"\n' };
    fakes = new FakeTools()
      .on('kind', 'get clusters', { stdout: 'mini-atlas\n' })
      .on('kubectl', '*get kustomizations.*', missing)
      .on('kubectl', '*get helmreleases.*', missing)
      .on('kubectl', '*get resourcegraphdefinitions.*', missing);
    const run = await runCli(fakes, ['status']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Layers: Flux is not installed (run npm run cluster:up)');
    expect(run.stdout).toContain('ResourceGraphDefinitions: KRO is not installed yet');
    expect(run.stderr).not.toContain('✖');
  });
});

describe('cluster:down', () => {
  let fakes: FakeTools;
  beforeEach(() => {
    fakes = new FakeTools().on('kind', 'get clusters', { stdout: 'mini-atlas\n' });
  });
  afterEach(() => fakes.dispose());

  const tty = (answer?: string): PassThrough & { isTTY: boolean } => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    if (answer === undefined) input.end();
    else input.end(`${answer}\n`);
    return input;
  };

  test('--yes deletes without asking', async () => {
    const run = await runCli(fakes, ['down', '--yes']);
    expect(run.code).toBe(0);
    expect(fakes.commandLines().slice(-2)).toEqual(['kind get clusters', 'kind delete cluster --name mini-atlas']);
    expect(run.stderr).toContain('✔ Kind cluster mini-atlas deleted');
  });

  test('without a terminal and without --yes it refuses, naming --yes', async () => {
    const run = await runCli(fakes, ['down']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('refusing to delete Kind cluster mini-atlas without confirmation: there is no terminal to ask on');
    expect(run.stderr).toContain('npm run cluster:down -- --yes');
    expect(fakes.commandLines().some((l) => l.startsWith('kind delete'))).toBe(false);
  });

  test('asks on a terminal: "y" deletes', async () => {
    const run = await runCli(fakes, ['down'], { stdin: tty('y') });
    expect(run.stderr).toContain('Delete Kind cluster mini-atlas (context kind-mini-atlas) and everything in it? [y/N] ');
    expect(run.code).toBe(0);
    expect(fakes.commandLines()).toContain('kind delete cluster --name mini-atlas');
  });

  test.each([['n'], [''], [undefined]])('asks on a terminal: %j keeps the cluster (exit 1)', async (answer) => {
    const run = await runCli(fakes, ['down'], { stdin: tty(answer) });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Not confirmed; nothing deleted.');
    expect(fakes.commandLines().some((l) => l.startsWith('kind delete'))).toBe(false);
  });

  test('a cluster that does not exist: nothing to do, exit 0; another --name is honoured', async () => {
    const run = await runCli(fakes, ['down', '--yes', '--name', 'dev']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Kind cluster dev does not exist; nothing to delete.\n');
    expect(fakes.commandLines().some((l) => l.startsWith('kind delete'))).toBe(false);
  });

  test('Docker down: refused with the fix before kind is asked anything', async () => {
    fakes.on('docker', 'info *', { exit: 1, stderr: 'Cannot connect to the Docker daemon\n' });
    const run = await runCli(fakes, ['down', '--yes']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the Docker daemon is not reachable');
    expect(fakes.commandLines()).toEqual(['docker info --format {{.ServerVersion}}']);
  });
});
