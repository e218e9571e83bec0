/**
 * Real Flux on the test control plane: source-controller and kustomize-controller (built by `npm run tools` at
 * the pinned versions) reconcile the platform's own Flux objects from `dist/flux-system` against a Git
 * repository served on loopback (`tools/control-plane/src/git-server.ts`) that holds a copy of `dist/`.
 *
 * No node runs here, so only stages that need no pods are reconciled: `foundation` (the RGDs, made Active by the
 * real KRO controller; the Kyverno policies) and `delivery-workspaces` (Workspace instances, made Ready by KRO).
 * The harness applies the Flux objects itself and rewrites them only as listed in {@link DEVIATIONS}.
 *
 * Run with `npm run test:cluster`.
 */
import { execFile } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ControlPlane, DEFAULT_CONTROLLERS } from '../../tools/control-plane/src/control-plane';
import { PushedCommit } from '../../tools/control-plane/src/git-server';
import { KroController } from '../../tools/control-plane/src/kro-controller';
import { installCrds, platformCrds } from './support/crds';
import { Dist, kafkaNamespace, readDist } from './support/dist';
import {
  FLUX_NS, FluxHarness, inventory, inventoryId, KS_API, readyOf, revisionOf, seconds, SOURCE,
} from './support/flux-harness';
import { KRO_AGGREGATE_LABEL, kroInstallation, kroRbac } from './support/kro-identity';
import { KubeClient, KubeObject, waitFor } from '../../tools/control-plane/src/kube-client';

const MINUTE = 60_000;
jest.setTimeout(5 * MINUTE);

function progress(message: string): void {
  process.stderr.write(`[flux] ${message}\n`);
}

/**
 * How the harness changes the platform's Flux objects, and why (the README's "What runs for real in CI" table
 * lists the same).
 */
const DEVIATIONS = {
  kroRbac: 'KRO\'s aggregated ClusterRole from dist/core/operators is applied by the harness (core-operators is not reconciled)',
  url: 'GitRepository mini-atlas: spec.url points at the loopback Git server instead of GitHub',
  foundationDependsOn: 'Kustomization foundation: dependsOn core-shared-services removed (Kafka and the Gateway cannot run here; issue 15 allows this)',
  kafkaNamespace: 'the Kafka namespace (core-shared-services, not reconciled here) is created by the harness: the Workspace RGD puts each workspace\'s KafkaUser there; no User Operator runs, and a Workspace does not wait for its KafkaUser',
  foundationKyvernoHealth: 'Kustomization foundation: the health expressions of ClusterPolicy and ValidatingPolicy removed, because Kyverno\'s controllers, which write those statuses, do not run in the control-plane suite (they run on the real node, issue 14)',
} as const;

const dist: Dist = readDist();

let plane: ControlPlane | undefined;
let client: KubeClient;
let kro: KroController | undefined;
let harness: FluxHarness | undefined;

function fluxObject(kind: string, name: string): KubeObject {
  const found = dist.fluxSystem.map((o) => o.object).find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`dist/flux-system has no ${kind} ${name}`);
  return structuredClone(found);
}

/** The platform's GitRepository, pointed at the loopback server. */
function gitRepository(url: string): KubeObject {
  const repo = fluxObject('GitRepository', SOURCE);
  (repo.spec as { url: string }).url = url;
  return repo;
}

interface HealthExpr { readonly apiVersion: string; readonly kind: string }

