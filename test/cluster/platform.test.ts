/**
 * Mini-Atlas on a real control plane: etcd + kube-apiserver (+ kube-controller-manager for namespace deletion,
 * garbage collection, ClusterRole aggregation, and the ServiceAccount, ResourceQuota, ReplicaSet and
 * Deployment controllers that let a Deployment create pods and count them available), the real KRO controller,
 * the real CRDs. No node, scheduler or operator runs: stand-ins play them where readiness needs them
 * (`support/readiness.ts`).
 *
 * The order and the expectations come from `dist/` (Flux Kustomizations, RGDs, instances) and issue 3, not
 * from lists typed in here. Run with `npm run test:cluster`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupKindOf, HealthCheckExpression } from '../../lib/gitops/health-checks';
import { CRD_SOURCES } from '../../lib/shared/schema-sources';
import { toYaml, toYamlDocuments } from '../../lib/synth/kubernetes-yaml';
import { ControlPlane, DEFAULT_CONTROLLERS } from '../../tools/control-plane/src/control-plane';
import { KroController } from '../../tools/control-plane/src/kro-controller';
import { evaluateFluxHealth, FluxHealthVerdict } from '../../tools/validate/src/flux-health-eval';
import { JsonObject } from '../../lib/shared/json';
import { simpleSchemaTypes, toSimpleSchema } from '../../lib/shared/fields';
import { SimpleSchemaConverter } from '../../tools/validate/src/simple-schema';
import { GADGET } from '../helpers/gadget';
import { PLATFORM_GROUP } from '../../lib/shared/api';
import {
  DELIVERY_ACCOUNT_NAMESPACE, deliveryKustomization, deliveryServiceAccount, developerGroup, viewerGroup,
} from '../../lib/foundation/tenant-access';
import { installCrds, platformCrds } from './support/crds';
import { Dist, FluxStage, readDist } from './support/dist';
import { describeObject, FLUX_FIELD_MANAGER, fluxApplyStaged, Rejection } from './support/flux-apply';
import { KRO_AGGREGATE_LABEL, kroInstallation, kroRbac } from './support/kro-identity';
import { DeleteVerdict, runKyvernoApply, runKyvernoDeleteOnCluster } from './support/kyverno-cli';
import { KubeApiError, KubeClient, KubeObject, waitFor } from '../../tools/control-plane/src/kube-client';
import {
  deliveryWorkspaces, deriveWorkspace, GeneratedKind, generatedKinds, kindOf, single, WorkspaceInstances,
} from './support/platform-model';
import {
  actorDone, childReadiness, controllerDone, instanceReadiness, InstanceReadiness, makeReady, waitForController,
} from './support/readiness';
import { compareTemplate, evaluateIncludeWhen, excludedResources } from './support/rgd-template';

const MINUTE = 60_000;
jest.setTimeout(5 * MINUTE);

/** Progress lines on stderr (jest's console adds a stack location to every line). */
function progress(message: string): void {
  process.stderr.write(`[cluster] ${message}\n`);
}

const dist: Dist = readDist();
const kinds: GeneratedKind[] = generatedKinds(dist);
const workspaces: WorkspaceInstances[] = deliveryWorkspaces(dist, kinds);
const usedNames = new Set(dist.all.map((o) => o.object.metadata.name));
const secondName = ['team-b', 'team-c', 'team-d', 'team-e'].find((n) => !usedNames.has(n) && !workspaces.some((w) => w.name === n))!;
const second: WorkspaceInstances | undefined = workspaces[0] ? deriveWorkspace(workspaces[0], secondName) : undefined;
const allWorkspaces: WorkspaceInstances[] = [...workspaces, ...(second ? [second] : [])];

/**
 * The children of each kind's instance that wait for an absent actor the first time it is proven Ready (pods to
 * run, CloudNativePG, Strimzi's Topic Operator); {@link proveReadiness} checks these are exactly the children
 * KRO's readyWhen counts not ready, besides those a running controller makes ready (the workspace's quota). A
 * Workspace waits for no absent actor: not for its KafkaUser (the declared readiness exception).
 */
const WAITS_FOR: Readonly<Record<string, readonly string[]>> = {
  Workspace: [],
  Infrastructure: ['database', 'cache'],
  Topic: ['topic'],
  WebApplication: ['deployment'],
};

const INSTANCE_LABEL = 'kro.run/instance-name';
const INSTANCE_NS_LABEL = 'kro.run/instance-namespace';
const NODE_LABEL = 'kro.run/node-id';

let plane: ControlPlane | undefined;
let client: KubeClient;
let kro: KroController | undefined;
const stageOutcome = new Map<string, 'ok' | 'failed'>();
/** Why an instance could not be applied (its kind not served, …), by `Kind namespace/name`. */
const applyFailures = new Map<string, string>();

beforeAll(async () => {
  const started = Date.now();
  plane = await ControlPlane.start({
    log: progress,
    // Pods need their namespace's default ServiceAccount and a computed ResourceQuota status to pass admission.
    controllers: [...DEFAULT_CONTROLLERS, 'serviceaccount-controller', 'resourcequota-controller', 'replicaset-controller', 'deployment-controller'],
  });
  client = new KubeClient(plane.admin);
  progress(`control plane up in ${Date.now() - started} ms (${plane.server}, dir ${plane.dir})`);
}, 3 * MINUTE);

afterAll(async () => {
  if (client?.warnings.length) {
    const unique = [...new Set(client.warnings.map((w) => w.warning))];
    progress(`API server warnings (${unique.length}):\n  ${unique.join('\n  ')}`);
  }
  await kro?.stop();
  await plane?.stop();
}, 2 * MINUTE);

function assertPlaneHealthy(): void {
  if (!plane?.healthy) throw new Error(`control plane is down; logs: ${JSON.stringify(plane?.logs)}`);
}

/** The generated kind of an instance (throws for non-instances). */
function kindFor(o: KubeObject): GeneratedKind {
  const k = kindOf(kinds, o);
  if (!k) throw new Error(`${describeObject(o)} is not an instance of an RGD in dist/`);
  return k;
}

/** Live children of an instance, by resource id (KRO labels each child with its node id and instance). */
async function childrenOf(instance: KubeObject): Promise<Map<string, KubeObject>> {
  const k = kindFor(instance);
  const found = new Map<string, KubeObject>();
  for (const r of k.resources) {
    // A collection (forEach) is zero or more objects, not one child: its own tests list it (collectionOf).
    if (!r.template || r.forEach) continue;
    const selector = `${INSTANCE_LABEL}=${instance.metadata.name},${NODE_LABEL}=${r.id}`;
    const items = (await client.list(r.template.apiVersion, r.template.kind, undefined, selector))
      .filter((i) => !k.namespaced || i.metadata.labels?.[INSTANCE_NS_LABEL] === instance.metadata.namespace);
    if (items.length > 1) throw new Error(`${describeObject(instance)}: ${items.length} children for resource ${r.id}`);
    if (items[0]) found.set(r.id, items[0]);
  }
  return found;
}

/** The live objects of the collection (forEach) resource `id` of an instance, by name. */
async function collectionOf(instance: KubeObject, id: string): Promise<KubeObject[]> {
  const r = kindFor(instance).resources.find((x) => x.id === id && x.forEach);
  if (!r?.template) throw new Error(`${describeObject(instance)}: its RGD has no collection ${id}`);
  return (await client.list(r.template.apiVersion, r.template.kind, instance.metadata.namespace, `${INSTANCE_LABEL}=${instance.metadata.name},${NODE_LABEL}=${id}`))
    .sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
}

async function liveInstance(o: KubeObject): Promise<KubeObject | undefined> {
  return client.get(o.apiVersion, o.kind, o.metadata.name!, o.metadata.namespace);
}

async function describeInstance(o: KubeObject): Promise<string> {
  const live = await liveInstance(o);
  return `${describeObject(o)} status: ${JSON.stringify(live?.status ?? null)}\nKRO log tail:\n${kro?.logTail(15) ?? ''}`;
}

/** Waits until KRO created every child the instance's RGD includes, and returns them. */
async function waitForChildren(instance: KubeObject): Promise<{ live: KubeObject; children: Map<string, KubeObject>; excluded: string[] }> {
  assertApplied(instance);
  const k = kindFor(instance);
  return waitFor(`children of ${describeObject(instance)}`, async () => {
    const live = await liveInstance(instance);
    if (!live) return undefined;
    const children = await childrenOf(instance);
    const { excluded, undecided } = excludedResources(k.resources, { instance: live, children });
    // Single children (a collection is zero or more objects: its own tests list it, collectionOf).
    const singles = k.resources.filter((r) => r.template && !r.forEach);
    if (undecided.length > 0 || singles.some((r) => !excluded.includes(r.id) && !children.has(r.id))) return undefined;
    return { live, children, excluded: singles.map((r) => r.id).filter((id) => excluded.includes(id)) };
  }, { timeoutMs: 2 * MINUTE, intervalMs: 500, describe: () => describeInstance(instance) });
}

/**
 * KRO reports an instance Ready exactly when its children are ready. The children waiting for an absent actor
 * (pods to run, an operator to report; `actorDone`) must be exactly those the RGD's readyWhen counts not ready.
 * While any is waiting, the instance must be IN_PROGRESS with Ready False and KRO's message must name each
 * (a waiting Deployment has fewer available replicas than it asks for); stand-ins then play the absent kubelet
 * or operator, and the instance must become ACTIVE with Ready True, each child ready (a Deployment's available
 * replicas, counted by the real controllers, equal to its spec.replicas). Returns the ids that were waiting.
 */
