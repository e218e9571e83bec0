/**
 * Workspace isolation under the real Cilium agent: the e2e node, whose CNI is Cilium 1.20 (agent, operator and CNI
 * plugin built from the pinned module, the chart rendered by Helm from the
 * platform's HelmRelease values with the deviations of `tools/node/src/cilium.ts`, kube-proxy replacement, no
 * kube-proxy), KRO and the platform's Workspace RGD from dist/. Two workspaces the suite creates (dist/'s first
 * Workspace under other names, without Topic) hold a server pod with a Service each; client pods send real
 * traffic. Part of `npm run test:e2e`; every e2e file runs on this node configuration.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CILIUM_IMAGES } from '../../tools/node/src/cilium';
import { NODE } from '../../tools/node/src/host';
import { IMAGES } from '../../tools/node/src/images';
import { E2eNode } from '../../tools/node/src/node';
import { KubeClient, waitFor } from '../../tools/control-plane/src/kube-client';
import { Dist, kafkaNamespace } from '../cluster/support/dist';
import { E2ePlatform, startPlatform, workspaceInstance } from './support/platform';
import { ClientRun, restrictedPod, runClientPod } from './support/pods';

const MINUTE = 60_000;
jest.setTimeout(5 * MINUTE);

function progress(message: string): void {
  process.stderr.write(`[e2e:cilium] ${message}\n`);
}

const A = 'e2e-iso-a';
const B = 'e2e-iso-b';

let platform: E2ePlatform | undefined;
let node: E2eNode;
let client: KubeClient;
let dist: Dist;
let kafka: string;
const serverIp: Record<string, string> = {};

/** The test app serving HTTP on 8080 in `namespace`, and a Service `server` in front of it. */
async function server(namespace: string): Promise<string> {
  const pod = restrictedPod(namespace, 'server', IMAGES.app, []);
  await client.apply({ ...pod, metadata: { ...pod.metadata, labels: { ...pod.metadata.labels, role: 'server' } } });
  await client.apply({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'server', namespace },
    spec: { selector: { role: 'server' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
  });
  return readyPodIp(namespace, 'server');
}

/** The IP of pod `namespace/name` once it is Ready. */
async function readyPodIp(namespace: string, name: string): Promise<string> {
  return waitFor(`pod ${namespace}/${name} Ready with an IP`, async () => {
    const st = (await client.get('v1', 'Pod', name, namespace))?.status as { podIP?: string; conditions?: { type: string; status: string }[] } | undefined;
    return st?.podIP && st.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? st.podIP : undefined;
  }, { timeoutMs: 2 * MINUTE });
}

/** A CiliumNetworkPolicy's spec in the Workspace RGD of dist/foundation (as the platform ships it). */
type PolicyRule = { toEndpoints?: { matchLabels?: Record<string, string> }[]; toEntities?: string[]; toPorts?: { ports: { port: string }[] }[] };
function workspacePolicy(name: string): { egress: PolicyRule[] } {
  const rgd = dist.stages.find((st) => st.name === 'foundation')?.objects.map((o) => o.object)
    .find((o) => o.kind === 'ResourceGraphDefinition' && (o.spec as { schema: { kind: string } }).schema.kind === 'Workspace');
  const resources = (rgd?.spec as { resources: { template: { kind: string; metadata: { name: string }; spec: { egress: PolicyRule[] } } }[] } | undefined)?.resources ?? [];
  const policy = resources.map((r) => r.template).find((t) => t.kind === 'CiliumNetworkPolicy' && t.metadata.name === name);
  if (!policy) throw new Error(`no CiliumNetworkPolicy ${name} in dist/'s Workspace RGD`);
  return policy.spec;
}

/** The ports of the egress rules of `policy` that `select` picks. */
function egressPorts(policy: string, select: (rule: PolicyRule) => boolean): string[] {
  return workspacePolicy(policy).egress.filter(select).flatMap((r) => (r.toPorts ?? []).flatMap((tp) => tp.ports.map((pt) => pt.port)));
}

let clients = 0;
/** A one-shot client pod of the test app in `namespace`; its phase and what it printed. */
async function run(namespace: string, args: readonly string[], labels: Readonly<Record<string, string>> = {}): Promise<ClientRun> {
  return runClientPod(client, node, namespace, `client-${++clients}`, IMAGES.app, args, labels);
}

beforeAll(async () => {
  const started = Date.now();
  platform = await startPlatform({ workspace: A, kinds: ['Workspace'], log: progress });
  ({ node, client, dist } = platform);
  kafka = kafkaNamespace(dist).metadata.name!;
  await client.apply(workspaceInstance(dist, B));
  for (const ws of [A, B]) {
    await waitFor(`CiliumNetworkPolicy ${ws}/workspace-isolation and the default ServiceAccount`, async () =>
      ((await client.get('cilium.io/v2', 'CiliumNetworkPolicy', 'workspace-isolation', ws)) && (await client.get('v1', 'ServiceAccount', 'default', ws)) ? true : undefined),
    { timeoutMs: 2 * MINUTE });
  }
  // "Brokers" of the shared Kafka: a plain listener pod with the broker labels (no Kafka runs here), on the
  // policy's Kafka port (9093, the SCRAM listener), on 9092 (the bus's other listener) and on 8080.
  const listener = restrictedPod(kafka, 'broker-listener', IMAGES.app, []);
  const main = (listener.spec as { containers: Record<string, unknown>[] }).containers[0]!;
  await client.apply({
    ...listener,
    metadata: { ...listener.metadata, labels: { ...listener.metadata.labels, 'strimzi.io/cluster': 'shared', 'strimzi.io/broker-role': 'true' } },
    spec: {
      ...(listener.spec as object),
      containers: [
        { ...main, name: 'kafka-scram', env: [{ name: 'PORT', value: '9093' }] },
        { ...main, name: 'kafka-plain', env: [{ name: 'PORT', value: '9092' }] },
        { ...main, name: 'other-port', env: [{ name: 'PORT', value: '8080' }] },
      ],
    },
  });
  serverIp[A] = await server(A);
  serverIp[B] = await server(B);
  serverIp.kafka = await readyPodIp(kafka, 'broker-listener');
  progress(`node with Cilium, KRO, workspaces ${A} and ${B} up in ${Date.now() - started} ms`);
}, 15 * MINUTE);

afterAll(async () => {
  await platform?.stop();
}, 3 * MINUTE);

test('Cilium is the node\'s CNI: its agent and operator pods are Ready, pods get addresses from the node\'s podCIDR and no kube-proxy runs', async () => {
  const images = async (selector: string): Promise<string[]> => (await client.list('v1', 'Pod', 'kube-system', selector))
    .filter((p) => (p.status as { conditions?: { type: string; status: string }[] }).conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((p) => (p.spec as { containers: { image: string }[] }).containers[0]!.image);
  expect(await images('k8s-app=cilium')).toStrictEqual([CILIUM_IMAGES.agent]);
  expect(await images('io.cilium/app=operator')).toStrictEqual([CILIUM_IMAGES.operator]);
  // The operator registered Cilium's CRDs (the node applies none).
  const crd = await client.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'ciliumnetworkpolicies.cilium.io');
  expect((crd?.metadata as { managedFields?: { manager: string }[] }).managedFields?.map((f) => f.manager)).not.toContain('mini-atlas-e2e-node');
  expect(readdirSync(join(NODE.dir, 'cni', 'net.d'))).toStrictEqual(['05-cilium.conflist']);
  expect(serverIp[A]).toMatch(/^10\.244\.1\.\d+$/);
  expect(execFileSync('ps', ['-eo', 'comm'], { encoding: 'utf8' }).split('\n').map((l) => l.trim())).not.toContain('kube-proxy');
  expect(execFileSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' })).not.toContain('KUBE-SERVICES');
});

test('inside a workspace: a pod reaches another pod of it by IP', async () => {
  expect(await run(A, ['get', `http://${serverIp[A]}:8080/readyz`])).toStrictEqual({ phase: 'Succeeded', output: '200 ok' });
});

test('inside a workspace: a pod reaches the workspace\'s Service by name (kube-proxy replacement and DNS through the agent\'s DNS proxy)', async () => {
  expect(await run(A, ['get', `http://server.${A}.svc.cluster.local/readyz`])).toStrictEqual({ phase: 'Succeeded', output: '200 ok' });
});

/**
 * Packets the agent counted as dropped for reason 133 "Policy denied" (pkg/monitor/api/drop.go), in `direction` or
 * both, from `cilium-dbg bpf metrics list -o json` run in the agent's container (through containerd, as `kubectl
 * exec` would). A cross-workspace connection is denied at the client's egress already (its workspace's policy
 * allows egress to its own namespace, DNS and the brokers only), so run 3, which counted ingress only, saw 0 before
 * and after.
 */
async function policyDenied(direction?: 'ingress'): Promise<number> {
  const rows = JSON.parse(await node.ciliumDbg('bpf', 'metrics', 'list', '-o', 'json')) as { reason: string; direction: string; packets: number }[];
  return rows.filter((r) => r.reason === 'Policy denied' && (direction === undefined || r.direction === direction)).reduce((n, r) => n + r.packets, 0);
}

test('from another workspace: a connection to a pod is dropped — by Cilium\'s policy (its "Policy denied" drop counter rises)', async () => {
  const before = await policyDenied();
  expect(await run(B, ['dial', `${serverIp[A]}:8080`])).toStrictEqual({ phase: 'Failed', output: `error dial tcp ${serverIp[A]}:8080: i/o timeout` });
  expect(await policyDenied()).toBeGreaterThan(before);
});

test('from another workspace, the other direction: a connection to a pod is dropped', async () => {
  expect(await run(A, ['dial', `${serverIp[B]}:8080`])).toStrictEqual({ phase: 'Failed', output: `error dial tcp ${serverIp[B]}:8080: i/o timeout` });
});

test('from another workspace: a connection to the workspace\'s Service is dropped, in both directions', async () => {
  for (const [from, to] of [[B, A], [A, B]] as const) {
    const svc = await client.get('v1', 'Service', 'server', to);
    const ip = (svc?.spec as { clusterIP: string }).clusterIP;
    expect(await run(from, ['dial', `${ip}:80`])).toStrictEqual({ phase: 'Failed', output: `error dial tcp ${ip}:80: i/o timeout` });
  }
});

test('ingress default deny: a pod outside any workspace (no policy limits its egress) cannot reach a workspace pod, dropped at the workspace\'s ingress', async () => {
  const before = await policyDenied('ingress');
  expect(await run('default', ['dial', `${serverIp[A]}:8080`])).toStrictEqual({ phase: 'Failed', output: `error dial tcp ${serverIp[A]}:8080: i/o timeout` });
  expect(await policyDenied('ingress')).toBeGreaterThan(before);
});

test('DNS from a workspace: cluster names resolve through the policy\'s DNS rule', async () => {
  expect(await run(A, ['lookup', 'kubernetes.default.svc.cluster.local'])).toStrictEqual({ phase: 'Succeeded', output: '10.96.0.1' });
});

test('the shipped policies name the Kafka port 9093 and the API server port 6443, and the node\'s API server serves on 6443', () => {
  expect(egressPorts('workspace-isolation', (r) => r.toEndpoints?.[0]?.matchLabels?.['k8s:io.kubernetes.pod.namespace'] === kafka)).toStrictEqual(['9093']);
  expect(egressPorts('postgres-api-server', (r) => r.toEntities?.includes('kube-apiserver') === true)).toStrictEqual(['6443']);
  expect(new URL(node.plane.server).port).toBe('6443');
});

test('a workspace pod cannot reach the API server (only database pods may, on its port)', async () => {
  expect(await run(A, ['dial', '10.96.0.1:443'])).toStrictEqual({ phase: 'Failed', output: 'error dial tcp 10.96.0.1:443: i/o timeout' });
});

test('a database pod of a workspace (label cnpg.io/cluster) reaches the API server through the kubernetes Service', async () => {
  expect(await run(A, ['dial', '10.96.0.1:443'], { 'cnpg.io/cluster': 'orders' })).toStrictEqual({ phase: 'Succeeded', output: 'connected' });
});

test('a workspace reaches the shared Kafka\'s brokers on the Kafka port', async () => {
  expect(await run(A, ['dial', `${serverIp.kafka}:9093`])).toStrictEqual({ phase: 'Succeeded', output: 'connected' });
});

test('a workspace cannot reach the brokers\' pods on any other port: not the plain listener 9092, not 8080', async () => {
  expect(await run(A, ['dial', `${serverIp.kafka}:9092`])).toStrictEqual({ phase: 'Failed', output: `error dial tcp ${serverIp.kafka}:9092: i/o timeout` });
  expect(await run(A, ['dial', `${serverIp.kafka}:8080`])).toStrictEqual({ phase: 'Failed', output: `error dial tcp ${serverIp.kafka}:8080: i/o timeout` });
});
