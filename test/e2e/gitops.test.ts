/**
 * GitOps on the real node: a change in TypeScript becomes running pods through Git and Flux.
 *
 * A temporary copy of the project (`support/project-copy.ts`) holds the synth program and teams of
 * `fixtures/gitops` (team `e2e-shop`: a PostgreSQL and an app; team `e2e-broken`: an app whose image exits).
 * Each step edits the copy's TypeScript, runs its synth (validation and change guard included), puts the
 * synthesized `dist/` into the loopback Git repository and lets the real source- and kustomize-controller
 * (`test/cluster/support/flux-harness.ts`) apply it, in the platform's stage order, with its health checks and
 * prune, as kustomize-controller runs after `cluster:up`'s lockdown: `--default-service-account=default`,
 * `--no-cross-namespace-refs=true`, and every team stage impersonating its own `delivery-<workspace>` account.
 * The harness installs the operators itself and applies the Flux objects only as {@link DEVIATIONS} lists.
 * Run with `npm run test:e2e`.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { PushedCommit } from '../../tools/control-plane/src/git-server';
import { KroController } from '../../tools/control-plane/src/kro-controller';
import { IMAGES } from '../../tools/node/src/images';
import { E2eNode, LOCAL_PATH_DIR } from '../../tools/node/src/node';
import { installCrds, platformCrds } from '../cluster/support/crds';
import { Dist, kafkaNamespace, readDist } from '../cluster/support/dist';
import {
  Condition, FLUX_NS, FluxHarness, inventory, KS_API, readyOf, revisionOf, seconds, SOURCE,
} from '../cluster/support/flux-harness';
import { KubeObject, KubeClient, waitFor } from '../../tools/control-plane/src/kube-client';
import { instanceReadiness } from '../cluster/support/readiness';
import { ClientRun, runClientPod } from './support/pods';
import { ProjectCopy } from './support/project-copy';
import { startCnpgOperator, startKro, withNodeImages } from './support/platform';

const MINUTE = 60_000;
jest.setTimeout(10 * MINUTE);

function progress(message: string): void {
  process.stderr.write(`[gitops] ${message}\n`);
}

/**
 * How the harness departs from the platform's own Flux graph, and why (the README's "What runs for real in
 * CI" table lists the same).
 */
const DEVIATIONS = {
  operators: 'the operators are installed by the harness (KRO as a process, CloudNativePG as a pod, the retained StorageClass, KRO\'s aggregated grant): core-operators holds HelmReleases and no chart repository is reachable; flux-system, gateway-api-crds, core-operators and core-shared-services are not reconciled',
  kustomizations: 'the Kustomizations foundation, delivery-workspaces and delivery-<team> are applied by the harness from the synthesized dist/flux-system (the flux-system Kustomization is not reconciled: a removed team\'s Kustomization is deleted by the harness, as its prune would)',
  url: 'GitRepository mini-atlas: spec.url points at the loopback Git server (synth accepts only https and ssh URLs)',
  foundationDependsOn: 'Kustomization foundation: dependsOn core-shared-services removed (no Kafka, no Gateway)',
  kafkaNamespace: 'the Kafka namespace (core-shared-services, not reconciled) is created by the harness: the Workspace RGD puts each workspace\'s KafkaUser there; no User Operator runs, and a Workspace does not wait for its KafkaUser',
  foundationKyvernoHealth: 'Kustomization foundation: the ClusterPolicy and ValidatingPolicy health expressions removed (Kyverno\'s controllers, which write those statuses, do not run in this file)',
  postgresImage: 'the Infrastructure RGD in the committed dist/foundation names the node\'s PostgreSQL image instead of the platform\'s pin (no registry serves it)',
  requeueDependency: 'kustomize-controller --requeue-dependency=5s (upstream default 30s: a dependent re-checks its dependency that often)',
} as const;

const TEAMS = 'teams/e2e.ts';
const SHOP = 'e2e-shop';
const BROKEN = 'e2e-broken';
const API = 'platform.mini-atlas.io/v1alpha1';
const SHOP_APP = `${SHOP}-web`;
const SHOP_DB = `${SHOP}-db`;
const SHOP_API = `${SHOP}-api`;
const STAGES = ['foundation', 'delivery-workspaces', `delivery-${SHOP}`, `delivery-${BROKEN}`];
const INFRASTRUCTURE_RGD = 'dist/foundation/resourcegraphdefinition-infrastructure.platform.mini-atlas.io.yaml';

let node: E2eNode | undefined;
let client: KubeClient;
let kro: KroController | undefined;
let harness: FluxHarness | undefined;
let project: ProjectCopy | undefined;
const headline: Record<string, number> = {};

type PodStatus = { phase?: string; containerStatuses?: { ready?: boolean }[] };