async function proveReadiness(instance: KubeObject): Promise<string[]> {
  const k = kindFor(instance);
  const verdicts = async (): Promise<{ id: string; child: KubeObject; ready: boolean; actorDone?: boolean; controllerDone?: boolean }[]> => {
    const children = await childrenOf(instance);
    return k.resources.filter((r) => children.has(r.id)).map((r) => {
      const child = children.get(r.id)!;
      return { id: r.id, child, ready: childReadiness(r, child).ready, actorDone: actorDone(child), controllerDone: controllerDone(child) };
    });
  };
  await waitForChildren(instance);
  const before = await verdicts();
  // Children a running controller makes ready (kube-controller-manager computing the quota): KRO's verdict must
  // match the suite's own, and the instance must not be Ready before it; nothing plays the controller.
  const computing = before.filter((v) => v.controllerDone !== undefined);
  expect(computing.map((v) => [v.id, v.ready])).toEqual(computing.map((v) => [v.id, v.controllerDone]));
  for (const c of computing.filter((v) => !v.ready)) {
    // The instance first, then the child: a child still not computed now was not computed when KRO reported.
    const r = instanceReadiness(await liveInstance(instance));
    const child = await client.get(c.child.apiVersion, c.child.kind, c.child.metadata.name!, c.child.metadata.namespace);
    if (child && controllerDone(child) === false) {
      expect([r.state === 'ACTIVE', r.ready === 'True']).toEqual([false, false]);
      progress(`${describeObject(instance)}: ${r.state}, Ready ${r.ready} while kube-controller-manager has not computed ${c.child.kind} ${c.id}`);
    }
    progress(await waitForController(client, c.child, 7 * MINUTE));
  }
  const waiting = before.filter((v) => !v.ready && v.controllerDone === undefined);
  expect(waiting.map((v) => v.id)).toEqual(before.filter((v) => v.actorDone === false).map((v) => v.id));
  if (waiting.length > 0) {
    const ids = waiting.map((w) => w.id);
    const seen: InstanceReadiness = await waitFor(`${describeObject(instance)} not Ready while ${ids.join(', ')} are not`, async () => {
      const r = instanceReadiness(await liveInstance(instance));
      return r.state === 'IN_PROGRESS' && ids.every((id) => r.message?.includes(`waiting for node "${id}"`)) ? r : undefined;
    }, { timeoutMs: MINUTE, describe: () => describeInstance(instance) });
    expect({ state: seen.state, ready: seen.ready, reason: seen.reason }).toEqual({ state: 'IN_PROGRESS', ready: 'False', reason: 'NotReady' });
    for (const w of waiting.filter((x) => x.child.kind === 'Deployment')) {
      const available = (w.child.status as { availableReplicas?: number } | undefined)?.availableReplicas ?? 0;
      expect(available).toBeLessThan((w.child.spec as { replicas: number }).replicas);
    }
    progress(`${describeObject(instance)}: ${seen.state}, Ready ${seen.ready} while ${ids.join(', ')} not ready`);
    for (const w of waiting) progress(await makeReady(client, w.child));
  }
  const done: InstanceReadiness = await waitFor(`${describeObject(instance)} Ready`, async () => {
    const r = instanceReadiness(await liveInstance(instance));
    return r.state === 'ACTIVE' && r.ready === 'True' ? r : undefined;
  }, { timeoutMs: 2 * MINUTE, describe: () => describeInstance(instance) });
  expect({ state: done.state, ready: done.ready }).toEqual({ state: 'ACTIVE', ready: 'True' });
  const after = await verdicts();
  expect(after.filter((v) => !v.ready || v.actorDone === false).map((v) => v.id)).toEqual([]);
  for (const v of after.filter((x) => x.child.kind === 'Deployment')) {
    expect((v.child.status as { availableReplicas?: number }).availableReplicas).toBe((v.child.spec as { replicas: number }).replicas);
  }
  return waiting.map((w) => w.id);
}

/** Waits until KRO has either activated an RGD or refused its graph (GraphAccepted False). */
async function waitForRgdVerdict(rgd: KubeObject): Promise<KubeObject> {
  return waitFor(`KRO's verdict on RGD ${rgd.metadata.name}`, async () => {
    const o = await client.get(rgd.apiVersion, rgd.kind, rgd.metadata.name!);
    const accepted = ((o?.status?.conditions ?? []) as { type: string; status: string }[]).find((c) => c.type === 'GraphAccepted');
    return o?.status?.state === 'Active' || accepted?.status === 'False' ? o : undefined;
  }, { timeoutMs: 2 * MINUTE, describe: async () => `${JSON.stringify((await client.get(rgd.apiVersion, rgd.kind, rgd.metadata.name!))?.status)}\nKRO log tail:\n${kro?.logTail(10) ?? ''}` });
}

/**
 * Polls `object` as Flux's health check of `kustomization` does until the verdict is final (Current or
 * Failed); fails when the Kustomization has no `healthCheckExprs` entry for the object's kind.
 */
async function waitForFluxVerdict(kustomization: KubeObject, object: KubeObject): Promise<FluxHealthVerdict> {
  const entries = ((kustomization.spec as { healthCheckExprs?: HealthCheckExpression[] } | undefined)?.healthCheckExprs ?? []);
  const check = entries.find((e) => groupKindOf(e.apiVersion, e.kind) === groupKindOf(object.apiVersion, object.kind));
  if (!check) throw new Error(`Kustomization ${kustomization.metadata.name} has no health check for ${object.apiVersion} ${object.kind}`);
  const verdict = async (): Promise<FluxHealthVerdict | undefined> => {
    const live = await client.get(object.apiVersion, object.kind, object.metadata.name!, object.metadata.namespace);
    return live ? evaluateFluxHealth(check, live as unknown as JsonObject) : undefined;
  };
  return waitFor(`Flux's health check of ${describeObject(object)}`, async () => {
    const v = await verdict();
    return v && (v.status === 'Current' || v.status === 'Failed') ? v : undefined;
  }, { timeoutMs: MINUTE, describe: async () => `${JSON.stringify(await verdict())}: ${JSON.stringify((await client.get(object.apiVersion, object.kind, object.metadata.name!, object.metadata.namespace))?.status)}` });
}

function instancesOf(ws: WorkspaceInstances, kind: string): KubeObject[] {
  return ws.instances.filter((o) => o.kind === kind);
}

function namespaceOfWorkspace(ws: WorkspaceInstances): string {
  const namespaced = ws.instances.find((o) => kindFor(o).namespaced);
  return namespaced?.metadata.namespace ?? ws.name;
}

/**
 * Applies a workspace's instances the safe way: the workspace first, its namespace ready, then the rest.
 * An instance that cannot be applied is recorded (its own tests report it) and does not stop the others.
 */
async function applyWorkspace(ws: WorkspaceInstances): Promise<void> {
  const applyOne = async (o: KubeObject): Promise<void> => {
    try {
      await client.apply(o, { fieldManager: FLUX_FIELD_MANAGER });
    } catch (e) {
      applyFailures.set(describeObject(o), e instanceof Error ? e.message : String(e));
    }
  };
  const workspace = ws.instances.filter((i) => !kindFor(i).namespaced);
  for (const o of workspace) await applyOne(o);
  const failedWorkspace = workspace.find((o) => applyFailures.has(describeObject(o)));
  if (failedWorkspace) {
    for (const o of ws.instances.filter((i) => kindFor(i).namespaced)) applyFailures.set(describeObject(o), `its workspace ${describeObject(failedWorkspace)} was not applied`);
    return;
  }
  const ns = namespaceOfWorkspace(ws);
  await waitFor(`namespace ${ns} of workspace ${ws.name}`, async () => {
    const live = await client.get('v1', 'Namespace', ns);
    return (live?.status as { phase?: string } | undefined)?.phase === 'Active' ? live : undefined;
  }, { timeoutMs: 2 * MINUTE, describe: () => describeInstance(ws.instances[0]!) });
  for (const o of ws.instances.filter((i) => kindFor(i).namespaced)) await applyOne(o);
}

/** Fails when the instance (or its workspace) could not be applied. */
function assertApplied(...objects: KubeObject[]): void {
  const failed = objects.flatMap((o) => {
    const f = applyFailures.get(describeObject(o));
    return f ? [`${describeObject(o)} was not applied: ${f}`] : [];
  });
  if (failed.length > 0) throw new Error(failed.join('\n'));
}

