/**
 * Workspace isolation under the real Cilium agent: the e2e node with Cilium 1.20 as its CNI (`E2eNode.start({ cni:
 * 'cilium' })`: agent, operator and CNI plugin built from the pinned module, the chart rendered by Helm from the
 * platform's HelmRelease values with the deviations of `tools/node/src/cilium.ts`, kube-proxy replacement, no
 * kube-proxy), KRO and the platform's Workspace RGD from dist/. Two workspaces the suite creates (dist/'s first
 * Workspace under other names, without Topic) hold a server pod with a Service each; client pods send real
 * traffic. Run with `npm run test:e2e:cilium` (builds the Cilium tools first; not part of `npm run test:e2e`).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KroController } from '../../tools/control-plane/src/kro-controller';
import { CILIUM_IMAGES, CILIUM_NODE } from '../../tools/node/src/cilium';
import { NODE } from '../../tools/node/src/host';
import { IMAGES } from '../../tools/node/src/images';
import { E2eNode } from '../../tools/node/src/node';
import { installCrds, platformCrds } from '../cluster/support/crds';
import { Dist, readDist } from '../cluster/support/dist';
import { fluxApplyStaged } from '../cluster/support/flux-apply';
import { KubeClient, KubeObject, waitFor } from '../cluster/support/kube-client';
import { deliveryWorkspaces, deriveWorkspace, generatedKinds } from '../cluster/support/platform-model';
import { startKro } from './support/platform-operators';
import { restrictedPod } from './support/pods';

const MINUTE = 60_000;
jest.setTimeout(5 * MINUTE);

function progress(message: string): void {
  process.stderr.write(`[e2e:cilium] ${message}\n`);
}

const dist: Dist = readDist();
const A = 'e2e-iso-a';
const B = 'e2e-iso-b';
const KAFKA = 'kafka';

let node: E2eNode | undefined;
let client: KubeClient;
let kro: KroController | undefined;
const serverIp: Record<string, string> = {};

function workspace(name: string): KubeObject {
  const kinds = generatedKinds(dist);
  const first = deliveryWorkspaces(dist, kinds)[0];
  if (!first) throw new Error('dist/ has no Workspace instance');
  return deriveWorkspace(first, name).instances[0]!;
}

/** The test app serving HTTP on 8080 in `namespace`, and a Service `server` in front of it. */
async function server(namespace: string): Promise<string> {
  const pod = restrictedPod(namespace, 'server', IMAGES.app, []);
  await client.apply({ ...pod, metadata: { ...pod.metadata, labels: { ...pod.metadata.labels, role: 'server' } } });
  await client.apply({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'server', namespace },
    spec: { selector: { role: 'server' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
  });
  return waitFor(`pod ${namespace}/server Ready with an IP`, async () => {
    const p = await client.get('v1', 'Pod', 'server', namespace);
    const st = p?.status as { podIP?: string; conditions?: { type: string; status: string }[] } | undefined;
    return st?.podIP && st.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? st.podIP : undefined;
  }, { timeoutMs: 2 * MINUTE });
}

let clients = 0;
/** A one-shot client pod of the test app in `namespace`; its phase and what it printed. */
async function run(namespace: string, args: readonly string[]): Promise<{ phase: string; output: string }> {
  const name = `client-${++clients}`;
  await client.apply(restrictedPod(namespace, name, IMAGES.app, args));
  const phase = await waitFor(`pod ${namespace}/${name} to finish`, async () => {
    const p = await client.get('v1', 'Pod', name, namespace);
    const ph = (p?.status as { phase?: string } | undefined)?.phase;
    return ph === 'Succeeded' || ph === 'Failed' ? ph : undefined;
  }, { timeoutMs: 2 * MINUTE });
  return { phase, output: node!.podLog(namespace, name, 'main') };
}

beforeAll(async () => {
  const started = Date.now();
  node = await E2eNode.start({ log: progress, cni: 'cilium' });
  client = new KubeClient(node.plane.admin);
  await installCrds(client, platformCrds());
  kro = await startKro(node, client, dist, 'workspaces');
  const foundation = dist.stages.find((s) => s.name === 'foundation');
  if (!foundation) throw new Error('dist/ has no foundation Kustomization');
  const outcome = await fluxApplyStaged(client, foundation.objects);
  if (outcome.rejections.length > 0) throw new Error(`foundation rejected: ${JSON.stringify(outcome.rejections)}`);
  const rgd = foundation.objects.map((o) => o.object)
    .find((o) => o.kind === 'ResourceGraphDefinition' && (o.spec as { schema: { kind: string } }).schema.kind === 'Workspace');
  if (!rgd) throw new Error('no Workspace RGD in dist/foundation');
  await waitFor(`RGD ${rgd.metadata.name} Active`, async () => ((await client.get(rgd.apiVersion, rgd.kind, rgd.metadata.name!))?.status?.state === 'Active' ? true : undefined),
    { timeoutMs: 2 * MINUTE });
  await client.refreshDiscovery();
  for (const ws of [A, B]) {
    await client.apply(workspace(ws));
    await waitFor(`CiliumNetworkPolicy ${ws}/workspace-isolation and the default ServiceAccount`, async () =>
      ((await client.get('cilium.io/v2', 'CiliumNetworkPolicy', 'workspace-isolation', ws)) && (await client.get('v1', 'ServiceAccount', 'default', ws)) ? true : undefined),
    { timeoutMs: 2 * MINUTE });
  }
  // "Brokers" of the shared Kafka: a plain listener pod with the broker labels (no Kafka runs here), on 9092 and 8080.
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: KAFKA } });
  const listener = restrictedPod(KAFKA, 'broker-listener', IMAGES.app, []);
  const main = (listener.spec as { containers: Record<string, unknown>[] }).containers[0]!;
  await client.apply({
    ...listener,
    metadata: { ...listener.metadata, labels: { ...listener.metadata.labels, 'strimzi.io/cluster': 'shared', 'strimzi.io/broker-role': 'true' } },
    spec: {
      ...(listener.spec as object),
      containers: [
        { ...main, name: 'kafka-port', env: [{ name: 'PORT', value: '9092' }] },
        { ...main, name: 'other-port', env: [{ name: 'PORT', value: '8080' }] },
      ],
    },
  });
  serverIp[A] = await server(A);
  serverIp[B] = await server(B);
  serverIp[KAFKA] = await waitFor('the broker listener Ready', async () => {
    const st = (await client.get('v1', 'Pod', 'broker-listener', KAFKA))?.status as { podIP?: string; conditions?: { type: string; status: string }[] } | undefined;
    return st?.podIP && st.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? st.podIP : undefined;
  }, { timeoutMs: 2 * MINUTE });
  progress(`node with Cilium, KRO, workspaces ${A} and ${B} up in ${Date.now() - started} ms`);
}, 15 * MINUTE);