async function pods(namespace: string, selector: string): Promise<KubeObject[]> {
  return client.list('v1', 'Pod', namespace, selector);
}

const podSummary = (p: KubeObject): [string | undefined, boolean | undefined] =>
  [(p.status as PodStatus).phase, (p.status as PodStatus).containerStatuses?.[0]?.ready];

/** Synthesizes the copy; fails the test with synth's output unless it succeeds. */
async function synth(...args: string[]): Promise<string> {
  const run = await project!.synth(args);
  if (run.code !== 0) throw new Error(`synth failed (${run.code}):\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

/**
 * Puts the copy's dist/ into the working copy (with the node's PostgreSQL image in the Infrastructure RGD),
 * runs `change` on the working copy if given (a hand-made commit that bypasses synth), and commits.
 */
async function publish(message: string, change?: (work: string) => void): Promise<PushedCommit> {
  const target = join(harness!.work, 'dist');
  rmSync(target, { recursive: true, force: true });
  cpSync(project!.dist, target, { recursive: true });
  const rgd = join(harness!.work, INFRASTRUCTURE_RGD);
  writeFileSync(rgd, withNodeImages(readFileSync(rgd, 'utf8'), node!));
  change?.(harness!.work);
  // Ask source-controller to fetch now (as `flux reconcile source git` does) once the GitRepository exists.
  const c = await harness!.commit(message, applied.has(`GitRepository/${SOURCE}`));
  await syncFluxObjects();
  return c;
}

/** The Flux objects of the synthesized dist/flux-system the harness does not apply (see {@link DEVIATIONS}). */
const NOT_RECONCILED = ['flux-system', 'gateway-api-crds', 'core-operators', 'core-shared-services', 'gateway-api'];
/** The Flux objects the harness applied. */
const applied = new Set<string>();

/**
 * What the `flux-system` Kustomization (prune: true) does with the synthesized dist/flux-system, for the objects
 * this file reconciles: applies each (with the deviations) and deletes the ones no longer there — a team's
 * Kustomization disappears with its last instance. Flux's finalizer then garbage-collects its inventory.
 */
async function syncFluxObjects(): Promise<void> {
  const wanted = readDist(project!.dist).fluxSystem.map((o) => o.object).filter((o) => !NOT_RECONCILED.includes(o.metadata.name!));
  for (const o of wanted) {
    await client.apply(fluxObject(o.kind, o.metadata.name!), { fieldManager: 'mini-atlas-harness' });
    applied.add(`${o.kind}/${o.metadata.name!}`);
  }
  for (const key of [...applied]) {
    const [kind, name] = key.split('/') as [string, string];
    if (wanted.some((o) => o.kind === kind && o.metadata.name === name)) continue;
    await client.delete(kind === 'GitRepository' ? 'source.toolkit.fluxcd.io/v1' : KS_API, kind, name, FLUX_NS);
    applied.delete(key);
  }
}

/** A Flux object of the synthesized dist/flux-system, with the deviations above. */
function fluxObject(kind: string, name: string): KubeObject {
  const dist: Dist = readDist(project!.dist);
  const found = dist.fluxSystem.map((o) => o.object).find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`the synthesized dist/flux-system has no ${kind} ${name}`);
  const o = structuredClone(found);
  const spec = o.spec as { url?: string; dependsOn?: unknown; healthCheckExprs?: { apiVersion: string }[] };
  if (kind === 'GitRepository') spec.url = harness!.url;
  if (name === 'foundation') {
    delete spec.dependsOn;
    spec.healthCheckExprs = (spec.healthCheckExprs ?? []).filter((e) => !/(^|\.)kyverno\.io\//.test(e.apiVersion));
  }
  return o;
}

async function stage(name: string): Promise<KubeObject | undefined> {
  return client.get(KS_API, 'Kustomization', name, FLUX_NS);
}

async function readyAt(name: string, c: PushedCommit, timeoutMs = 6 * MINUTE): Promise<KubeObject> {
  return harness!.readyAt('Kustomization', name, revisionOf(c), { timeoutMs, describe: STAGES });
}

/** Waits until a Kustomization has attempted `c` and reports Ready=False; returns that condition. */
async function failedAt(name: string, c: PushedCommit): Promise<Condition> {
  return waitFor(`Kustomization ${name} failed at ${revisionOf(c)}`, async () => {
    const ks = await stage(name);
    const r = readyOf(ks);
    return (ks?.status as { lastAttemptedRevision?: string } | undefined)?.lastAttemptedRevision === revisionOf(c) && r?.status === 'False' ? r : undefined;
  }, { timeoutMs: 3 * MINUTE, intervalMs: 250, describe: () => harness!.describe(STAGES) });
}

const time = (t: string | undefined): number => Date.parse(t ?? '');

/** The inventory id of a namespaced instance of the platform's kinds. */
const instanceId = (kind: string, name: string, namespace: string): string => `${namespace}_${name}_platform.mini-atlas.io_${kind}`;
const API_ID = instanceId('WebApplication', SHOP_API, SHOP);
const DB_ID = instanceId('Infrastructure', SHOP_DB, SHOP);
/** The team stage's inventory as synthesized first. */
const SHOP_INVENTORY = [API_ID, DB_ID, instanceId('WebApplication', SHOP_APP, SHOP)];

beforeAll(async () => {
  const started = Date.now();
  // Deleting the workspace deletes its claims: kube-apiserver puts the pvc-protection finalizer on every claim,
  // which only this controller removes once no pod uses the claim.
  node = await E2eNode.start({ log: progress, controllers: ['persistentvolumeclaim-protection-controller'] });
  client = new KubeClient(node.plane.admin);
  await installCrds(client, platformCrds());
  const checkout = readDist();
  kro = await startKro(node, client, checkout);
  const retained = checkout.all.map((o) => o.object).find((o) => o.kind === 'StorageClass' && o.metadata.name === 'retained');
  if (!retained) throw new Error('dist/ has no StorageClass retained');
  await client.apply(retained, { fieldManager: 'kustomize-controller' });
  await startCnpgOperator(node, client);
  await client.apply(kafkaNamespace(checkout));
  harness = await FluxHarness.start({
    plane: node.plane, client, defaultServiceAccount: 'default', noCrossNamespaceRefs: true, requeueDependency: '5s',
  });
  project = ProjectCopy.create();
  const fixture = readFileSync(join(project.dir, TEAMS), 'utf8');
  for (const image of [IMAGES.app, IMAGES.appExits]) {
    if (!fixture.includes(`'${image}'`)) throw new Error(`${TEAMS} does not use the node's image ${image}`);
  }
  progress(`node, KRO, CloudNativePG, Flux and the Git server up in ${Date.now() - started} ms; deviations:\n  ${Object.values(DEVIATIONS).join('\n  ')}`);
}, 10 * MINUTE);