describe('platform CRDs and Flux order', () => {
  test('the CRDs of every component install, and every kind dist/ and the RGD templates use is served', async () => {
    const crds = platformCrds();
    await installCrds(client, crds);
    progress(`installed ${crds.length} CRDs (${CRD_SOURCES.filter((s) => s.component !== 'cilium').length} pinned upstream + real Cilium)`);
    const generated = new Set(kinds.map((k) => `${k.apiVersion}/${k.kind}`));
    const used = new Map<string, string>();
    for (const { object, path } of dist.all) {
      if (!generated.has(`${object.apiVersion}/${object.kind}`)) used.set(`${object.apiVersion}/${object.kind}`, path);
    }
    for (const k of kinds) {
      for (const r of k.resources) {
        if (r.template) used.set(`${r.template.apiVersion}/${r.template.kind}`, `RGD ${k.rgd.metadata.name} resource ${r.id}`);
      }
    }
    const missing: string[] = [];
    for (const [key, where] of used) {
      const slash = key.lastIndexOf('/');
      if (!(await client.resourceFor(key.slice(0, slash), key.slice(slash + 1)))) missing.push(`${key} (used by ${where})`);
    }
    expect(missing).toEqual([]);
  }, 3 * MINUTE);

  test(`KRO starts with the RBAC its HelmRelease asks for`, async () => {
    const install = kroInstallation(dist);
    for (const o of kroRbac(install)) await client.apply(o, { fieldManager: 'helm-controller' });
    const identity = await plane!.issueKubeconfig('kro', { user: install.user, groups: install.groups });
    const asKro = new KubeClient(identity.credentials);
    // The chart's static role must be in effect (aggregated by the controller manager) before KRO starts.
    await waitFor('KRO may watch ResourceGraphDefinitions', async () => (await asKro.can('watch', 'kro.run', 'resourcegraphdefinitions')) || undefined);
    expect(await asKro.can('create', 'apps', 'deployments', 'default')).toBe(install.rbacMode === 'unrestricted');
    kro = await KroController.start({ kubeconfig: identity.kubeconfig, dir: plane!.dir });
    progress(`KRO ${install.rbacMode} mode as ${install.user}; log ${kro.logFile}`);
    expect(kro.running).toBe(true);
  }, 2 * MINUTE);

  test('Flux prerequisites: the flux-system namespace `flux install` creates', async () => {
    const namespaces = new Set(dist.fluxSystem.map((o) => o.object.metadata.namespace).filter((n): n is string => !!n));
    for (const ns of namespaces) await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const outcome = await fluxApplyStaged(client, dist.fluxSystem);
    expect(outcome.rejections).toEqual([]);
    expect(outcome.applied).toHaveLength(dist.fluxSystem.length);
  });

  test('the one upstream source, the Gateway API CRDs, is what the CRD step installed', () => {
    const external = dist.stages.filter((s) => s.external);
    expect(external.map((s) => [s.key, s.dependsOn])).toEqual([['flux-system/gateway-api-crds', []]]);
    // The Flux source and the pinned CRD sources name the same repository, tag and folder.
    const stage = external[0]!;
    const [kind, ns, name] = stage.source.split('/');
    const source = dist.fluxSystem.map((o) => o.object).find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === ns);
    const spec = source?.spec as { url?: string; ref?: { tag?: string } } | undefined;
    const repo = spec?.url?.replace(/^https:\/\/github\.com\//, '').replace(/\.git$/, '');
    const folder = stage.path.replace(/^\.\//, '');
    const prefix = `https://raw.githubusercontent.com/${repo}/${spec?.ref?.tag}/${folder}/`;
    const pinned = CRD_SOURCES.filter((s) => s.url.startsWith(prefix));
    expect(pinned).toEqual(CRD_SOURCES.filter((s) => s.component === 'gateway-api'));
    stageOutcome.set(stage.key, 'ok');
    progress(`${stage.key}: external source ${prefix} = ${pinned.length} pinned CRDs, installed above`);
  });

  test.each(dist.stages.filter((s) => !s.external).map((s) => [s.key, s] as const))('Kustomization %s applies in Flux order with strict validation', async (_key, stage: FluxStage) => {
    assertPlaneHealthy();
    const blocked = stage.dependsOn.filter((d) => stageOutcome.get(d) !== 'ok');
    if (blocked.length > 0) {
      stageOutcome.set(stage.key, 'failed');
      throw new Error(`Flux would not apply ${stage.key}: its dependencies ${blocked.join(', ')} are not Ready`);
    }
    const started = Date.now();
    const outcome = await fluxApplyStaged(client, stage.objects);
    stageOutcome.set(stage.key, outcome.rejections.length === 0 ? 'ok' : 'failed');
    progress(`${stage.key}: ${outcome.applied.length}/${stage.objects.length} objects applied in ${Date.now() - started} ms` +
      (outcome.rejections.length ? `, ${outcome.rejections.length} rejected` : ''));
    const rejections: Rejection[] = [...outcome.rejections];
    expect(rejections).toEqual([]);
    expect(outcome.applied).toHaveLength(stage.objects.length);

    // Flux's health checks for this Kustomization: RGDs must become Active before dependents apply.
    const rgds = stage.objects.filter((o) => o.object.kind === 'ResourceGraphDefinition');
    for (const { object } of rgds) {
      const live = await waitForRgdVerdict(object);
      if (live.status?.state !== 'Active') {
        stageOutcome.set(stage.key, 'failed');
        const conditions = (live.status?.conditions ?? []) as { type: string; status: string; message?: string }[];
        throw new Error(`KRO did not accept RGD ${object.metadata.name}: ${conditions.filter((c) => c.status === 'False').map((c) => `${c.type}: ${c.message}`).join('; ')}`);
      }
      // The stage's own healthCheckExprs entry, evaluated as kustomize-controller does, on the live RGD.
      const verdict = await waitForFluxVerdict(stage.kustomization, object);
      expect(verdict).toEqual({ status: 'Current', decidedBy: 'current' });
    }
    if (rgds.length > 0) await client.refreshDiscovery();

    // `wait: true`: Flux waits until what it applied is Ready (kstatus reads the Ready condition). Every stage that
    // applies RGD instances waits for them: not Ready while a child is not, Ready once the stand-ins made the
    // children ready.
    const instances = stage.objects.map((o) => o.object).filter((o) => kindOf(kinds, o));
    const waits = (stage.kustomization.spec as { wait?: boolean } | undefined)?.wait === true;
    expect(instances.length === 0 || waits).toBe(true); // instances in a stage that does not wait: Flux would not wait for them
    for (const object of instances) expect(await proveReadiness(object)).toEqual(WAITS_FOR[object.kind]);
  }, 4 * MINUTE);

  test('every namespace a dist/ object lives in exists', async () => {
    const referenced = new Set<string>();
    for (const { object } of dist.all) {
      if (object.metadata.namespace && !kindOf(kinds, object)) referenced.add(object.metadata.namespace);
    }
    const missing: string[] = [];
    for (const ns of referenced) if (!(await client.get('v1', 'Namespace', ns))) missing.push(ns);
    expect(missing).toEqual([]);
  });
});

describe('KRO: ResourceGraphDefinitions', () => {
  test.each(kinds.map((k) => [k.rgd.metadata.name!, k] as const))('%s is Active and its CRD is served with the declared fields', async (_name, k: GeneratedKind) => {
    const rgd = await waitForRgdVerdict(k.rgd);
    const conditions = (rgd.status?.conditions ?? []) as { type: string; status: string; message?: string }[];
    // On failure this shows KRO's own message for every condition that is not True.
    expect(conditions.filter((c) => c.status !== 'True').map((c) => `${c.type}: ${c.message}`)).toEqual([]);
    expect(rgd.status?.state).toBe('Active');
    const served = await client.resourceFor(k.apiVersion, k.kind, true);
    expect(served).toMatchObject({ kind: k.kind, namespaced: k.namespaced });
    const crd = await client.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', `${served!.name}.${k.group}`);
    const versions = (crd?.spec?.versions ?? []) as { name: string; served: boolean; schema?: { openAPIV3Schema?: { properties?: { spec?: { properties?: Record<string, unknown> } } } } }[];
    const version = versions.find((v) => v.name === k.version);
    expect(version?.served).toBe(true);
    expect(Object.keys(version?.schema?.openAPIV3Schema?.properties?.spec?.properties ?? {}).sort()).toEqual([...k.specFields].sort());
  });

  test('a broken RGD (a reference to a field that does not exist) is refused with KRO\'s own message', async () => {
    // Proves the Active checks above can fail: a copy of a real RGD, under another kind, with one
    // `${schema.spec.<field>}` reference renamed to a field the schema does not declare.
    const source = kinds.find((k) => JSON.stringify(k.resources).includes('${schema.spec.'));
    if (!source) throw new Error('no RGD in dist/ reads ${schema.spec.…}: nothing to break');
    const text = JSON.stringify(source.rgd.spec).replace(/\$\{schema\.spec\.([A-Za-z]+)/, '${schema.spec.$1DoesNotExist');
    const broken: KubeObject = {
      apiVersion: source.rgd.apiVersion,
      kind: source.rgd.kind,
      metadata: { name: `broken-${source.rgd.metadata.name}` },
      spec: JSON.parse(text) as Record<string, unknown>,
    };
    (broken.spec as { schema: { kind: string } }).schema.kind = `Broken${source.kind}`;
    await client.apply(broken);
    const refused = await waitFor('KRO to refuse the broken RGD', async () => {
      const o = await client.get(broken.apiVersion, broken.kind, broken.metadata.name!);
      const c = ((o?.status?.conditions ?? []) as { type: string; status: string; message?: string }[]).find((x) => x.type === 'GraphAccepted' && x.status === 'False');
      return c ? { state: o?.status?.state, message: c.message ?? '' } : undefined;
    });
    progress(`KRO refused the broken RGD: ${refused.message}`);
    expect(refused.state).toBe('Inactive');
    expect(refused.message).toMatch(/undefined field '[A-Za-z]+DoesNotExist'/);
    await client.delete(broken.apiVersion, broken.kind, broken.metadata.name!);
  });
});

describe('KRO: list and map fields of the schema language (issue 17)', () => {
  // A made-up abstraction (test/helpers/gadget.ts) with lists and maps of scalars and of objects, rendered by the
  // same functions as the platform's RGDs, proven on the real KRO and API server: accepted, defaulted, validated.
  const group = 'test.mini-atlas.io';
  const apiVersion = `${group}/v1alpha1`;
  const gadget = (name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion, kind: 'Gadget', metadata: { name }, spec });
  /** Creates the object (a plain POST, so a type error is a validation error, not server-side apply's typed-patch error). */
  const refusal = async (o: KubeObject): Promise<string> => {
    const { status, body } = await client.raw('POST', await client.pathFor(apiVersion, 'Gadget'), o);
    const s = body as { reason?: string; message?: string };
    return status === 201 ? 'accepted' : `${status} ${s.reason}: ${s.message}`;
  };

  beforeAll(async () => {
    // KRO watches the instances of every RGD: the permission comes the way the platform's do, by aggregation.
    const install = kroInstallation(dist);
    await client.apply({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole',
      metadata: { name: 'mini-atlas-test:gadgets', labels: { [KRO_AGGREGATE_LABEL]: 'true' } },
      rules: [{ apiGroups: [group], resources: ['gadgets', 'gadgets/status'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }],
    } as KubeObject);
    await waitFor('the gadgets grant to be aggregated into KRO\'s ClusterRole', async () => {
      const role = await client.get('rbac.authorization.k8s.io/v1', 'ClusterRole', `${install.releaseName}:controller`);
      return JSON.stringify(role?.rules ?? []).includes(group) ? role : undefined;
    }, { timeoutMs: MINUTE });
    await client.apply({
      apiVersion: 'kro.run/v1alpha1', kind: 'ResourceGraphDefinition', metadata: { name: `gadget.${group}` },
      spec: { schema: { apiVersion: 'v1alpha1', group, kind: 'Gadget', scope: 'Cluster', spec: toSimpleSchema(GADGET), types: simpleSchemaTypes(GADGET) } },
    });
  }, 2 * MINUTE);

  afterAll(async () => {
    for (const name of ['gadget-a', 'gadget-bad-key']) await client.delete(apiVersion, 'Gadget', name).catch(() => false);
    await client.delete('kro.run/v1alpha1', 'ResourceGraphDefinition', `gadget.${group}`).catch(() => false);
  });

  test('KRO accepts the RGD and its CRD has exactly the schema the offline validator models', async () => {
    const rgd = await waitForRgdVerdict({ apiVersion: 'kro.run/v1alpha1', kind: 'ResourceGraphDefinition', metadata: { name: `gadget.${group}` } });
    const conditions = (rgd.status?.conditions ?? []) as { type: string; status: string; message?: string }[];
    expect(conditions.filter((c) => c.status !== 'True').map((c) => `${c.type}: ${c.message}`)).toEqual([]);
    expect(rgd.status?.state).toBe('Active');
    const crd = await client.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', `gadgets.${group}`);
    const served = ((crd?.spec?.versions ?? []) as { schema: { openAPIV3Schema: { properties: { spec: unknown } } } }[])[0]!.schema.openAPIV3Schema.properties.spec;
    const modelled = new SimpleSchemaConverter(simpleSchemaTypes(GADGET) as JsonObject).convert(toSimpleSchema(GADGET) as JsonObject, '$.spec.schema.spec');
    expect(modelled.issues).toEqual([]);
    expect(served).toEqual(modelled.schema);
    expect((served as { properties: Record<string, unknown> }).properties.env).toEqual({
      type: 'array', maxItems: 4, description: 'Environment variables',
      items: {
        type: 'object', required: ['name'],
        properties: {
          name: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$', description: 'Variable name' },
          value: { type: 'string', default: '', description: 'Value' },
        },
      },
    });
  });

  test('an instance with lists and maps is created, with the defaults the API server applies inside them', async () => {
    await client.apply(gadget('gadget-a', { name: 'a', hosts: ['api.example.com'], env: [{ name: 'A' }], ports: { http: { number: 80 } } }));
    const live = await client.get(apiVersion, 'Gadget', 'gadget-a');
    expect(live?.spec).toEqual({
      name: 'a', args: [], hosts: ['api.example.com'], env: [{ name: 'A', value: '' }], labels: {}, ports: { http: { number: 80, protocol: 'TCP' } },
    });
  });

  test('the API server refuses a wrong item type, too many or too few items, an item without its required field, a changed immutable map', async () => {
    const outcomes = [
      await refusal(gadget('gadget-too-many', { name: 'x', hosts: ['a'], args: ['1', '2', '3', '4'] })),
      await refusal(gadget('gadget-too-few', { name: 'x', hosts: [] })),
      await refusal(gadget('gadget-item-type', { name: 'x', hosts: [1] })),
      await refusal(gadget('gadget-item-rule', { name: 'x', hosts: ['Not A Host'] })),
      await refusal(gadget('gadget-item-field', { name: 'x', hosts: ['a'], env: [{ value: 'v' }] })),
      await refusal(gadget('gadget-map-value', { name: 'x', hosts: ['a'], labels: { tier: 3 } })),
    ];
    try {
      await client.mergePatch(apiVersion, 'Gadget', 'gadget-a', undefined, { spec: { ports: { http: { number: 8080 } } } });
      outcomes.push('accepted');
    } catch (e) {
      outcomes.push(e instanceof KubeApiError ? `${e.code} ${e.reason}: ${e.serverMessage}` : String(e));
    }
    // The API server's own messages for the rules the generated CRD carries (minItems/maxItems, items' type,
    // pattern and required fields, KRO's `self == oldSelf` for immutable=true).
    const unchecked = '<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';
    const invalid = (name: string, errors: string): string => `422 Invalid: Gadget.test.mini-atlas.io "${name}" is invalid: ${errors}`;
    expect(outcomes).toEqual([
      invalid('gadget-too-many', `[spec.args: Too many: 4: must have at most 3 items, ${unchecked}]`),
      invalid('gadget-too-few', 'spec.hosts: Invalid value: 0: spec.hosts in body should have at least 1 items'),
      invalid('gadget-item-type', `[spec.hosts[0]: Invalid value: "integer": spec.hosts[0] in body must be of type string: "integer", ${unchecked}]`),
      invalid('gadget-item-rule', 'spec.hosts[0]: Invalid value: "Not A Host": spec.hosts[0] in body should match \'^[a-z0-9.-]+$\''),
      invalid('gadget-item-field', `[spec.env[0].name: Required value, ${unchecked}]`),
      invalid('gadget-map-value', `[spec.labels.tier: Invalid value: "integer": spec.labels.tier in body must be of type string: "integer", ${unchecked}]`),
      invalid('gadget-a', 'spec.ports: Invalid value: field is immutable'),
    ]);
  });

  test('a map key outside the declared key rule is accepted by the cluster: the rule is checked at synth only', async () => {
    expect(await refusal(gadget('gadget-bad-key', { name: 'x', hosts: ['a'], labels: { 'Bad Key': 'v' } }))).toBe('accepted');
  });
});

describe('KRO: delivery instances', () => {
  test('dist/ has delivery instances to prove: team-a, and team-b derived from it', () => {
    expect(allWorkspaces.map((w) => [w.name, w.instances.map(describeObject)])).toEqual(['team-a', 'team-b'].map((n) => [n, [
      `Workspace ${n}`, `Infrastructure ${n}/${n}-db`, `Topic ${n}/${n}-orders`, `WebApplication ${n}/${n}-web`,
    ]]));
  });

  describe.each(allWorkspaces.map((w) => [w.name, w] as const))('workspace %s', (_name, ws: WorkspaceInstances) => {
    beforeAll(async () => {
      assertPlaneHealthy();
      await applyWorkspace(ws);
    }, 3 * MINUTE);

    test.each(ws.instances.map((o) => [describeObject(o), o] as const))('%s: KRO creates every child its RGD defines, as templated', async (_d, instance: KubeObject) => {
      const k = kindFor(instance);
      const { live, children, excluded } = await waitForChildren(instance);
      const problems: string[] = [];
      const skipped: string[] = [];
      for (const r of k.resources) {
        if (!r.template || r.forEach || excluded.includes(r.id)) continue;
        const child = children.get(r.id)!;
        const cmp = compareTemplate(r.template, child, { instance: live, children });
        problems.push(...cmp.mismatches.map((m) => `${r.id} (${describeObject(child)}) ${m}`));
        skipped.push(...cmp.skipped.map((s) => `${r.id}.${s}`));
        // Every child belongs to the instance (KRO's labels) and lives where the template puts it.
        expect(child.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('kro');
      }
      if (skipped.length > 0) progress(`${describeObject(instance)}: ${skipped.length} CEL-computed fields left to KRO (${skipped.slice(0, 6).join(', ')}${skipped.length > 6 ? ', …' : ''})`);
      expect(problems).toEqual([]);
      // team-a was proven Ready when its Flux stage (wait: true) applied it; team-b is proven here first.
      expect(await proveReadiness(instance)).toEqual(ws === second ? WAITS_FOR[instance.kind] : []);
    }, 4 * MINUTE);

    test('the workspace namespace carries the workspace and team labels and default-deny network policies', async () => {
      const workspace = ws.instances.find((o) => !kindFor(o).namespaced)!;
      const ns = await client.get('v1', 'Namespace', namespaceOfWorkspace(ws));
      expect(ns?.metadata.labels).toMatchObject({
        'platform.mini-atlas.io/workspace': ws.name,
        'platform.mini-atlas.io/team': (workspace.spec as { team: string }).team,
        'pod-security.kubernetes.io/enforce': 'restricted',
      });
      // The Workspace's own policies (each WebApplication adds its Gateway policy: proven with the application).
      const policies = (await client.list('cilium.io/v2', 'CiliumNetworkPolicy', ns!.metadata.name))
        .filter((p) => p.metadata.labels?.[INSTANCE_LABEL] === workspace.metadata.name);
      // Those its RGD includes for this instance (workspace-egress only when the workspace lists hosts).
      const live = await liveInstance(workspace);
      const templated = kindFor(workspace).resources
        .filter((r) => r.template?.kind === 'CiliumNetworkPolicy' && evaluateIncludeWhen(r, { instance: live!, children: new Map() }) === true)
        .map((r) => r.template!.metadata?.name);
      expect(policies.map((p) => p.metadata.name).sort()).toEqual([...templated].sort());
      // Default deny: a policy that selects every endpoint and lists ingress and egress allow rules.
      const isolation = policies.find((p) => JSON.stringify((p.spec as { endpointSelector?: unknown }).endpointSelector) === '{}');
      expect(isolation?.spec).toEqual(expect.objectContaining({ ingress: expect.any(Array), egress: expect.any(Array) }));
    });

    test('a web application gets a Deployment, a Service and an HTTPRoute on the shared Gateway', async () => {
      const apps = instancesOf(ws, 'WebApplication');
      expect(apps.map((a) => a.metadata.name)).toEqual([`${ws.name}-web`]);
      const gateway = single(dist, 'gateway.networking.k8s.io/', 'Gateway');
      for (const app of apps) {
        const { live, children } = await waitForChildren(app);
        const spec = live.spec as { replicas: number; image: string; port: number; hostname: string };
        const byKind = (kind: string): KubeObject => [...children.values()].find((c) => c.kind === kind)!;
        const deployment = byKind('Deployment');
        const service = byKind('Service');
        const route = byKind('HTTPRoute');
        for (const child of [deployment, service, route]) expect(child.metadata.namespace).toBe(app.metadata.namespace);
        const podSpec = (deployment.spec as { replicas: number; template: { metadata: { labels: Record<string, string> }; spec: { containers: { image: string; ports: { containerPort: number }[] }[] } } });
        expect(podSpec.replicas).toBe(spec.replicas);
        expect(podSpec.template.spec.containers[0]!.image).toBe(spec.image);
        expect(podSpec.template.spec.containers[0]!.ports[0]!.containerPort).toBe(spec.port);
        // The Service selects the Deployment's pods.
        expect(podSpec.template.metadata.labels).toMatchObject((service.spec as { selector: Record<string, string> }).selector);
        // The route attaches to a listener of the shared Gateway that admits it, and points at the Service.
        const rspec = route.spec as { hostnames: string[]; parentRefs: { name: string; namespace: string; sectionName?: string }[]; rules: { backendRefs: { name: string }[] }[] };
        expect(rspec.hostnames).toEqual([spec.hostname]);
        expect(rspec.parentRefs).toEqual([expect.objectContaining({ name: gateway.metadata.name, namespace: gateway.metadata.namespace })]);
        const listeners = (gateway.spec as { listeners: { name: string; hostname?: string }[] }).listeners;
        // The shared Gateway's listener is a wildcard (*.domain), and the app's host name lies under it.
        const listener = listeners.find((l) => l.name === rspec.parentRefs[0]!.sectionName);
        expect(listener?.hostname).toMatch(/^\*\./);
        expect(spec.hostname.endsWith(listener!.hostname!.slice(1))).toBe(true);
        expect(rspec.rules[0]!.backendRefs[0]!.name).toBe(service.metadata.name);
        // The shared Gateway (Cilium's ingress identity) may reach exactly these pods, on the app's port only.
        const gatewayPolicy = byKind('CiliumNetworkPolicy');
        expect(gatewayPolicy.metadata.namespace).toBe(app.metadata.namespace);
        expect(gatewayPolicy.spec).toEqual(expect.objectContaining({
          endpointSelector: { matchLabels: (service.spec as { selector: Record<string, string> }).selector },
          ingress: [{ fromEntities: ['ingress'], toPorts: [{ ports: [{ port: String(spec.port), protocol: 'TCP' }] }] }],
        }));
      }
    });

    test('infrastructure gets a CloudNativePG Cluster on retained storage, and a cache', async () => {
      const infras = instancesOf(ws, 'Infrastructure');
      expect(infras.map((i) => i.metadata.name)).toEqual([`${ws.name}-db`]);
      for (const infra of infras) {
        const { live, children } = await waitForChildren(infra);
        const spec = live.spec as { postgres: { instances: number; storage: string; database: string; owner: string }; cache?: { enabled?: boolean } };
        const cluster = [...children.values()].find((c) => c.apiVersion.startsWith('postgresql.cnpg.io/') && c.kind === 'Cluster');
        expect(cluster?.metadata.namespace).toBe(infra.metadata.namespace);
        const cspec = cluster!.spec as { instances: number; storage: { size: string; storageClass?: string }; bootstrap: { initdb: { database: string; owner: string } } };
        expect(cspec.instances).toBe(spec.postgres.instances);
        expect(cspec.storage.size).toBe(spec.postgres.storage);
        expect(cspec.bootstrap.initdb).toMatchObject({ database: spec.postgres.database, owner: spec.postgres.owner });
        // Stateful by design: the volumes outlive the Cluster (a StorageClass from dist/ that retains them).
        const storageClass = dist.all.map((o) => o.object).find((o) => o.kind === 'StorageClass' && o.metadata.name === cspec.storage.storageClass);
        expect(storageClass).toMatchObject({ reclaimPolicy: 'Retain' });
        const cache = [...children.values()].filter((c) => c.metadata.labels?.['app.kubernetes.io/component'] === 'cache');
        expect(cache.map((c) => c.kind).sort()).toEqual(spec.cache?.enabled === false ? [] : ['Deployment', 'Service']);
      }
    });

    test('a topic becomes a KafkaTopic in the shared Kafka cluster\'s namespace', async () => {
      const topics = instancesOf(ws, 'Topic');
      expect(topics.map((t) => t.metadata.name)).toEqual([`${ws.name}-orders`]);
      const kafka = single(dist, 'kafka.strimzi.io/', 'Kafka');
      for (const topic of topics) {
        const { live, children } = await waitForChildren(topic);
        const kt = [...children.values()].find((c) => c.kind === 'KafkaTopic');
        expect(kt?.metadata.namespace).toBe(kafka.metadata.namespace);
        expect(kt?.metadata.labels?.['strimzi.io/cluster']).toBe(kafka.metadata.name);
        expect(kt?.spec).toMatchObject({ partitions: (live.spec as { partitions: number }).partitions, replicas: (live.spec as { replicas: number }).replicas });
        expect(kt?.metadata.labels?.['platform.mini-atlas.io/workspace']).toBe(topic.metadata.namespace);
      }
    });

    test('the workspace\'s KafkaUser (issue 16): SCRAM-SHA-512, ACLs on its own topic and group prefix only, its quotas, its Secret labelled for the copy', async () => {
      const workspace = ws.instances.find((o) => !kindFor(o).namespaced)!;
      const { live, children } = await waitForChildren(workspace);
      const user = children.get('kafkaUser')!;
      const kafka = single(dist, 'kafka.strimzi.io/', 'Kafka');
      const quota = (live.spec as { quota: { kafkaProducerBytesPerSecond: number; kafkaConsumerBytesPerSecond: number } }).quota;
      const name = workspace.metadata.name!;
      expect([user.metadata.namespace, user.metadata.name, user.metadata.labels?.['strimzi.io/cluster'], user.metadata.labels?.['platform.mini-atlas.io/workspace']])
        .toEqual([kafka.metadata.namespace, name, kafka.metadata.name, name]);
      expect([quota.kafkaProducerBytesPerSecond, quota.kafkaConsumerBytesPerSecond]).toEqual([1048576, 2097152]);
      expect(user.spec).toEqual({
        authentication: { type: 'scram-sha-512' },
        authorization: {
          type: 'simple',
          acls: [
            { type: 'allow', resource: { type: 'topic', name: `${name}.`, patternType: 'prefix' }, operations: ['Read', 'Write', 'Describe'] },
            { type: 'allow', resource: { type: 'group', name: `${name}.`, patternType: 'prefix' }, operations: ['Read', 'Describe'] },
          ],
        },
        quotas: { producerByteRate: 1048576, consumerByteRate: 2097152 },
        template: { secret: { metadata: { labels: { 'platform.mini-atlas.io/workspace': name } } } },
      });
      // The declared readiness exception: no User Operator runs here, the KafkaUser has no status, and the
      // Workspace is ACTIVE and Ready all the same; the KafkaUser carries the reason.
      expect(user.status).toBeUndefined();
      expect(user.metadata.annotations?.['platform.mini-atlas.io/readiness-not-awaited']).toBe('a Kafka or User Operator outage must not hold a ' +
        'workspace that has no Topics, nor Flux\'s delivery-workspaces stage and every team after it; the Topics that use Kafka wait for their own KafkaTopic');
      const r = instanceReadiness(await liveInstance(workspace));
      expect([r.state, r.ready]).toEqual(['ACTIVE', 'True']);
    });

    test('a web application receives the connection details its Infrastructure and Topic publish', async () => {
      for (const app of instancesOf(ws, 'WebApplication')) {
        const spec = app.spec as { database?: string; topic?: string };
        expect([spec.database, spec.topic]).toEqual([`${ws.name}-db`, `${ws.name}-orders`]);
        const deployment = [...(await waitForChildren(app)).children.values()].find((c) => c.kind === 'Deployment')!;
        const env = JSON.stringify((deployment.spec as { template: { spec: { containers: { env?: unknown[] }[] } } }).template.spec.containers.map((c) => c.env ?? []));
        const published: string[] = [];
        for (const [kind, ref] of [['Infrastructure', spec.database], ['Topic', spec.topic]] as const) {
          const source = ws.instances.find((o) => o.kind === kind && o.metadata.name === ref)!;
          assertApplied(source);
          // Every status field the RGD declares, once KRO has filled them all in.
          const declared = Object.keys((kindFor(source).rgd.spec as { schema: { status?: Record<string, string> } }).schema.status ?? {});
          const status = await waitFor(`${kind} ${ref} status`, async () => {
            const st = (await liveInstance(source))?.status as Record<string, unknown> | undefined;
            return st && declared.every((k) => typeof st[k] === 'string' && st[k] !== '') ? st : undefined;
          }, { describe: () => describeInstance(source) });
          for (const k of declared) published.push(`${kind}.status.${k}=${String(status[k])}`);
        }
        expect(published.map((p) => p.slice(0, p.indexOf('=')))).toEqual([
          'Infrastructure.status.cacheHost', 'Infrastructure.status.cacheSecret', 'Infrastructure.status.databaseHost', 'Infrastructure.status.databaseSecret',
          'Topic.status.bootstrapServers', 'Topic.status.topicName',
        ]);
        // Every value the referenced instances publish (host names, Secret names, topic, bootstrap servers)
        // reaches the application's containers, as a value or as a Secret reference.
        const missing = published.filter((p) => !env.includes(JSON.stringify(p.slice(p.indexOf('=') + 1))));
        expect(missing).toEqual([]);
      }
    });

    test('KRO\'s output passes every Kyverno policy in dist/, and the cache gets the password Secret it mounts', async () => {
      const objects: KubeObject[] = [];
      // As the objects would reach admission: no server-set metadata, no status.
      const serverSet = new Set(['managedFields', 'uid', 'resourceVersion', 'creationTimestamp', 'generation', 'ownerReferences']);
      const strip = (o: KubeObject): KubeObject => ({
        ...Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'status')),
        metadata: Object.fromEntries(Object.entries(o.metadata).filter(([k]) => !serverSet.has(k))),
      } as KubeObject);
      for (const instance of ws.instances) {
        if (kindFor(instance).namespaced) objects.push(strip(instance));
        for (const child of (await waitForChildren(instance)).children.values()) {
          if (child.kind === 'Namespace') continue;
          objects.push(strip(child));
          // The Pods a Deployment's ReplicaSet would create, for the Pod-level policies.
          const template = (child.spec as { template?: { metadata?: { labels?: Record<string, string> }; spec?: unknown } } | undefined)?.template;
          if (child.kind === 'Deployment' && template?.spec) {
            objects.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `${child.metadata.name}-pod`, namespace: child.metadata.namespace, labels: template.metadata?.labels ?? {} }, spec: template.spec as Record<string, unknown> });
          }
        }
      }
      const namespaces = (await client.list('v1', 'Namespace')).map(strip);
      const scratch = mkdtempSync(join(plane!.dir, 'kyverno-'));
      const resources = join(scratch, 'resources.yaml');
      writeFileSync(resources, toYamlDocuments(objects));
      const values = join(scratch, 'values.yaml');
      writeFileSync(values, toYaml({
        apiVersion: 'cli.kyverno.io/v1alpha1',
        kind: 'Values',
        namespaces,
        namespaceSelector: namespaces.map((n) => ({ name: n.metadata.name, labels: n.metadata.labels ?? {} })),
      }));
      // KRO writes these objects: admission sees KRO's ServiceAccount as the requester (the policies exempt it
      // exactly where it legitimately acts: the workspace's network policies and operator-owned labels).
      const kroUser = kroInstallation(dist);
      const userInfo = join(scratch, 'userinfo.yaml');
      writeFileSync(userInfo, toYaml({
        apiVersion: 'cli.kyverno.io/v1alpha1', kind: 'UserInfo', metadata: { name: 'kro' },
        userInfo: { username: kroUser.user, groups: [...kroUser.groups] },
      }));
      const policyFiles = dist.all.filter((o) => /^(policies\.)?kyverno\.io\//.test(o.object.apiVersion) && /Policy$/.test(o.object.kind)).map((o) => o.file);
      expect(objects).toHaveLength(25);
      const run = runKyvernoApply(policyFiles, [resources], values, scratch, userInfo);
      progress(`kyverno apply on ${objects.length} objects of workspace ${ws.name}: ${JSON.stringify(run.summary)}`);
      // Kyverno's count of (rule, resource) results over the workspace's 25 objects (6 of them the delivery RBAC, issue 16; the web
      // application's PodDisruptionBudget, issue 18, which operator-labels checks as it checks every kind; the KafkaUser lives in
      // `kafka`, not a workspace, and no policy selects it): a policy that stopped selecting them would lower the passes, one that
      // refused them would show as fail or error.
      expect(run.summary).toEqual({ pass: 56, fail: 0, warn: 0, error: 0, skip: 0 });
      // Each Secret the cache-password policy generates is the one the cache container reads its password from.
      const wanted = objects.filter((o) => o.kind === 'Service' && o.metadata.annotations?.['platform.mini-atlas.io/generate-password-secret'])
        .map((o) => `${o.metadata.namespace}/${o.metadata.annotations!['platform.mini-atlas.io/generate-password-secret']}`);
      expect(wanted).toEqual([`${ws.name}/${ws.name}-db-cache-auth`]);
      const generated = (run.generated as KubeObject[]).map((g) => `${g.metadata.namespace}/${g.metadata.name}`);
      expect(generated.sort()).toEqual(wanted);
      const secretRefs = JSON.stringify(objects.filter((o) => o.kind === 'Deployment').map((d) => d.spec));
      for (const g of run.generated as KubeObject[]) {
        expect(secretRefs).toContain(`"name":"${g.metadata.name}"`);
        expect(Object.keys((g as unknown as { stringData: Record<string, string> }).stringData)).toContain('password');
      }
      expect(run.exitCode).toBe(0);
    });
  });
});