/** The platform's foundation Kustomization with the deviations above. */
function foundation(): KubeObject {
  const ks = fluxObject('Kustomization', 'foundation');
  const spec = ks.spec as { dependsOn?: unknown; healthCheckExprs?: HealthExpr[] };
  delete spec.dependsOn;
  spec.healthCheckExprs = (spec.healthCheckExprs ?? []).filter((e) => !/(^|\.)kyverno\.io\//.test(e.apiVersion));
  return ks;
}

async function live(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
  return client.get(apiVersion, kind, name, namespace);
}

const KUSTOMIZATIONS = ['foundation', 'delivery-workspaces'];

/** Waits until a Flux object is Ready for `revision` (`main@sha1:<sha>`), returning it. */
async function readyAt(kind: 'GitRepository' | 'Kustomization', name: string, revision: string, timeoutMs = 4 * MINUTE): Promise<KubeObject> {
  return harness!.readyAt(kind, name, revision, { timeoutMs, describe: KUSTOMIZATIONS });
}

/** Commits the working copy (`<work>/dist`) and asks source-controller to fetch now, as `flux reconcile source git` does. */
async function commit(message: string, requestReconcile: boolean): Promise<PushedCommit> {
  return harness!.commit(message, requestReconcile);
}

beforeAll(async () => {
  const started = Date.now();
  plane = await ControlPlane.start({
    log: progress,
    controllers: [...DEFAULT_CONTROLLERS, 'serviceaccount-controller', 'resourcequota-controller'],
  });
  client = new KubeClient(plane.admin);
  await installCrds(client, platformCrds());
  // KRO with the RBAC its HelmRelease asks for, as the platform suite starts it.
  const install = kroInstallation(dist);
  for (const o of kroRbac(install)) await client.apply(o, { fieldManager: 'helm-controller' });
  // The rights on the platform's own kinds, aggregated into KRO's role, ship in core-operators (not reconciled here).
  for (const { object } of dist.all.filter((o) => o.object.kind === 'ClusterRole' && o.object.metadata.labels?.[KRO_AGGREGATE_LABEL] === 'true')) {
    await client.apply(object, { fieldManager: 'mini-atlas-harness' });
  }
  const kroId = await plane.issueKubeconfig('kro', { user: install.user, groups: install.groups });
  const asKro = new KubeClient(kroId.credentials);
  await waitFor('KRO may watch ResourceGraphDefinitions and the platform\'s kinds', async () =>
    ((await asKro.can('watch', 'kro.run', 'resourcegraphdefinitions')) && (await asKro.can('watch', 'platform.mini-atlas.io', 'webapplications'))) || undefined);
  kro = await KroController.start({ kubeconfig: kroId.kubeconfig, dir: plane.dir });
  await client.apply(kafkaNamespace(dist));
  // Flux: its namespace, the upstream install's RBAC, both controllers; the Git server with a copy of dist/.
  harness = await FluxHarness.start({ plane, client, noCrossNamespaceRefs: true });
  cpSync(dist.dir, join(harness.work, 'dist'), { recursive: true });
  progress(`control plane, KRO, Flux and Git server up in ${Date.now() - started} ms (${plane.dir}); deviations:\n  ${Object.values(DEVIATIONS).join('\n  ')}`);
}, 5 * MINUTE);

afterAll(async () => {
  const steps: [string, (() => Promise<void>) | undefined][] = [
    ['Flux controllers and Git server', harness && (() => harness!.stop())],
    ['KRO', kro && (() => kro!.stop())],
    ['control plane', plane && (() => plane!.stop())],
  ];
  for (const [what, stop] of steps) {
    const t = Date.now();
    await stop?.();
    progress(`stopped ${what} in ${Date.now() - t} ms`);
  }
}, 2 * MINUTE);

describe('Flux from a loopback Git server', () => {
  let first: PushedCommit;
  let cold = { source: 0, foundation: 0, workspaces: 0 };

  test('the loopback server serves the commit to Git\'s smart HTTP client, and refuses pushes', async () => {
    first = await commit('dist/ as synthesized', false);
    const lsRemote = await new Promise<string>((res, rej) => execFile('git', ['ls-remote', harness!.url, 'refs/heads/main'],
      (e, out) => (e ? rej(e) : res(out))));
    expect(lsRemote).toBe(`${first.sha}\trefs/heads/main\n`);
    const clone = join(harness!.git.dir, 'push-attempt');
    await new Promise<void>((res, rej) => execFile('git', ['clone', '-q', harness!.url, clone], (e) => (e ? rej(e) : res())));
    const push = await new Promise<string>((res) => execFile('git', ['push', harness!.url, 'HEAD:refs/heads/other'], { cwd: clone },
      (_e, _out, err) => res(err)));
    expect(push).toContain('403');
    rmSync(clone, { recursive: true, force: true });
  });

  test('the platform\'s GitRepository, pointed at the loopback server, becomes Ready with the commit\'s revision (cold)', async () => {
    await client.apply(gitRepository(harness!.url), { fieldManager: 'mini-atlas-harness' });
    const repo = await readyAt('GitRepository', SOURCE, revisionOf(first));
    cold = { ...cold, source: Date.now() - first.servedAt };
    expect(readyOf(repo)?.reason).toBe('Succeeded');
    expect((repo.status as { artifact: { revision: string } }).artifact.revision).toBe(`main@sha1:${first.sha}`);
    // go-git cloned over smart HTTP: the ref advertisement and one upload-pack exchange, both 200.
    expect(harness!.git.requests.filter((r) => r.status === 200).map((r) => `${r.method} ${r.url}`)).toEqual(expect.arrayContaining([
      `GET /${SOURCE}.git/info/refs?service=git-upload-pack`, `POST /${SOURCE}.git/git-upload-pack`,
    ]));
    progress(`GitRepository Ready at ${revisionOf(first)} ${seconds(cold.source)} s after the commit was served`);
  });

  test('a Kustomization whose dependency is absent waits: delivery-workspaces reports DependencyNotReady and applies nothing', async () => {
    await client.apply(fluxObject('Kustomization', 'delivery-workspaces'), { fieldManager: 'mini-atlas-harness' });
    const waiting = await waitFor('delivery-workspaces DependencyNotReady', async () => {
      const r = readyOf(await live(KS_API, 'Kustomization', 'delivery-workspaces', FLUX_NS));
      return r?.reason === 'DependencyNotReady' ? r : undefined;
    }, { timeoutMs: MINUTE, intervalMs: 2000, describe: () => harness!.describe(KUSTOMIZATIONS) });
    expect({ status: waiting.status, message: waiting.message }).toEqual({
      status: 'False',
      message: 'dependency \'flux-system/foundation\' not found: kustomizations.kustomize.toolkit.fluxcd.io "foundation" not found',
    });
    // Nothing applied: no revision, no inventory.
    const ks = await live(KS_API, 'Kustomization', 'delivery-workspaces', FLUX_NS);
    const status = ks?.status as { lastAppliedRevision?: string; inventory?: unknown } | undefined;
    expect({ lastAppliedRevision: status?.lastAppliedRevision, inventory: status?.inventory }).toEqual({ lastAppliedRevision: undefined, inventory: undefined });
    progress(`delivery-workspaces: ${waiting.reason}: ${waiting.message}`);
  });

  test('foundation applies dist/foundation and becomes Ready once KRO made every RGD Active; then delivery-workspaces applies and is Ready (cold)', async () => {
    const applied = Date.now();
    await client.apply(foundation(), { fieldManager: 'mini-atlas-harness' });
    const f = await readyAt('Kustomization', 'foundation', revisionOf(first));
    cold = { ...cold, foundation: Date.now() - applied };
    const foundationObjects = dist.stages.find((s) => s.name === 'foundation')!.objects.map((o) => o.object);
    expect(inventory(f)).toEqual(foundationObjects.map(inventoryId).sort());
    for (const rgd of foundationObjects.filter((o) => o.kind === 'ResourceGraphDefinition')) {
      expect((await live(rgd.apiVersion, rgd.kind, rgd.metadata.name!))?.status?.state).toBe('Active');
    }
    const ws = await readyAt('Kustomization', 'delivery-workspaces', revisionOf(first));
    cold = { ...cold, workspaces: Date.now() - applied };
    const wsObjects = dist.stages.find((s) => s.name === 'delivery-workspaces')!.objects.map((o) => o.object);
    expect(inventory(ws)).toEqual(wsObjects.map(inventoryId).sort());
    // dependsOn: every Workspace was created after foundation turned Ready.
    const foundationReadyAt = Date.parse(readyOf(f)!.lastTransitionTime!);
    for (const w of wsObjects) {
      const instance = await live(w.apiVersion, w.kind, w.metadata.name!, w.metadata.namespace);
      expect(readyOf(instance)?.status).toBe('True');
      expect(Date.parse(String(instance!.metadata.creationTimestamp))).toBeGreaterThanOrEqual(foundationReadyAt);
    }
    progress(`cold: foundation applied → foundation Ready ${seconds(cold.foundation)} s, → delivery-workspaces (waiting on it) Ready ${seconds(cold.workspaces)} s`);
  });

  test('warm: a changed Workspace in a new commit is applied and Ready again (time from commit served)', async () => {
    const file = join(harness!.work, 'dist', 'delivery', 'workspaces', 'workspace-team-a.yaml');
    const before = readFileSync(file, 'utf8');
    expect(before).toContain('    pods: 40\n');
    writeFileSync(file, before.replace('    pods: 40\n', '    pods: 41\n'));
    const c = await commit('team-a: 41 pods', true);
    await readyAt('GitRepository', SOURCE, revisionOf(c));
    const sourceMs = Date.now() - c.servedAt;
    await readyAt('Kustomization', 'delivery-workspaces', revisionOf(c));
    const ms = Date.now() - c.servedAt;
    const w = await live('platform.mini-atlas.io/v1alpha1', 'Workspace', 'team-a');
    expect((w?.spec as { quota: { pods: number } }).quota.pods).toBe(41);
    progress(`warm: commit served → GitRepository Ready ${seconds(sourceMs)} s → delivery-workspaces Ready ${seconds(ms)} s`);
  });

  test('a commit that removes a policy prunes it; a Workspace marked prune: disabled survives its removal', async () => {
    const policy = dist.all.map((o) => o.object).find((o) => o.kind === 'ValidatingPolicy' && o.metadata.annotations?.['kustomize.toolkit.fluxcd.io/prune'] !== 'disabled')!;
    const policyFile = dist.all.find((o) => o.object === policy)!.path.split('/').pop()!;
    const workspace = dist.all.map((o) => o.object).find((o) => o.kind === 'Workspace')!;
    expect(workspace.metadata.annotations?.['kustomize.toolkit.fluxcd.io/prune']).toBe('disabled');
    expect(await live(policy.apiVersion, policy.kind, policy.metadata.name!)).toBeDefined();
    for (const [dir, file] of [['foundation', policyFile], ['delivery/workspaces', 'workspace-team-a.yaml']] as const) {
      rmSync(join(harness!.work, 'dist', dir, file));
      const k = join(harness!.work, 'dist', dir, 'kustomization.yaml');
      writeFileSync(k, readFileSync(k, 'utf8').replace(`  - ${file}\n`, ''));
    }
    const c = await commit(`remove ${policy.metadata.name} and workspace ${workspace.metadata.name}`, true);
    const f = await readyAt('Kustomization', 'foundation', revisionOf(c));
    const ws = await readyAt('Kustomization', 'delivery-workspaces', revisionOf(c));
    expect(inventory(f)).not.toContain(`_${policy.metadata.name}_policies.kyverno.io_ValidatingPolicy`);
    expect(inventory(ws)).toEqual([]);
    await waitFor(`${policy.kind} ${policy.metadata.name} pruned`, async () =>
      ((await live(policy.apiVersion, policy.kind, policy.metadata.name!)) === undefined ? true : undefined), { describe: () => harness!.describe(KUSTOMIZATIONS) });
    const kept = await live(workspace.apiVersion, workspace.kind, workspace.metadata.name!);
    expect(kept?.metadata.deletionTimestamp).toBeUndefined();
    expect(readyOf(kept)?.status).toBe('True');
    const ns = await live('v1', 'Namespace', workspace.metadata.name!);
    expect(ns?.status?.phase).toBe('Active');
  });

  test('no Flux controller lacked a permission or crashed', () => {
    expect(harness!.flux.running).toBe(true);
    for (const n of ['source-controller', 'kustomize-controller'] as const) expect(harness!.forbiddenLogEntries(n)).toEqual([]);
  });
});