afterAll(async () => {
  progress(`headline (s): ${JSON.stringify(Object.fromEntries(Object.entries(headline).map(([k, v]) => [k, seconds(v)])))}`);
  project?.remove();
  await harness?.stop();
  await kro?.stop();
  await node?.stop();
}, 3 * MINUTE);

describe('Flux reconciles the synthesized platform from Git on the node', () => {
  let first: PushedCommit;

  test('cold: a team stage becomes healthy only after its workspace stage, and only once its instances are Ready', async () => {
    expect(await synth()).toMatch(/^synthesized \d+ objects into 7 Flux paths under dist \(local\) in \d+ ms\n$/);
    first = await publish('platform with teams e2e-shop and e2e-broken');
    expect([...applied].sort()).toEqual([`GitRepository/${SOURCE}`, ...STAGES.map((n) => `Kustomization/${n}`)].sort());
    // Sample the team stage and its instances until the stage is Ready at the commit.
    const samples: { ready?: string; reason?: string; instancesReady: boolean }[] = [];
    const shop = await waitFor(`delivery-${SHOP} Ready at ${revisionOf(first)}`, async () => {
      const ks = await stage(`delivery-${SHOP}`);
      const r = readyOf(ks);
      const instances = await Promise.all([['WebApplication', SHOP_APP], ['WebApplication', SHOP_API], ['Infrastructure', SHOP_DB]]
        .map(async ([kind, name]) => instanceReadiness(await client.get(API, kind!, name!, SHOP))));
      samples.push({ ready: r?.status, reason: r?.reason, instancesReady: instances.every((i) => i.ready === 'True') });
      return r?.status === 'True' && (ks?.status as { lastAppliedRevision?: string }).lastAppliedRevision === revisionOf(first) ? ks : undefined;
    }, { timeoutMs: 8 * MINUTE, intervalMs: 500, describe: () => harness!.describe(STAGES) });
    headline.coldCommitToTeamReady = Date.now() - first.servedAt;
    const workspaces = await stage('delivery-workspaces');
    // The order: the workspace stage was Ready before the team stage applied anything.
    const workspacesReadyAt = time(readyOf(workspaces)?.lastTransitionTime);
    for (const [kind, name] of [['WebApplication', SHOP_APP], ['WebApplication', SHOP_API], ['Infrastructure', SHOP_DB]] as const) {
      const instance = await client.get(API, kind, name, SHOP);
      expect(time(instance?.metadata.creationTimestamp as string)).toBeGreaterThanOrEqual(workspacesReadyAt);
      expect(instanceReadiness(instance)).toMatchObject({ state: 'ACTIVE', ready: 'True' });
    }
    expect(samples.some((s) => s.reason === 'DependencyNotReady')).toBe(true);
    // Health: while an instance was not Ready, the stage was not Ready (it reported its health checks running).
    expect(samples.filter((s) => s.ready === 'True' && !s.instancesReady)).toEqual([]);
    expect(samples.some((s) => s.reason === 'Progressing' && !s.instancesReady)).toBe(true);
    expect(inventory(shop)).toEqual(SHOP_INVENTORY);
    expect((shop.spec as { serviceAccountName: string }).serviceAccountName).toBe(`delivery-${SHOP}`);
    expect((await pods(SHOP, `app.kubernetes.io/instance=${SHOP_APP}`)).map(podSummary)).toEqual([['Running', true], ['Running', true]]);
    progress(`cold: commit served → delivery-${SHOP} Ready ${seconds(headline.coldCommitToTeamReady)} s (${samples.length} samples)`);
  });

  test('a team whose app cannot start keeps its stage not healthy while the other team\'s stage is green', async () => {
    const broken = await waitFor(`delivery-${BROKEN} applied ${revisionOf(first)}`, async () => {
      const ks = await stage(`delivery-${BROKEN}`);
      return (ks?.status as { lastAttemptedRevision?: string } | undefined)?.lastAttemptedRevision === revisionOf(first) ? ks : undefined;
    }, { timeoutMs: 2 * MINUTE, describe: () => harness!.describe(STAGES) });
    // kustomize-controller applied the stage and waits for its health checks until the stage's timeout
    // (internal/controller/kustomization_controller.go: Ready stays Unknown while Healthy is being checked).
    const conditions = (broken.status?.conditions ?? []) as Condition[];
    expect(['Ready', 'Healthy', 'Reconciling'].map((type) => {
      const c = conditions.find((x) => x.type === type);
      return [type, c?.status, c?.reason, c?.message];
    })).toEqual([
      ['Ready', 'Unknown', 'Progressing', 'Reconciliation in progress'],
      ['Healthy', 'Unknown', 'Progressing', `Running health checks for revision ${revisionOf(first)} with a timeout of 15m0s`],
      ['Reconciling', 'True', 'Progressing', `Running health checks for revision ${revisionOf(first)} with a timeout of 15m0s`],
    ]);
    expect(instanceReadiness(await client.get(API, 'WebApplication', `${BROKEN}-web`, BROKEN))).toMatchObject({ state: 'IN_PROGRESS', ready: 'False' });
    expect(readyOf(await stage(`delivery-${SHOP}`))?.status).toBe('True');
  });

  test('warm: replicas 2→3 in TypeScript → synth → commit → Flux → three pods Running', async () => {
    project!.edit(TEAMS, 'replicas: 2,', 'replicas: 3,');
    await synth();
    const c = await publish(`${SHOP}: 3 replicas`);
    await readyAt(`delivery-${SHOP}`, c);
    headline.warmCommitToTeamReady = Date.now() - c.servedAt;
    const app = await client.get(API, 'WebApplication', SHOP_APP, SHOP);
    expect((app?.spec as { replicas: number }).replicas).toBe(3);
    expect((await pods(SHOP, `app.kubernetes.io/instance=${SHOP_APP}`)).map(podSummary)).toEqual([['Running', true], ['Running', true], ['Running', true]]);
    progress(`warm: commit served → delivery-${SHOP} Ready ${seconds(headline.warmCommitToTeamReady)} s`);
  });
});