/**
 * Issue 16, least-privilege delivery: what the API server's RBAC lets each tenant identity do, with the RBAC
 * the Workspace RGD created (through the real KRO, with its aggregated role) and the tenant ClusterRoles from
 * dist/foundation. Identities are client certificates of the same user and groups as the real ones (RBAC
 * matches a ServiceAccount subject by its user name `system:serviceaccount:<ns>:<name>`). Writes are
 * server-side apply dry runs, as kustomize-controller applies: authorization runs, nothing is stored.
 *
 * Hook for the real-Flux branch (i15-flux): the hostile team folder (a ClusterRoleBinding, a WebApplication in
 * another workspace) must be refused by the real kustomize-controller running with `--default-service-account`
 * and `--no-cross-namespace-refs` (tools/cluster/src/flux-lockdown.ts) on the Kustomization that names
 * `delivery-<workspace>`; the messages it reports are the ones asserted below. That harness must give the
 * controller's identity `impersonate` on serviceaccounts and bind `flux-system/kustomize-controller` (the
 * account every platform stage names) to cluster-admin, as `flux install` does (`cluster-reconciler`).
 */
describe('least-privilege delivery (issue 16): the tenant identities at the API server', () => {
  const [own, other] = allWorkspaces;
  const ownTeam = (): string => ((own.instances.find((o) => !kindFor(o).namespaced)!.spec) as { team: string }).team;
  const fluxUser = (): string => `system:serviceaccount:${DELIVERY_ACCOUNT_NAMESPACE}:${deliveryServiceAccount(own.name)}`;
  let flux: KubeClient;
  let developer: KubeClient;
  let viewer: KubeClient;

  /** SelfSubjectAccessReview of `c` for one request. */
  async function allowed(c: KubeClient, verb: string, group: string, resource: string, namespace?: string, extra: { subresource?: string; name?: string } = {}): Promise<boolean> {
    const res = await c.raw('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb, group, resource, ...(namespace ? { namespace } : {}), ...extra } },
    });
    return (res.body as { status: { allowed: boolean } }).status.allowed;
  }

  /** 'allowed', or the API server's refusal (status, reason, message). */
  async function dryRunApply(c: KubeClient, o: KubeObject): Promise<string> {
    try {
      await c.apply(o, { fieldManager: FLUX_FIELD_MANAGER, dryRun: true });
      return 'allowed';
    } catch (e) {
      if (e instanceof KubeApiError) return `${e.code} ${e.reason}: ${e.serverMessage}`;
      throw e;
    }
  }

  beforeAll(async () => {
    assertPlaneHealthy();
    const issueClient = async (name: string, user: string, groups: string[]): Promise<KubeClient> =>
      new KubeClient((await plane!.issueKubeconfig(name, { user, groups })).credentials);
    flux = await issueClient('delivery', fluxUser(), ['system:serviceaccounts', `system:serviceaccounts:${DELIVERY_ACCOUNT_NAMESPACE}`, 'system:authenticated']);
    developer = await issueClient('developer', `developer-of-${ownTeam()}`, [developerGroup(ownTeam()), 'system:authenticated']);
    viewer = await issueClient('viewer', `viewer-of-${ownTeam()}`, [viewerGroup(ownTeam()), 'system:authenticated']);
    // KRO created the bindings with the Workspace; the authorizer's cache sees them shortly after.
    await waitFor('the delivery binding is in effect', async () => (await allowed(flux, 'create', PLATFORM_GROUP, 'webapplications', own.name)) || undefined, { timeoutMs: MINUTE });
  }, 2 * MINUTE);

  test('KRO created the delivery account in flux-system and the three bindings in the workspace', async () => {
    expect((await client.get('v1', 'ServiceAccount', deliveryServiceAccount(own.name), DELIVERY_ACCOUNT_NAMESPACE))?.metadata.name).toBe(`delivery-${own.name}`);
    const bindings = await client.list('rbac.authorization.k8s.io/v1', 'RoleBinding', own.name);
    expect(bindings.map((b) => [b.metadata.name, (b as unknown as { roleRef: { name: string } }).roleRef.name]).sort()).toEqual([
      [`${own.name}-delivery`, 'mini-atlas:tenant-delivery'],
      [`${own.name}-developers`, 'mini-atlas:tenant-developer'],
      [`${own.name}-viewers`, 'mini-atlas:tenant-view'],
    ]);
  });

  test("the team's Flux account may manage its four kinds in its workspace and nothing else", async () => {
    const checks: [string, string, string, string | undefined][] = [
      ['create', PLATFORM_GROUP, 'webapplications', own.name],
      ['create', PLATFORM_GROUP, 'infrastructures', own.name],
      ['create', PLATFORM_GROUP, 'workloads', own.name],
      ['delete', PLATFORM_GROUP, 'topics', own.name],
      ['create', PLATFORM_GROUP, 'webapplications', other.name],
      ['create', PLATFORM_GROUP, 'workspaces', undefined],
      ['create', '', 'secrets', own.name],
      ['create', '', 'secrets', other.name],
      ['create', '', 'configmaps', own.name],
      ['create', 'apps', 'deployments', own.name],
      ['create', 'rbac.authorization.k8s.io', 'rolebindings', own.name],
      ['create', 'rbac.authorization.k8s.io', 'clusterrolebindings', undefined],
      ['create', '', 'namespaces', undefined],
    ];
    const got = await Promise.all(checks.map(async ([v, g, r, ns]) => `${v} ${g}/${r} in ${ns ?? '(cluster)'}: ${await allowed(flux, v, g, r, ns)}`));
    expect(got).toEqual([
      `create platform.mini-atlas.io/webapplications in ${own.name}: true`,
      `create platform.mini-atlas.io/infrastructures in ${own.name}: true`,
      `create platform.mini-atlas.io/workloads in ${own.name}: true`,
      `delete platform.mini-atlas.io/topics in ${own.name}: true`,
      `create platform.mini-atlas.io/webapplications in ${other.name}: false`,
      'create platform.mini-atlas.io/workspaces in (cluster): false',
      `create /secrets in ${own.name}: false`,
      `create /secrets in ${other.name}: false`,
      `create /configmaps in ${own.name}: false`,
      `create apps/deployments in ${own.name}: false`,
      `create rbac.authorization.k8s.io/rolebindings in ${own.name}: false`,
      'create rbac.authorization.k8s.io/clusterrolebindings in (cluster): false',
      'create /namespaces in (cluster): false',
    ]);
  });

  test("as its Flux account, the team's own stage applies; a ClusterRoleBinding, an instance in another workspace and a Secret there are refused", async () => {
    const stageObjects = own.instances.filter((o) => kindFor(o).namespaced);
    expect(await Promise.all(stageObjects.map(async (o) => `${describeObject(o)}: ${await dryRunApply(flux, o)}`)))
      .toEqual(stageObjects.map((o) => `${describeObject(o)}: allowed`));
    const foreign = other.instances.find((o) => o.kind === 'WebApplication')!;
    const user = fluxUser();
    expect(await dryRunApply(flux, {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'take-over' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: deliveryServiceAccount(own.name), namespace: DELIVERY_ACCOUNT_NAMESPACE }],
    } as KubeObject)).toBe(`403 Forbidden: clusterrolebindings.rbac.authorization.k8s.io "take-over" is forbidden: User "${user}" cannot patch resource "clusterrolebindings" in API group "rbac.authorization.k8s.io" at the cluster scope`);
    expect(await dryRunApply(flux, foreign)).toBe(
      `403 Forbidden: webapplications.platform.mini-atlas.io "${foreign.metadata.name}" is forbidden: User "${user}" cannot patch resource "webapplications" in API group "platform.mini-atlas.io" in the namespace "${other.name}"`);
    expect(await dryRunApply(flux, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'planted', namespace: other.name }, stringData: { k: 'v' } } as KubeObject)).toBe(
      `403 Forbidden: secrets "planted" is forbidden: User "${user}" cannot patch resource "secrets" in API group "" in the namespace "${other.name}"`);
  });

  test('developer: the platform kinds, Secrets and ConfigMaps and pods/log in the own workspace, its own Kustomization\'s status; nothing elsewhere', async () => {
    const ownStage = deliveryKustomization(own.name);
    const otherStage = deliveryKustomization(other.name);
    const got = await Promise.all(([
      ['create', PLATFORM_GROUP, 'webapplications', own.name, {}],
      ['create', '', 'secrets', own.name, {}],
      ['get', '', 'secrets', own.name, {}],
      ['update', '', 'configmaps', own.name, {}],
      ['get', '', 'pods', own.name, { subresource: 'log' }],
      ['list', 'apps', 'deployments', own.name, {}],
      ['get', 'kustomize.toolkit.fluxcd.io', 'kustomizations', DELIVERY_ACCOUNT_NAMESPACE, { name: ownStage }],
      ['get', 'kustomize.toolkit.fluxcd.io', 'kustomizations', DELIVERY_ACCOUNT_NAMESPACE, { name: otherStage }],
      ['list', 'kustomize.toolkit.fluxcd.io', 'kustomizations', DELIVERY_ACCOUNT_NAMESPACE, {}],
      ['create', '', 'pods', own.name, {}],
      ['create', 'apps', 'deployments', own.name, {}],
      ['create', 'rbac.authorization.k8s.io', 'rolebindings', own.name, {}],
      ['get', '', 'secrets', other.name, {}],
      ['create', PLATFORM_GROUP, 'webapplications', other.name, {}],
      ['create', 'rbac.authorization.k8s.io', 'clusterrolebindings', undefined, {}],
    ] as const).map(async ([v, g, r, ns, extra]) => `${v} ${g}/${r}${'subresource' in extra ? `/${extra.subresource}` : ''}${'name' in extra ? ` ${extra.name}` : ''} in ${ns ?? '(cluster)'}: ${await allowed(developer, v, g, r, ns, extra)}`));
    expect(got).toEqual([
      `create platform.mini-atlas.io/webapplications in ${own.name}: true`,
      `create /secrets in ${own.name}: true`,
      `get /secrets in ${own.name}: true`,
      `update /configmaps in ${own.name}: true`,
      `get /pods/log in ${own.name}: true`,
      `list apps/deployments in ${own.name}: true`,
      `get kustomize.toolkit.fluxcd.io/kustomizations ${ownStage} in flux-system: true`,
      `get kustomize.toolkit.fluxcd.io/kustomizations ${otherStage} in flux-system: false`,
      'list kustomize.toolkit.fluxcd.io/kustomizations in flux-system: false',
      `create /pods in ${own.name}: false`,
      `create apps/deployments in ${own.name}: false`,
      `create rbac.authorization.k8s.io/rolebindings in ${own.name}: false`,
      `get /secrets in ${other.name}: false`,
      `create platform.mini-atlas.io/webapplications in ${other.name}: false`,
      'create rbac.authorization.k8s.io/clusterrolebindings in (cluster): false',
    ]);
  });

  test('view: read of the own workspace only; no Secrets, no logs, no writes', async () => {
    const got = await Promise.all(([
      ['get', PLATFORM_GROUP, 'webapplications', own.name, {}],
      ['list', '', 'pods', own.name, {}],
      ['get', '', 'secrets', own.name, {}],
      ['get', '', 'pods', own.name, { subresource: 'log' }],
      ['create', PLATFORM_GROUP, 'webapplications', own.name, {}],
      ['get', PLATFORM_GROUP, 'webapplications', other.name, {}],
    ] as const).map(async ([v, g, r, ns, extra]) => `${v} ${g}/${r}${'subresource' in extra ? `/${extra.subresource}` : ''} in ${ns}: ${await allowed(viewer, v, g, r, ns, extra)}`));
    expect(got).toEqual([
      `get platform.mini-atlas.io/webapplications in ${own.name}: true`,
      `list /pods in ${own.name}: true`,
      `get /secrets in ${own.name}: false`,
      `get /pods/log in ${own.name}: false`,
      `create platform.mini-atlas.io/webapplications in ${own.name}: false`,
      `get platform.mini-atlas.io/webapplications in ${other.name}: false`,
    ]);
  });
});

