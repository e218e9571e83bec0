/**
 * Readiness on the control plane. KRO's verdict on a child is the RGD's own `readyWhen` (from `dist/`),
 * evaluated on the live child as KRO evaluates it. The control plane has no node and no operator, so nothing
 * would ever make a child ready: stand-ins play the absent actors, each writing only the status that actor
 * writes, through the status subresource —
 * - the kubelet: a Deployment's pods become Running and Ready; kube-controller-manager's ReplicaSet and
 *   Deployment controllers then count them available themselves;
 * - CloudNativePG: a Cluster reaches the phase "Cluster in healthy state" with its Ready condition True and
 *   every instance ready (pkg/resources/status/phase.go, `RegisterPhase`);
 * - Strimzi's Topic Operator: a KafkaTopic is reconciled for its current generation with Ready True.
 * Each stand-in also says, by looking at the live child, whether its actor's work is done: the suite's own
 * account of readiness, independent of the RGDs, against which KRO's verdict is checked.
 * A Workspace's KafkaUser has no stand-in: the Workspace does not wait for it (its declared readiness exception).
 * Some children wait for a controller that does run here ({@link controllerDone}): a ResourceQuota is ready once
 * kube-controller-manager's resourcequota controller has computed the usage of each limited resource; nothing
 * stands in for it, the suite only waits and measures.
 */
import { apiGroupOf } from '../../../lib/shared/api';
import { evaluateReadyWhen, Readiness } from '../../helpers/kro-readiness';
import { KubeClient, KubeObject, waitFor } from '../../../tools/control-plane/src/kube-client';
import type { RgdResource } from './rgd-template';

/** KRO's verdict on a live child, by the readyWhen of its RGD resource. */
export function childReadiness(resource: RgdResource, child: KubeObject): Readiness {
  return evaluateReadyWhen(resource.readyWhen ?? [], resource.id, child);
}

/** The instance's readiness as KRO reports it: `status.state` and the Ready condition. */
export interface InstanceReadiness {
  readonly state?: string;
  readonly ready?: string;
  readonly reason?: string;
  readonly message?: string;
}

/** Reads {@link InstanceReadiness} from a live instance. */
export function instanceReadiness(instance: KubeObject | undefined): InstanceReadiness {
  const conditions = (instance?.status?.conditions ?? []) as { type: string; status: string; reason?: string; message?: string }[];
  const ready = conditions.find((c) => c.type === 'Ready');
  return { state: instance?.status?.state as string | undefined, ready: ready?.status, reason: ready?.reason, message: ready?.message };
}

/** RFC 3339 without fractions, as controllers write condition times. */
const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** An absent actor: whether its work on a child is done, and doing it. */
interface StandIn {
  /** The child is ready by what this actor writes. */
  readonly done: (child: KubeObject) => boolean;
  /** Writes what the actor writes; returns what it did. */
  readonly act: (client: KubeClient, child: KubeObject) => Promise<string>;
}

type Status = { observedGeneration?: number; applied?: boolean; availableReplicas?: number; readyInstances?: number; conditions?: { type: string; status: string }[] };
const statusOf = (o: KubeObject): Status => (o.status ?? {}) as Status;
const conditionTrue = (o: KubeObject, type: string): boolean => (statusOf(o).conditions ?? []).some((c) => c.type === type && c.status === 'True');
const currentGeneration = (o: KubeObject): boolean => (statusOf(o).observedGeneration ?? 0) >= (o.metadata.generation ?? 1);

/** The kubelet: every current pod of the Deployment runs and passes its readiness probe. */
const runPods = async (client: KubeClient, deployment: KubeObject): Promise<string> => {
  const spec = deployment.spec as { replicas?: number; selector: { matchLabels: Record<string, string> } };
  const replicas = spec.replicas ?? 1;
  const ns = deployment.metadata.namespace;
  const selector = Object.entries(spec.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = await waitFor(`${replicas} pods of Deployment ${ns}/${deployment.metadata.name} (ReplicaSet controller)`, async () => {
    const live = (await client.list('v1', 'Pod', ns, selector)).filter((p) => !p.metadata.deletionTimestamp);
    return live.length >= replicas ? live : undefined;
  }, { timeoutMs: 60_000 });
  let started = 0;
  for (const pod of pods) {
    const ready = ((pod.status?.conditions ?? []) as { type: string; status: string }[]).some((c) => c.type === 'Ready' && c.status === 'True');
    if (ready) continue;
    const at = now();
    await client.mergePatch('v1', 'Pod', pod.metadata.name!, ns, {
      status: {
        phase: 'Running',
        startTime: at,
        conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True', lastTransitionTime: at })),
      },
    }, 'status');
    started++;
  }
  return `kubelet stand-in: ${started} pod(s) of Deployment ${ns}/${deployment.metadata.name} Running and Ready`;
};

/** CloudNativePG: the cluster is healthy with all its instances ready. */
const reportClusterHealthy = async (client: KubeClient, cluster: KubeObject): Promise<string> => {
  const instances = (cluster.spec as { instances: number }).instances;
  await client.mergePatch(cluster.apiVersion, cluster.kind, cluster.metadata.name!, cluster.metadata.namespace, {
    status: {
      phase: 'Cluster in healthy state',
      instances,
      readyInstances: instances,
      conditions: [{ type: 'Ready', status: 'True', reason: 'ClusterIsReady', message: 'Cluster is Ready', lastTransitionTime: now() }],
    },
  }, 'status');
  return `CloudNativePG stand-in: Cluster ${cluster.metadata.namespace}/${cluster.metadata.name} healthy, ${instances}/${instances} instances ready`;
};

/** Strimzi's Topic Operator: the topic is reconciled for the current generation and Ready. */
const reportTopicReady = async (client: KubeClient, topic: KubeObject): Promise<string> => {
  await client.mergePatch(topic.apiVersion, topic.kind, topic.metadata.name!, topic.metadata.namespace, {
    status: {
      observedGeneration: topic.metadata.generation,
      topicName: (topic.spec as { topicName?: string }).topicName,
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now() }],
    },
  }, 'status');
  return `Strimzi stand-in: KafkaTopic ${topic.metadata.namespace}/${topic.metadata.name} Ready for generation ${topic.metadata.generation}`;
};