describe('a hostile team folder, committed past synth, is refused by the real kustomize-controller', () => {
  /** Commits the current synth output plus `file` (added to the team folder's kustomization) into e2e-shop's folder. */
  async function hostile(file: string, object: KubeObject): Promise<{ commit: PushedCommit; ready: Condition }> {
    const c = await publish(`hostile: ${file}`, (work) => {
      const dir = join(work, 'dist', 'delivery', SHOP);
      writeFileSync(join(dir, file), JSON.stringify(object));
      const k = join(dir, 'kustomization.yaml');
      writeFileSync(k, readFileSync(k, 'utf8').replace('resources:\n', `resources:\n  - ${file}\n`));
    });
    return { commit: c, ready: await failedAt(`delivery-${SHOP}`, c) };
  }

  test('a ClusterRoleBinding to cluster-admin: the stage fails naming the account it runs as, nothing is created', async () => {
    const { ready } = await hostile('clusterrolebinding.yaml', {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'e2e-shop-takeover' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' }],
    });
    expect({ reason: ready.reason, message: ready.message }).toEqual({
      reason: 'ReconciliationFailed',
      message: 'ClusterRoleBinding/e2e-shop-takeover dry-run failed (Forbidden): clusterrolebindings.rbac.authorization.k8s.io "e2e-shop-takeover" is forbidden: User "system:serviceaccount:flux-system:delivery-e2e-shop" cannot patch resource "clusterrolebindings" in API group "rbac.authorization.k8s.io" at the cluster scope\n',
    });
    expect(await client.get('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'e2e-shop-takeover')).toBeUndefined();
  });

  test('a WebApplication in another team\'s namespace: refused in that namespace, nothing is created', async () => {
    const { ready } = await hostile('webapplication-elsewhere.yaml', {
      apiVersion: API, kind: 'WebApplication', metadata: { name: `${BROKEN}-intruder`, namespace: BROKEN },
      spec: { image: IMAGES.app, port: 8080, healthPath: '/healthz', hostname: `${BROKEN}.localtest.me`, replicas: 1 },
    });
    expect({ reason: ready.reason, message: ready.message }).toEqual({
      reason: 'ReconciliationFailed',
      message: `WebApplication/${BROKEN}/${BROKEN}-intruder dry-run failed (Forbidden): webapplications.platform.mini-atlas.io "${BROKEN}-intruder" is forbidden: User "system:serviceaccount:flux-system:delivery-e2e-shop" cannot patch resource "webapplications" in API group "platform.mini-atlas.io" in the namespace "${BROKEN}"\n`,
    });
    expect(await client.get(API, 'WebApplication', `${BROKEN}-intruder`, BROKEN)).toBeUndefined();
  });

  test('the synthesized folder again: the stage is Ready with its own three instances', async () => {
    const c = await publish('back to the synthesized dist/');
    const ks = await readyAt(`delivery-${SHOP}`, c);
    expect(inventory(ks)).toEqual(SHOP_INVENTORY);
  });
});

/**
 * A workspace CiliumNetworkPolicy changed the way a platform engineer changes it: the typed prop the rule follows.
 * `postgres-api-server` lets the workspace's database pods (label `cnpg.io/cluster`) reach the API server on
 * `CiliumProps.apiServerPort` only (lib/core/operators/cilium.ts; through `CoreChart.wiring` into the Workspace
 * RGD). The node's API server serves on 6443; the synth program says 6444 (`buildPlatform({ core: { cilium: {
 * apiServerPort: 6444 } } })`), synth, commit, Flux applies the Workspace RGD, KRO re-reconciles every Workspace
 * on the RGD's change (kro v0.9.3 pkg/dynamiccontroller/dynamic_controller.go, Register: a re-registered kind
 * "enqueue[s] existing instances") and rewrites the policy, Cilium's agent imports it: a database pod's connection
 * to the API server (the `kubernetes` Service, 10.96.0.1:443, translated by kube-proxy replacement to 6443) is
 * dropped. Reverting the TypeScript gives the connection back. With `apiServerHost` 'auto', Cilium's own
 * HelmRelease does not carry the port, so the Workspace RGD is the one file the change touches.
 *
 * The client pod carries `cnpg.io/cluster` as CloudNativePG's instance pods do, created by the cluster admin:
 * Kyverno does not run in this file (see {@link DEVIATIONS}); with it, the ValidatingPolicy `operator-labels`
 * would refuse that label from anyone but the platform's operators, the admin included. Its value names no
 * Cluster, so the CloudNativePG operator leaves the pod alone. While the rule says 6444, the real database of
 * the workspace cannot reach the API server either; CloudNativePG skips its isolation shutdown for a
 * one-instance Cluster (pkg/management/postgres/webserver/probes/liveness.go), and the revert restores it.
 */
describe('a workspace CiliumNetworkPolicy changed in TypeScript → synth → Flux: the new rule takes effect on real traffic', () => {
  const POLICY = 'postgres-api-server';
  const PORT_LINE = '    core: { cilium: { apiServerPort: 6444 } },\n';
  const WORKSPACE_RGD = 'foundation/resourcegraphdefinition-workspace.platform.mini-atlas.io.yaml';
  const DATABASE_POD = { 'cnpg.io/cluster': 'e2e-policy-probe' };
  const API_SERVICE = '10.96.0.1:443';
  let clients = 0;
  const created: string[] = [];

  /** A database-labelled client pod in the team's workspace dialling the `kubernetes` Service. */
  async function dialApiServer(): Promise<ClientRun> {
    const name = `policy-client-${++clients}`;
    created.push(name);
    return runClientPod(client, node!, SHOP, name, IMAGES.app, ['dial', API_SERVICE], DATABASE_POD);
  }

  /** The egress rules of the workspace's live policy (what KRO wrote). */
  async function livePolicy(): Promise<{ description?: string; egress?: unknown[] } | undefined> {
    return (await client.get('cilium.io/v2', 'CiliumNetworkPolicy', POLICY, SHOP))?.spec as { description?: string; egress?: unknown[] } | undefined;
  }

  const apiServerRule = (port: string): unknown[] => [{ toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port, protocol: 'TCP' }] }] }];

  /**
   * The ports of the egress entries Cilium's agent holds for the workspace's policy: its policy repository, as
   * `cilium-dbg policy get -o json` prints it (daemon/restapi/policy.go: the repository's PolicyEntries, each
   * labelled with its CiliumNetworkPolicy's `io.cilium.k8s.policy.name` and `.namespace`).
   */
  async function agentPorts(): Promise<string[]> {
    type Entry = { Ingress: boolean; Labels: { key: string; value?: string }[] | null; L4: { ports?: { port: string }[] }[] | null };
    const repository = JSON.parse(await node!.ciliumDbg('policy', 'get', '-o', 'json')) as { policy: string };
    const label = (e: Entry, key: string): string | undefined => e.Labels?.find((l) => l.key === key)?.value;
    return (JSON.parse(repository.policy) as Entry[])
      .filter((e) => !e.Ingress && label(e, 'io.cilium.k8s.policy.name') === POLICY && label(e, 'io.cilium.k8s.policy.namespace') === SHOP)
      .flatMap((e) => (e.L4 ?? []).flatMap((r) => (r.ports ?? []).map((p) => p.port)));
  }

  /** Every file of a dist/ tree by its path, with its text. */
  function distFiles(dir: string): Map<string, string> {
    const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => statSync(join(dir, f)).isFile());
    return new Map(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  }

  /**
   * Synthesizes and commits the copy as it now stands, waits for the foundation stage Ready at that commit, the
   * workspace's policy carrying `port` and the agent holding it; returns the files synth changed, the commit, and
   * the times from the commit being served to the policy changed and to the agent holding it (ms).
   */
  async function rollOut(message: string, port: string): Promise<{ changed: string[]; commit: PushedCommit; toPolicy: number; toAgent: number }> {
    const before = distFiles(project!.dist);
    await synth();
    const after = distFiles(project!.dist);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f)).sort();
    const c = await publish(message);
    await readyAt('foundation', c);
    await waitFor(`CiliumNetworkPolicy ${SHOP}/${POLICY} on port ${port}`, async () =>
      (isDeepStrictEqual((await livePolicy())?.egress, apiServerRule(port)) ? true : undefined),
    { timeoutMs: 2 * MINUTE, intervalMs: 250, describe: async () => JSON.stringify(await livePolicy()) });
    const toPolicy = Date.now() - c.servedAt;
    await waitFor(`Cilium's agent holding ${SHOP}/${POLICY} on port ${port}`, async () =>
      (isDeepStrictEqual(await agentPorts(), [port]) ? true : undefined),
    { timeoutMs: MINUTE, intervalMs: 250, describe: async () => JSON.stringify(await agentPorts()) });
    return { changed, commit: c, toPolicy, toAgent: Date.now() - c.servedAt };
  }

  afterAll(async () => {
    for (const name of created) await client.delete('v1', 'Pod', name, SHOP);
  });

  test('before: the policy lets database pods reach the API server on 6443, and a database pod connects', async () => {
    const policy = await livePolicy();
    expect([policy?.description, policy?.egress]).toEqual(['PostgreSQL instance managers reach the Kubernetes API server on its port 6443', apiServerRule('6443')]);
    expect(await agentPorts()).toEqual(['6443']);
    expect(new URL(node!.plane.server).port).toBe('6443');
    expect(await dialApiServer()).toEqual({ phase: 'Succeeded', output: 'connected' });
  });

  test('apiServerPort 6443→6444 in TypeScript → synth → commit → Flux → KRO → Cilium: the database pod\'s connection times out', async () => {
    project!.edit('main.ts', '    foundation: {', `${PORT_LINE}    foundation: {`);
    const { changed, commit, toPolicy, toAgent } = await rollOut('the API server port: 6444', '6444');
    expect(changed).toEqual([WORKSPACE_RGD]);
    headline.policyCommitToPolicy = toPolicy;
    headline.policyCommitToAgent = toAgent;
    expect((await livePolicy())?.description).toBe('PostgreSQL instance managers reach the Kubernetes API server on its port 6444');
    expect(await dialApiServer()).toEqual({ phase: 'Failed', output: `error dial tcp ${API_SERVICE}: i/o timeout` });
    headline.policyCommitToDenied = Date.now() - commit.servedAt;
    progress(`policy: commit served → ${SHOP}/${POLICY} on 6444 ${seconds(toPolicy)} s → in the agent ${seconds(toAgent)} s → a dial timed out ${seconds(headline.policyCommitToDenied)} s`);
  });

  test('the TypeScript change reverted → synth → commit → Flux: 6443 again, the database pod connects, the team stage is Ready', async () => {
    project!.edit('main.ts', PORT_LINE, '');
    const { changed, commit, toPolicy, toAgent } = await rollOut('the API server port: back to the default', '6443');
    expect(changed).toEqual([WORKSPACE_RGD]);
    headline.policyRevertCommitToPolicy = toPolicy;
    headline.policyRevertCommitToAgent = toAgent;
    expect(await dialApiServer()).toEqual({ phase: 'Succeeded', output: 'connected' });
    headline.policyRevertCommitToConnected = Date.now() - commit.servedAt;
    expect(inventory(await readyAt(`delivery-${SHOP}`, commit))).toEqual(SHOP_INVENTORY);
    progress(`policy revert: commit served → ${SHOP}/${POLICY} on 6443 ${seconds(toPolicy)} s → in the agent ${seconds(toAgent)} s → a dial connected ${seconds(headline.policyRevertCommitToConnected)} s`);
  });
});