describe('KRO: a WebApplication gets only the variables that have a value (issue 13)', () => {
  // Derived from team-a's instances in dist/: an app with neither database nor topic, and an app wired to an
  // Infrastructure whose cache is disabled. The RGD builds the env list in CEL; this proves KRO v0.9.3 accepts
  // it and evaluates it as intended, next to team-a's own app, which keeps every variable.
  const first = workspaces[0]!;
  const source = (kind: string): KubeObject => instancesOf(first, kind)[0]!;
  const envNames = async (app: KubeObject): Promise<string[]> => {
    const deployment = [...(await waitForChildren(app)).children.values()].find((c) => c.kind === 'Deployment')!;
    const containers = (deployment.spec as { template: { spec: { containers: { env?: { name: string }[] }[] } } }).template.spec.containers;
    return (containers[0]!.env ?? []).map((e) => e.name);
  };
  const without = (spec: unknown, ...keys: string[]): Record<string, unknown> =>
    Object.fromEntries(Object.entries(spec as Record<string, unknown>).filter(([k]) => !keys.includes(k)));
  const named = (o: KubeObject, name: string, spec: Record<string, unknown>): KubeObject =>
    ({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name, namespace: o.metadata.namespace, labels: o.metadata.labels }, spec });

  test('team-a\'s app (database with a cache, topic): every variable', async () => {
    expect(await envNames(source('WebApplication'))).toEqual([
      'PORT', 'DATABASE_SECRET_NAME', 'DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME', 'DATABASE_USER', 'DATABASE_PASSWORD', 'DATABASE_URI',
      'CACHE_HOST', 'CACHE_PASSWORD', 'KAFKA_BOOTSTRAP_SERVERS',
      // Issue 16: the SASL_SSL connection with the workspace's copied credentials and CA, and its group prefix.
      'KAFKA_SECURITY_PROTOCOL', 'KAFKA_SASL_MECHANISM', 'KAFKA_USERNAME', 'KAFKA_PASSWORD', 'KAFKA_SASL_JAAS_CONFIG', 'KAFKA_CA_CERT', 'KAFKA_TOPIC',
      'KAFKA_GROUP_PREFIX',
    ]);
  });

  test('an app with no database and no topic: PORT only, no empty DATABASE_* or KAFKA_*', async () => {
    const app = source('WebApplication');
    const spec = without(app.spec, 'database', 'topic');
    const plain = named(app, `${first.name}-plain`, { ...spec, hostname: `plain-${String(spec.hostname)}` });
    await client.apply(plain, { fieldManager: FLUX_FIELD_MANAGER });
    expect(await envNames(plain)).toEqual(['PORT']);
  });

  test('an app wired to an Infrastructure whose cache is disabled: DATABASE_*, no CACHE_*', async () => {
    const infra = source('Infrastructure');
    const nocache = named(infra, `${first.name}-nocache`, { ...(infra.spec as Record<string, unknown>), cache: { enabled: false } });
    await client.apply(nocache, { fieldManager: FLUX_FIELD_MANAGER });
    const { children } = await waitForChildren(nocache);
    expect([...children.keys()]).toEqual(['database']);
    const app = source('WebApplication');
    const spec = without(app.spec, 'topic');
    const wired = named(app, `${first.name}-nocache-web`, { ...spec, database: nocache.metadata.name, hostname: `nocache-${String(spec.hostname)}` });
    await client.apply(wired, { fieldManager: FLUX_FIELD_MANAGER });
    expect(await envNames(wired)).toEqual(['PORT', 'DATABASE_SECRET_NAME', 'DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME', 'DATABASE_USER', 'DATABASE_PASSWORD', 'DATABASE_URI']);
  });

  test('enabling that cache later: KRO sees the new cache Service (a watched collection) and the app gains CACHE_*', async () => {
    const infra = source('Infrastructure');
    const nocache = named(infra, `${first.name}-nocache`, { ...(infra.spec as Record<string, unknown>), cache: { enabled: true } });
    await client.apply(nocache, { fieldManager: FLUX_FIELD_MANAGER });
    const wired = named(source('WebApplication'), `${first.name}-nocache-web`, {});
    const names = await waitFor(`CACHE_* in the Deployment of ${wired.metadata.name}`, async () => {
      const n = await envNames(wired);
      return n.includes('CACHE_HOST') ? n : undefined;
    }, { timeoutMs: 2 * MINUTE, describe: () => describeInstance(wired) });
    expect(names).toEqual(['PORT', 'DATABASE_SECRET_NAME', 'DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME', 'DATABASE_USER', 'DATABASE_PASSWORD', 'DATABASE_URI', 'CACHE_HOST', 'CACHE_PASSWORD']);
  });

  test('issue 18: a cache-only Infrastructure creates no Cluster (includeWhen false), and an app wired to it gets CACHE_*, no DATABASE_*', async () => {
    const infra = source('Infrastructure');
    const cacheOnly = named(infra, `${first.name}-cacheonly`, { postgres: { enabled: false }, cache: { enabled: true } });
    await client.apply(cacheOnly, { fieldManager: FLUX_FIELD_MANAGER });
    const { children, excluded } = await waitForChildren(cacheOnly);
    expect([[...children.keys()], excluded]).toEqual([['cacheService', 'cache'], ['database', 'bootstrapDatabase']]);
    expect(await client.get('postgresql.cnpg.io/v1', 'Cluster', cacheOnly.metadata.name!, cacheOnly.metadata.namespace)).toBeUndefined();
    expect(await collectionOf(cacheOnly, 'databases')).toEqual([]);
    const status = await waitFor(`status of ${cacheOnly.metadata.name}`, async () => {
      const s = (await liveInstance(cacheOnly))?.status as Record<string, unknown> | undefined;
      return s && 'cacheHost' in s ? s : undefined;
    }, { timeoutMs: MINUTE, describe: () => describeInstance(cacheOnly) });
    expect([status.databaseSecret, status.databaseHost, status.cacheHost, status.cacheSecret])
      .toEqual(['', '', `${cacheOnly.metadata.name}-cache.${cacheOnly.metadata.namespace}.svc`, `${cacheOnly.metadata.name}-cache-auth`]);
    const app = source('WebApplication');
    const spec = without(app.spec, 'topic');
    const wired = named(app, `${first.name}-cacheonly-web`, { ...spec, database: cacheOnly.metadata.name, hostname: `cacheonly-${String(spec.hostname)}` });
    await client.apply(wired, { fieldManager: FLUX_FIELD_MANAGER });
    const names = await waitFor(`CACHE_* in the Deployment of ${wired.metadata.name}`, async () => {
      const n = await envNames(wired);
      return n.includes('CACHE_HOST') ? n : undefined;
    }, { timeoutMs: 2 * MINUTE, describe: () => describeInstance(wired) });
    expect(names).toEqual(['PORT', 'CACHE_HOST', 'CACHE_PASSWORD']);
  });
});