afterAll(async () => {
  await kro?.stop();
  await node?.stop();
}, 3 * MINUTE);

test('Cilium is the node\'s CNI: its agent pod is Ready, pods get addresses from the node\'s podCIDR and no kube-proxy runs', async () => {
  const agents = await client.list('v1', 'Pod', 'kube-system', 'k8s-app=cilium');
  expect(agents.map((p) => (p.spec as { containers: { image: string }[] }).containers[0]!.image)).toStrictEqual([CILIUM_IMAGES.agent]);
  expect(readdirSync(join(NODE.dir, 'cni', 'net.d'))).toStrictEqual(['05-cilium.conflist']);
  expect(serverIp[A]).toMatch(/^10\.244\.1\.\d+$/);
  expect(Object.keys(node!.pids)).not.toContain('kube-proxy');
  expect(execFileSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' })).not.toContain('KUBE-SERVICES');
  expect(CILIUM_NODE.podCidr).toBe('10.244.1.0/24');
});

test('inside a workspace: a pod reaches another pod of it by IP', async () => {
  expect(await run(A, ['get', `http://${serverIp[A]}:8080/readyz`])).toStrictEqual({ phase: 'Succeeded', output: '200 ok' });
});

test('inside a workspace: a pod reaches the workspace\'s Service by name (kube-proxy replacement and DNS through the agent\'s DNS proxy)', async () => {
  expect(await run(A, ['get', `http://server.${A}.svc.cluster.local/readyz`])).toStrictEqual({ phase: 'Succeeded', output: '200 ok' });
});

/**
 * Packets the agent counted as dropped for reason 133 "Policy denied" (pkg/monitor/api/drop.go), both directions,
 * from `cilium-dbg bpf metrics list -o json` run in the agent's container (through containerd, as `kubectl exec`
 * would). A cross-workspace connection is denied at the client's egress already (its workspace's policy allows
 * egress to its own namespace, DNS and the brokers only), so run 3, which counted ingress only, saw 0 before and after.
 */
async function policyDenied(): Promise<number> {
  const tasks = await node!.ctr('tasks', 'list');
  const containers = (await node!.ctr('containers', 'list')).split('\n').filter((l) => l.includes(CILIUM_IMAGES.agent)).map((l) => l.split(/\s+/)[0]!);
  const agent = tasks.split('\n').map((l) => l.split(/\s+/)).find((f) => containers.includes(f[0]!) && f[2] === 'RUNNING')?.[0];
  if (!agent) throw new Error(`no running container of ${CILIUM_IMAGES.agent}:\n${tasks}`);
  const out = await node!.ctr('tasks', 'exec', '--exec-id', `metrics-${Date.now()}`, agent, 'cilium-dbg', 'bpf', 'metrics', 'list', '-o', 'json');
  const rows = JSON.parse(out) as { reason: string; direction: string; packets: number }[];
  return rows.filter((r) => r.reason === 'Policy denied').reduce((n, r) => n + r.packets, 0);
}

test('from another workspace: a connection to a pod is dropped — by Cilium\'s policy (its "Policy denied" drop counter rises)', async () => {
  const before = await policyDenied();
  expect(await run(B, ['dial', `${serverIp[A]}:8080`])).toStrictEqual({ phase: 'Failed', output: `error dial tcp ${serverIp[A]}:8080: i/o timeout` });
  expect(await policyDenied()).toBeGreaterThan(before);
});

test('from another workspace, the other direction: a connection to a pod is dropped', async () => {
  expect(await run(A, ['dial', `${serverIp[B]}:8080`])).toStrictEqual({ phase: 'Failed', output: `error dial tcp ${serverIp[B]}:8080: i/o timeout` });
});

test('from another workspace: a connection to the workspace\'s Service is dropped', async () => {
  const svc = await client.get('v1', 'Service', 'server', A);
  const ip = (svc?.spec as { clusterIP: string }).clusterIP;
  expect(await run(B, ['dial', `${ip}:80`])).toStrictEqual({ phase: 'Failed', output: `error dial tcp ${ip}:80: i/o timeout` });
});

test('DNS from a workspace: cluster names resolve through the policy\'s DNS rule', async () => {
  expect(await run(A, ['lookup', 'kubernetes.default.svc.cluster.local'])).toStrictEqual({ phase: 'Succeeded', output: '10.96.0.1' });
});

test('a workspace pod cannot reach the API server (only database pods may, on its port)', async () => {
  expect(await run(A, ['dial', '10.96.0.1:443'])).toStrictEqual({ phase: 'Failed', output: 'error dial tcp 10.96.0.1:443: i/o timeout' });
});

test('a workspace reaches the shared Kafka\'s brokers on the Kafka port', async () => {
  expect(await run(A, ['dial', `${serverIp[KAFKA]}:9092`])).toStrictEqual({ phase: 'Succeeded', output: 'connected' });
});

test('a workspace cannot reach the brokers\' pods on any other port', async () => {
  expect(await run(A, ['dial', `${serverIp[KAFKA]}:8080`])).toStrictEqual({ phase: 'Failed', output: `error dial tcp ${serverIp[KAFKA]}:8080: i/o timeout` });
});