describe('removals through Git', () => {
  /** What synth prints when one stateful object would disappear without acknowledgement. */
  const refusal = (key: string): string => [
    'Refusing to write dist/: 1 change to the committed dist/ would be refused by the cluster or lose data.',
    'Losing data unless acknowledged:',
    `  - ${key}: a stateful object would disappear and Flux would stop managing it (its data is kept only because it is not pruned)`,
    `  If this is intended, acknowledge it with writeDist's option allowRemoval: ["${key}"] (npm run synth and @mini-atlas/synth: --allow-removal ${key}), then delete the objects explicitly (see README, "Deleting data").`,
    'dist was left unchanged.',
    '',
  ].join('\n');
  test('removing the app in TypeScript: Flux prunes the WebApplication and its pods are gone', async () => {
    project!.removeStatement(TEAMS, `new WebApplication(shop, 'web', {`);
    // The Infrastructure stays (until the next step), no longer referenced.
    project!.edit(TEAMS, '  const db = new Infrastructure(', '  new Infrastructure(');
    await synth();
    const c = await publish(`${SHOP}: app removed`);
    const ks = await readyAt(`delivery-${SHOP}`, c);
    expect(inventory(ks)).toEqual([API_ID, DB_ID]);
    await waitFor(`the pods of ${SHOP_APP} gone`, async () => ((await pods(SHOP, `app.kubernetes.io/instance=${SHOP_APP}`)).length === 0 ? true : undefined), { timeoutMs: 2 * MINUTE });
    // KRO's finalizer deletes the children first, then the instance goes.
    await waitFor(`WebApplication ${SHOP_APP} gone`, async () => ((await client.get(API, 'WebApplication', SHOP_APP, SHOP)) === undefined ? true : undefined), { timeoutMs: 2 * MINUTE });
    expect(await client.get('apps/v1', 'Deployment', SHOP_APP, SHOP)).toBeUndefined();
  });

  test('removing a stateful instance: synth refuses without acknowledgement; acknowledged, Flux never prunes it', async () => {
    project!.removeStatement(TEAMS, `new Infrastructure(shop, 'db', {`);
    project!.edit(TEAMS, 'import { DeliveryChart, Infrastructure, WebApplication }', 'import { DeliveryChart, WebApplication }');
    const refused = await project!.synth([]);
    expect({ code: refused.code, stderr: refused.stderr }).toEqual({ code: 1, stderr: refusal(`Infrastructure/${SHOP}/${SHOP_DB}`) });
    expect(await synth('--allow-removal', `Infrastructure/${SHOP}/${SHOP_DB}`)).toContain(`removed on purpose: Infrastructure/${SHOP}/${SHOP_DB}\n`);
    const c = await publish(`${SHOP}: database removed from Git`);
    const ks = await readyAt(`delivery-${SHOP}`, c);
    expect(inventory(ks)).toEqual([API_ID]);
    const db = await client.get(API, 'Infrastructure', SHOP_DB, SHOP);
    expect([db?.metadata.deletionTimestamp, instanceReadiness(db).ready]).toEqual([undefined, 'True']);
    const cluster = await client.get('postgresql.cnpg.io/v1', 'Cluster', SHOP_DB, SHOP);
    expect([cluster?.metadata.deletionTimestamp, (cluster?.status as { readyInstances?: number }).readyInstances]).toEqual([undefined, 1]);
  });

  test('deleting the workspace as "Deleting data" says: Git keeps it; annotated and deleted, namespace and database go, the volume stays Released with its data', async () => {
    const pvc = await client.get('v1', 'PersistentVolumeClaim', `${SHOP_DB}-1`, SHOP);
    const volume = (pvc?.spec as { volumeName: string }).volumeName;
    project!.removeStatement(TEAMS, `const shop = delivery.addWorkspace('${SHOP}',`);
    project!.removeStatement(TEAMS, `new WebApplication(shop, 'api', {`);
    const refused = await project!.synth([]);
    expect({ code: refused.code, stderr: refused.stderr }).toEqual({ code: 1, stderr: refusal(`Workspace/${SHOP}`) });
    expect(await synth('--allow-removal', `Workspace/${SHOP}`)).toContain(`removed on purpose: Workspace/${SHOP}\n`);
    const c = await publish(`${SHOP}: workspace removed from Git`);
    await readyAt('delivery-workspaces', c);
    expect(inventory(await stage('delivery-workspaces'))).toEqual([`_${BROKEN}_platform.mini-atlas.io_Workspace`]);
    // The team's stage is gone from dist/flux-system: the Kustomization is deleted (as flux-system prunes it) and
    // Flux's finalizer garbage-collects its inventory: the app goes, what is marked prune: disabled stays.
    expect(applied.has(`Kustomization/delivery-${SHOP}`)).toBe(false);
    await waitFor(`Kustomization delivery-${SHOP} finalized`, async () => ((await stage(`delivery-${SHOP}`)) === undefined ? true : undefined), {
      timeoutMs: 2 * MINUTE, describe: () => harness!.describe(STAGES),
    });
    await waitFor(`WebApplication ${SHOP_API} pruned`, async () => ((await client.get(API, 'WebApplication', SHOP_API, SHOP)) === undefined ? true : undefined), { timeoutMs: 2 * MINUTE });
    expect(instanceReadiness(await client.get(API, 'Infrastructure', SHOP_DB, SHOP)).ready).toBe('True');
    const kept = await client.get(API, 'Workspace', SHOP);
    expect([kept?.metadata.deletionTimestamp, instanceReadiness(kept).ready]).toEqual([undefined, 'True']);
    expect((await client.get('v1', 'Namespace', SHOP))?.status?.phase).toBe('Active');
    // The procedure: annotate the Workspace and every Infrastructure in it, then delete the Workspace.
    const allow = { metadata: { annotations: { 'platform.mini-atlas.io/allow-delete': 'true' } } };
    await client.mergePatch(API, 'Infrastructure', SHOP_DB, SHOP, allow);
    await client.mergePatch(API, 'Workspace', SHOP, undefined, allow);
    await client.delete(API, 'Workspace', SHOP);
    await waitFor(`namespace ${SHOP} gone`, async () => ((await client.get('v1', 'Namespace', SHOP)) === undefined ? true : undefined), {
      timeoutMs: 4 * MINUTE, describe: async () => JSON.stringify((await client.get('v1', 'Namespace', SHOP))?.status),
    });
    await waitFor(`Workspace ${SHOP} gone`, async () => ((await client.get(API, 'Workspace', SHOP)) === undefined ? true : undefined), { timeoutMs: 2 * MINUTE });
    expect(await client.get('postgresql.cnpg.io/v1', 'Cluster', SHOP_DB, SHOP)).toBeUndefined();
    expect(await client.get('v1', 'ServiceAccount', `delivery-${SHOP}`, FLUX_NS)).toBeUndefined();
    const pv = await waitFor(`PersistentVolume ${volume} Released`, async () => {
      const v = await client.get('v1', 'PersistentVolume', volume);
      return (v?.status as { phase?: string } | undefined)?.phase === 'Released' ? v : undefined;
    }, { timeoutMs: 2 * MINUTE });
    const spec = pv.spec as { persistentVolumeReclaimPolicy: string; storageClassName: string; claimRef: { namespace: string; name: string }; local?: { path: string }; hostPath?: { path: string } };
    expect([spec.persistentVolumeReclaimPolicy, spec.storageClassName, spec.claimRef.namespace, spec.claimRef.name]).toEqual(['Retain', 'retained', SHOP, `${SHOP_DB}-1`]);
    const path = spec.local?.path ?? spec.hostPath?.path ?? '';
    expect(path.startsWith(`${LOCAL_PATH_DIR}/`)).toBe(true);
    // The database's files are still on the node's disk (CloudNativePG's PGDATA is `pgdata` in the volume).
    expect(readFileSync(join(path, 'pgdata', 'PG_VERSION'), 'utf8')).toBe(`${node!.postgresPackageVersion.split('.')[0]!}\n`);
    expect(existsSync(join(path, 'pgdata', 'global', 'pg_control'))).toBe(true);
  });
});

test('the Flux controllers ran throughout; the only refusals were the hostile folder\'s, as the team\'s own account', () => {
  expect(harness!.flux.running).toBe(true);
  expect(harness!.forbiddenLogEntries('source-controller')).toEqual([]);
  const refused = harness!.forbiddenLogEntries('kustomize-controller');
  expect(refused.length).toBeGreaterThan(0);
  expect(refused.filter((e) => !e.includes('system:serviceaccount:flux-system:delivery-e2e-shop') || !/e2e-shop-takeover|e2e-broken-intruder/.test(e))).toEqual([]);
});