/** CloudNativePG's instance manager: the database (and its extensions) reconciled for the current generation. */
const reportDatabaseApplied = async (client: KubeClient, database: KubeObject): Promise<string> => {
  await client.mergePatch(database.apiVersion, database.kind, database.metadata.name!, database.metadata.namespace, {
    status: { observedGeneration: database.metadata.generation, applied: true },
  }, 'status');
  return `CloudNativePG stand-in: Database ${database.metadata.namespace}/${database.metadata.name} applied for generation ${database.metadata.generation}`;
};

const STAND_INS: ReadonlyMap<string, StandIn> = new Map<string, StandIn>([
  ['apps/Deployment', {
    // Available replicas reach the Deployment's own spec.replicas, for its current generation.
    done: (d) => currentGeneration(d) && (statusOf(d).availableReplicas ?? 0) >= ((d.spec as { replicas?: number }).replicas ?? 1),
    act: runPods,
  }],
  ['postgresql.cnpg.io/Cluster', {
    done: (c) => conditionTrue(c, 'Ready') && statusOf(c).readyInstances === (c.spec as { instances: number }).instances,
    act: reportClusterHealthy,
  }],
  ['postgresql.cnpg.io/Database', {
    done: (d) => currentGeneration(d) && statusOf(d).applied === true,
    act: reportDatabaseApplied,
  }],
  ['kafka.strimzi.io/KafkaTopic', {
    done: (t) => currentGeneration(t) && conditionTrue(t, 'Ready'),
    act: reportTopicReady,
  }],
]);

const standInFor = (child: KubeObject): StandIn | undefined => STAND_INS.get(`${apiGroupOf(child.apiVersion)}/${child.kind}`);

/**
 * Whether the actor a child needs has made it ready (false: not yet); undefined for a child no absent actor
 * has to act on (a Namespace, a Service…).
 */
export function actorDone(child: KubeObject): boolean | undefined {
  return standInFor(child)?.done(child);
}

/** Plays the actor that makes `child` ready; returns what it did. Throws for a kind no stand-in serves. */
export async function makeReady(client: KubeClient, child: KubeObject): Promise<string> {
  const standIn = standInFor(child);
  if (!standIn) throw new Error(`nothing on this control plane makes ${child.apiVersion} ${child.kind} ready: add a stand-in to test/cluster/support/readiness.ts`);
  return standIn.act(client, child);
}

/** The suite's own account of a ResourceQuota's readiness: every limited resource has a usage in its status. */
const quotaCounted = (q: KubeObject): boolean => {
  const hard = Object.keys((q.spec as { hard?: Record<string, string> } | undefined)?.hard ?? {});
  const used = (q.status as { used?: Record<string, string> } | undefined)?.used ?? {};
  return hard.every((k) => k in used);
};

/** Children made ready by a controller that runs on this control plane: whether it has, by kind. */
const CONTROLLER_DONE: ReadonlyMap<string, (child: KubeObject) => boolean> = new Map([['/ResourceQuota', quotaCounted]]);

/**
 * Whether the running controller a child needs has made it ready (false: not yet); undefined when no controller
 * of this control plane acts on it.
 */
export function controllerDone(child: KubeObject): boolean | undefined {
  return CONTROLLER_DONE.get(`${apiGroupOf(child.apiVersion)}/${child.kind}`)?.(child);
}

/**
 * Waits until the running controller has made `child` ready (no stand-in acts); returns how long that took
 * since the child was created, as the controller's work is measured, not played.
 */
export async function waitForController(client: KubeClient, child: KubeObject, timeoutMs: number): Promise<string> {
  const done = CONTROLLER_DONE.get(`${apiGroupOf(child.apiVersion)}/${child.kind}`);
  if (!done) throw new Error(`no controller of this control plane makes ${child.apiVersion} ${child.kind} ready`);
  const { namespace, name } = child.metadata;
  const live = await waitFor(`kube-controller-manager to compute ${child.kind} ${namespace}/${name}`, async () => {
    const o = await client.get(child.apiVersion, child.kind, name!, namespace);
    return o && done(o) ? o : undefined;
  }, { timeoutMs, intervalMs: 500 });
  const seconds = (Date.now() - Date.parse(String(live.metadata.creationTimestamp))) / 1000;
  return `kube-controller-manager: ${child.kind} ${namespace}/${name} computed ${seconds.toFixed(1)} s after its creation`;
}