describe('KRO: more databases and extensions through CloudNativePG Database objects (issue 18)', () => {
  const first = workspaces[0]!;
  const infra = (): KubeObject => instancesOf(first, 'Infrastructure')[0]!;

  test('the bootstrap database\'s extensions and two more databases: one Database each, after the Cluster is ready, as KRO renders them', async () => {
    const source = infra();
    const name = `${first.name}-multi`;
    const ns = source.metadata.namespace!;
    const multi: KubeObject = {
      apiVersion: source.apiVersion, kind: source.kind, metadata: { name, namespace: ns, labels: source.metadata.labels },
      spec: {
        postgres: { database: 'orders', owner: 'orders_app', extensions: ['pg_trgm', 'uuid-ossp'], databases: [{ name: 'audit_log', extensions: ['citext'] }, { name: 'reports' }] },
        cache: { enabled: false },
      },
    };
    await client.apply(multi, { fieldManager: FLUX_FIELD_MANAGER });
    const cluster = await waitFor(`Cluster ${ns}/${name}`, async () => client.get('postgresql.cnpg.io/v1', 'Cluster', name, ns), { timeoutMs: 2 * MINUTE, describe: () => describeInstance(multi) });
    // KRO creates the Database objects only once the Cluster they reference is ready.
    expect(await client.list('postgresql.cnpg.io/v1', 'Database', ns, `${INSTANCE_LABEL}=${name}`)).toEqual([]);
    progress(await makeReady(client, cluster));
    const databases = await waitFor(`three Database objects of ${name}`, async () => {
      const all = await client.list('postgresql.cnpg.io/v1', 'Database', ns, `${INSTANCE_LABEL}=${name}`);
      return all.length === 3 ? all.sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!)) : undefined;
    }, { timeoutMs: 2 * MINUTE, describe: () => describeInstance(multi) });
    expect(databases.map((d) => [d.metadata.name, d.metadata.labels?.[NODE_LABEL], d.spec])).toEqual([
      [`${name}-db`, 'bootstrapDatabase', {
        cluster: { name }, name: 'orders', owner: 'orders_app', databaseReclaimPolicy: 'retain', ensure: 'present',
        extensions: [{ name: 'pg_trgm', ensure: 'present' }, { name: 'uuid-ossp', ensure: 'present' }],
      }],
      [`${name}-db-audit-log`, 'databases', {
        cluster: { name }, name: 'audit_log', owner: 'orders_app', databaseReclaimPolicy: 'retain', ensure: 'present',
        extensions: [{ name: 'citext', ensure: 'present' }],
      }],
      [`${name}-db-reports`, 'databases', { cluster: { name }, name: 'reports', owner: 'orders_app', databaseReclaimPolicy: 'retain', ensure: 'present', extensions: [] }],
    ]);
    expect((await collectionOf(multi, 'databases')).map((d) => d.metadata.name)).toEqual([`${name}-db-audit-log`, `${name}-db-reports`]);
    // Not Ready until CloudNativePG applied every database; then Ready.
    const waiting = await waitFor(`${name} IN_PROGRESS while its databases are not applied`, async () => {
      const r = instanceReadiness(await liveInstance(multi));
      return r.state === 'IN_PROGRESS' ? r : undefined;
    }, { timeoutMs: MINUTE, describe: () => describeInstance(multi) });
    expect(waiting.ready).toBe('False');
    for (const d of databases) progress(await makeReady(client, d));
    const done = await waitFor(`${name} Ready`, async () => {
      const r = instanceReadiness(await liveInstance(multi));
      return r.state === 'ACTIVE' && r.ready === 'True' ? r : undefined;
    }, { timeoutMs: 2 * MINUTE, describe: () => describeInstance(multi) });
    expect({ state: done.state, ready: done.ready }).toEqual({ state: 'ACTIVE', ready: 'True' });
  }, 5 * MINUTE);
});

describe('KRO: changes and deletion', () => {
  // Which workspaces there are is pinned by 'dist/ has delivery instances to prove' above.
  const first = workspaces[0]!;

  test('changing an instance changes its child (replicas, partitions)', async () => {
    const app = instancesOf(first, 'WebApplication')[0]!;
    const topic = instancesOf(first, 'Topic')[0]!;
    const replicas = (app.spec as { replicas: number }).replicas + 1;
    const partitions = (topic.spec as { partitions: number }).partitions * 2;
    await client.apply({ ...app, spec: { ...app.spec, replicas } }, { fieldManager: FLUX_FIELD_MANAGER });
    await client.apply({ ...topic, spec: { ...topic.spec, partitions } }, { fieldManager: FLUX_FIELD_MANAGER });
    const deployment = await waitFor(`Deployment of ${app.metadata.name} at ${replicas} replicas`, async () => {
      const d = [...(await childrenOf(app)).values()].find((c) => c.kind === 'Deployment');
      return (d?.spec as { replicas?: number } | undefined)?.replicas === replicas ? d : undefined;
    }, { timeoutMs: 2 * MINUTE, describe: () => describeInstance(app) });
    expect((deployment.spec as { replicas: number }).replicas).toBe(replicas);
    const kt = await waitFor(`KafkaTopic of ${topic.metadata.name} at ${partitions} partitions`, async () => {
      const t = [...(await childrenOf(topic)).values()].find((c) => c.kind === 'KafkaTopic');
      return (t?.spec as { partitions?: number } | undefined)?.partitions === partitions ? t : undefined;
    }, { timeoutMs: 2 * MINUTE, describe: () => describeInstance(topic) });
    expect((kt.spec as { partitions: number }).partitions).toBe(partitions);
    // The extra pod is not running yet and the KafkaTopic's Ready condition is for the previous generation:
    // neither instance is Ready until the new state is.
    expect(await proveReadiness(app)).toEqual(['deployment']);
    expect(await proveReadiness(topic)).toEqual(['topic']);
  }, 5 * MINUTE);

  test('the API server refuses a change of every field an RGD declares immutable (the change guard refuses it at synth)', async () => {
    // The paths of the SimpleSchema markers with `immutable=true`, e.g. ['postgres', 'database'].
    const immutablePaths = (schema: Record<string, unknown>, prefix: string[] = []): string[][] =>
      Object.entries(schema).flatMap(([name, v]) => typeof v === 'string'
        ? (/ immutable=true /.test(v) ? [[...prefix, name]] : [])
        : immutablePaths(v as Record<string, unknown>, [...prefix, name]));
    const outcomes: string[] = [];
    for (const instance of first.instances) {
      const schema = (kindFor(instance).rgd.spec as { schema: { spec: Record<string, unknown> } }).schema.spec;
      for (const path of immutablePaths(schema)) {
        const live = (await liveInstance(instance))!;
        const current = path.reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], live.spec);
        const changed = typeof current === 'number' ? current + 1 : `${String(current)}x`;
        const patch = path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), changed);
        const field = `${instance.kind} spec.${path.join('.')} ${JSON.stringify(current)} → ${JSON.stringify(changed)}`;
        try {
          await client.mergePatch(instance.apiVersion, instance.kind, instance.metadata.name!, instance.metadata.namespace, { spec: patch });
          outcomes.push(`${field}: accepted`);
        } catch (e) {
          outcomes.push(`${field}: ${e instanceof KubeApiError ? `${e.code} ${e.reason}: ${e.serverMessage}` : String(e)}`);
        }
      }
    }
    // KRO turns `immutable=true` into a `self == oldSelf` rule with this message (the same the offline validator
    // models in tools/validate/src/simple-schema.ts).
    expect(outcomes).toEqual([
      'Infrastructure spec.postgres.database "orders" → "ordersx": 422 Invalid: Infrastructure.platform.mini-atlas.io "team-a-db" is invalid: spec.postgres.database: Invalid value: "ordersx": field is immutable',
      'Infrastructure spec.postgres.owner "orders_app" → "orders_appx": 422 Invalid: Infrastructure.platform.mini-atlas.io "team-a-db" is invalid: spec.postgres.owner: Invalid value: "orders_appx": field is immutable',
      'Topic spec.replicas 1 → 2: 422 Invalid: Topic.platform.mini-atlas.io "team-a-orders" is invalid: spec.replicas: Invalid value: 2: field is immutable',
    ]);
  });

  test('the API server counts a workspace\'s Topics against quota.topics: the Topic beyond it is refused (issue 16)', async () => {
    const ws = second!;
    const ns = namespaceOfWorkspace(ws);
    const workspace = ws.instances.find((o) => !kindFor(o).namespaced)!;
    const topics = instancesOf(ws, 'Topic');
    const resource = 'count/topics.platform.mini-atlas.io';
    const limitTo = async (n: number): Promise<void> => {
      await client.mergePatch(workspace.apiVersion, workspace.kind, workspace.metadata.name!, undefined, { spec: { quota: { topics: n } } });
      // KRO updates the ResourceQuota; kube-controller-manager's resourcequota controller counts the Topics.
      await waitFor(`ResourceQuota ${ns}/workspace-quota at ${resource}=${n}, used ${topics.length}`, async () => {
        const st = (await client.get('v1', 'ResourceQuota', 'workspace-quota', ns))?.status as { hard?: Record<string, string>; used?: Record<string, string> } | undefined;
        return st?.hard?.[resource] === String(n) && st.used?.[resource] === String(topics.length) ? true : undefined;
      }, { timeoutMs: 2 * MINUTE });
    };
    await limitTo(topics.length);
    const extra: KubeObject = { apiVersion: topics[0]!.apiVersion, kind: 'Topic', metadata: { name: `${ws.name}-extra`, namespace: ns }, spec: {} };
    const refused: unknown = await client.apply(extra).then(() => undefined, (e: unknown) => e);
    expect(refused).toBeInstanceOf(KubeApiError);
    expect((refused as KubeApiError).serverMessage).toBe(`topics.platform.mini-atlas.io "${ws.name}-extra" is forbidden: exceeded quota: workspace-quota, ` +
      `requested: ${resource}=1, used: ${resource}=${topics.length}, limited: ${resource}=${topics.length}`);
    expect(await client.get(extra.apiVersion, extra.kind, extra.metadata.name!, ns)).toBeUndefined();
    // The default again: the next Topic fits, is admitted and counted; then it goes.
    await limitTo(10);
    const stored = await client.apply(extra);
    expect(stored.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    const used = await waitFor(`ResourceQuota ${ns}/workspace-quota counting ${topics.length + 1} Topics`, async () => {
      const u = ((await client.get('v1', 'ResourceQuota', 'workspace-quota', ns))?.status as { used?: Record<string, string> } | undefined)?.used?.[resource];
      return u === String(topics.length + 1) ? u : undefined;
    }, { timeoutMs: MINUTE });
    expect(used).toBe(String(topics.length + 1));
    await client.delete(extra.apiVersion, extra.kind, extra.metadata.name!, ns);
    await waitFor(`Topic ${ns}/${extra.metadata.name} gone`, async () =>
      ((await client.get(extra.apiVersion, extra.kind, extra.metadata.name!, ns)) ? undefined : true), { timeoutMs: 2 * MINUTE });
  }, 6 * MINUTE);

  test('stateful-deletion on the live cluster: the owner decides, looked up in the API server; a namespace waits for its owners', async () => {
    // The Kyverno CLI evaluates the policy of dist/ as a DELETE of the live objects KRO created, and answers its
    // owner and namespace lookups from this API server (`kyverno apply --cluster`): no copy of the cluster state.
    const ws = second!;
    const ns = namespaceOfWorkspace(ws);
    const infra = instancesOf(ws, 'Infrastructure')[0]!;
    const topic = instancesOf(ws, 'Topic')[0]!;
    const database = [...(await waitForChildren(infra)).children.values()].find((c) => c.kind === 'Cluster')!;
    const kafkaTopic = [...(await waitForChildren(topic)).children.values()].find((c) => c.kind === 'KafkaTopic')!;
    const policy = dist.all.find((o) => o.object.kind === 'ValidatingPolicy' && o.object.metadata.name === 'stateful-deletion')!.file;
    const allow = 'platform.mini-atlas.io/allow-delete';
    const ref = (o: KubeObject): string => `${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
    const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } };
    const workspace = ws.instances.find((o) => !kindFor(o).namespaced)!;
    const watched = [database, kafkaTopic, infra, topic, namespace, workspace];
    const verdicts = (): (DeleteVerdict | undefined)[] => {
      const v = runKyvernoDeleteOnCluster(policy, plane!.kubeconfig, plane!.dir);
      return watched.map((o) => v.get(`${o.kind} ${ref(o)}`));
    };
    const annotate = (o: KubeObject): Promise<unknown> =>
      client.mergePatch(o.apiVersion, o.kind, o.metadata.name!, o.metadata.namespace, { metadata: { annotations: { [allow]: 'true' } } });
    const databaseKept = { result: 'fail', message: `Cluster ${ref(database)} holds a PostgreSQL database and belongs to Infrastructure ${ref(infra)}: annotate that Infrastructure ${allow}=true to delete it` };
    const topicKept = { result: 'fail', message: `KafkaTopic ${ref(kafkaTopic)} holds a topic and every message in it and belongs to Topic ${ref(topic)}: annotate that Topic ${allow}=true to delete it` };
    const topicOwnerKept = { result: 'fail', message: `Topic ${ref(topic)} holds its topic and every message in it: annotate it ${allow}=true to delete it` };
    const pass = { result: 'pass' };

    // dist/ never carries the annotation: every owner is protected, so nothing of the workspace's data may go.
    expect(verdicts()).toEqual([databaseKept, topicKept,
      { result: 'fail', message: `Infrastructure ${ref(infra)} holds its PostgreSQL database: annotate it ${allow}=true to delete it` },
      topicOwnerKept,
      { result: 'fail', message: `Namespace ${ns} holds data whose owner does not allow deleting it: Infrastructure ${ref(infra)}, Topic ${ref(topic)}, Cluster ${ref(database)}; annotate each owner ${allow}=true first` },
      { result: 'fail', message: `Workspace ${ref(workspace)} holds its namespace and everything in it: annotate it ${allow}=true to delete it` },
    ]);
    // An annotation on the child itself does not count while its owner is protected; the Workspace's own does
    // not release the data in its namespace either (KRO labels the namespace with the Workspace's UID).
    await annotate(database);
    await annotate(workspace);
    const v = verdicts();
    expect([v[0], v[5]]).toEqual([databaseKept,
      { result: 'fail', message: `Workspace ${ref(workspace)} owns a namespace holding data whose owner does not allow deleting it: Infrastructure ${ref(infra)}, Topic ${ref(topic)}, Cluster ${ref(database)}; annotate each owner ${allow}=true first` },
    ]);
    // The Infrastructure allows it: its database may go; the namespace still holds the protected Topic.
    await annotate(infra);
    expect(verdicts()).toEqual([pass, topicKept, pass, topicOwnerKept,
      { result: 'fail', message: `Namespace ${ns} holds data whose owner does not allow deleting it: Topic ${ref(topic)}; annotate each owner ${allow}=true first` },
      { result: 'fail', message: `Workspace ${ref(workspace)} owns a namespace holding data whose owner does not allow deleting it: Topic ${ref(topic)}; annotate each owner ${allow}=true first` },
    ]);
    // Both owners allow it: the KafkaTopic in the shared Kafka namespace, the workspace namespace and the Workspace
    // may go (the next test deletes them: KRO and the namespace controller finish).
    await annotate(topic);
    expect(verdicts()).toEqual([pass, pass, pass, pass, pass, pass]);
    progress(`stateful-deletion on the live cluster: ${ref(database)}, ${ref(kafkaTopic)} and namespace ${ns} kept until their owners allowed it`);
    // Each `kyverno apply --cluster` lists every guarded kind in the cluster (about 20 s on two busy cores).
  }, 6 * MINUTE);

  test('deleting instances removes their children; the workspace namespace goes last', async () => {
    const ws = second!;
    const namespaced = ws.instances.filter((o) => kindFor(o).namespaced);
    const workspace = ws.instances.find((o) => !kindFor(o).namespaced)!;
    for (const instance of [...namespaced, workspace]) {
      // Every child its RGD includes is there to be removed.
      const { children: singles, excluded } = await waitForChildren(instance);
      expect([...singles.keys()]).toEqual(kindFor(instance).resources.filter((r) => r.template && !r.forEach && !excluded.includes(r.id)).map((r) => r.id));
      // And the members of its collections (forEach), zero or more each.
      const members = await Promise.all(kindFor(instance).resources.filter((r) => r.template && r.forEach).map((r) => collectionOf(instance, r.id)));
      const children = [...singles.values(), ...members.flat()];
      // The stateful-deletion policy (Kyverno, proven by `kyverno test`) asks for this annotation; set it as an
      // operator would, so the test follows the designed path.
      await client.mergePatch(instance.apiVersion, instance.kind, instance.metadata.name!, instance.metadata.namespace,
        { metadata: { annotations: { 'platform.mini-atlas.io/allow-delete': 'true' } } });
      expect(await client.delete(instance.apiVersion, instance.kind, instance.metadata.name!, instance.metadata.namespace)).toBe(true);
      await waitFor(`${describeObject(instance)} and its children to be gone`, async () => {
        const left = [];
        for (const c of children) if (await client.get(c.apiVersion, c.kind, c.metadata.name!, c.metadata.namespace)) left.push(describeObject(c));
        const self = await liveInstance(instance);
        return left.length === 0 && !self ? true : undefined;
      }, {
        timeoutMs: 3 * MINUTE,
        describe: async () => `${await describeInstance(instance)}\nleft: ${(await Promise.all(children.map(async (c) => (await client.get(c.apiVersion, c.kind, c.metadata.name!, c.metadata.namespace)) ? describeObject(c) : ''))).filter(Boolean).join(', ')}`,
      });
      progress(`deleted ${describeObject(instance)}: ${children.map(describeObject).join(', ')} removed`);
    }
    expect(await client.get('v1', 'Namespace', namespaceOfWorkspace(ws))).toBeUndefined();
  }, 8 * MINUTE);

  test('KRO never lacked a permission (the aggregated ClusterRoles in dist/ cover every child kind)', () => {
    const forbidden = (kro?.logEntries() ?? []).filter((e) => /forbidden/i.test(`${e.msg} ${e.error ?? ''}`))
      .map((e) => e.error ?? e.msg);
    expect([...new Set(forbidden)]).toEqual([]);
  });

  test('the API server accepted everything without an unknown-field warning', () => {
    const unknown = client.warnings.filter((w) => /unknown field|duplicate field/i.test(w.warning));
    expect(unknown).toEqual([]);
  });
});
