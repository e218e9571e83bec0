/**
 * Day-one tenant features on a real node (issue 18): configuration, workers, jobs and cron jobs, secrets that
 * never enter Git, autoscaling and pausing — each through the platform's RGDs from `dist/`, reconciled by the
 * real KRO controller, run by the real kubelet with containerd. The containers are Mini-Atlas's own test app
 * (`tools/node/go/cmd/e2e-app`: `env`, `env-wait` and `serve` print the variables they are given), its output
 * read from the kubelet's pod logs. kube-controller-manager also runs the CronJob, HorizontalPodAutoscaler and
 * disruption controllers here. No metrics-server runs on this node, so the autoscaler is shown holding the
 * Deployment at its bounds, not scaling on CPU. Run with `npm run test:e2e -- test/e2e/day-one.test.ts`.
 */
import { IMAGES } from '../../tools/node/src/images';
import { E2eNode } from '../../tools/node/src/node';
import { KubeClient, KubeObject, waitFor } from '../../tools/control-plane/src/kube-client';
import { instanceReadiness, InstanceReadiness } from '../cluster/support/readiness';
import { E2ePlatform, startPlatform } from './support/platform';

const MINUTE = 60_000;
jest.setTimeout(5 * MINUTE);

const WORKSPACE = 'e2e-day1';
const API = 'platform.mini-atlas.io/v1alpha1';

let platform: E2ePlatform | undefined;
let node: E2eNode;
let client: KubeClient;

function progress(message: string): void {
  process.stderr.write(`[e2e day-one] ${message}\n`);
}

/** An instance of a platform kind in the workspace. */
function instance(kind: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: API, kind, metadata: { name, namespace: WORKSPACE, labels: { 'app.kubernetes.io/part-of': 'mini-atlas' } }, spec };
}

/** Waits until the instance is ACTIVE with Ready=True, as KRO reports it. */
async function untilReady(kind: string, name: string, timeoutMs = 3 * MINUTE): Promise<InstanceReadiness> {
  const state = async (): Promise<InstanceReadiness> => instanceReadiness(await client.get(API, kind, name, WORKSPACE));
  return waitFor(`${kind} ${name} Ready`, async () => {
    const r = await state();
    return r.state === 'ACTIVE' && r.ready === 'True' ? r : undefined;
  }, { timeoutMs, describe: async () => JSON.stringify(await state()) });
}

/** The pods of an instance (the RGDs label them `app.kubernetes.io/instance=<name>`). */
async function podsOf(name: string): Promise<KubeObject[]> {
  return client.list('v1', 'Pod', WORKSPACE, `app.kubernetes.io/instance=${name}`);
}

/** Waits until a pod of `name` has logged `lines` lines; returns its log. */
async function logOf(name: string, lines: number): Promise<string> {
  return waitFor(`a pod of ${name} to log ${lines} lines`, async () => {
    for (const p of await podsOf(name)) {
      const log = node.podLog(WORKSPACE, p.metadata.name!, 'app');
      if (log.split('\n').filter(Boolean).length >= lines) return log;
    }
    return undefined;
  }, { timeoutMs: 2 * MINUTE });
}

const replicasOf = async (name: string): Promise<number | undefined> =>
  ((await client.get('apps/v1', 'Deployment', name, WORKSPACE))?.spec as { replicas?: number } | undefined)?.replicas;

beforeAll(async () => {
  platform = await startPlatform({
    workspace: WORKSPACE,
    kinds: ['Workspace', 'WebApplication', 'Workload'],
    log: progress,
    controllers: ['cronjob-controller', 'horizontal-pod-autoscaler-controller', 'disruption-controller'],
  });
  node = platform.node;
  client = platform.client;
  await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'e2e-day1-settings', namespace: WORKSPACE }, data: { 'batch.size': '250' } });
}, 8 * MINUTE);

afterAll(async () => {
  await platform?.stop();
}, 3 * MINUTE);

test('a worker runs with its plain and ConfigMap variables, its command and args, and no Service', async () => {
  const name = 'e2e-day1-indexer';
  await client.apply(instance('Workload', name, {
    type: 'worker', image: IMAGES.app, command: ['/e2e-app'], args: ['env-wait', 'GREETING', 'BATCH_SIZE'],
    env: [{ name: 'GREETING', value: 'hello from Git' }],
    configMapEnv: [{ name: 'BATCH_SIZE', configMap: 'e2e-day1-settings', key: 'batch.size' }],
  }));
  const ready = await untilReady('Workload', name);
  expect({ state: ready.state, ready: ready.ready }).toEqual({ state: 'ACTIVE', ready: 'True' });
  expect(await logOf(name, 2)).toBe('GREETING=hello from Git\nBATCH_SIZE=250');
  const pods = await podsOf(name);
  expect(pods.map((p) => (p.status as { phase: string }).phase)).toEqual(['Running']);
  expect(await client.list('v1', 'Service', WORKSPACE, `app.kubernetes.io/instance=${name}`)).toEqual([]);
});

test('a job Workload is Ready once its Job completed, and its pod printed the variable', async () => {
  const name = 'e2e-day1-migrate';
  await client.apply(instance('Workload', name, { type: 'job', image: IMAGES.app, args: ['env', 'GREETING'], env: [{ name: 'GREETING', value: 'migrating' }], backoffLimit: 0 }));
  await untilReady('Workload', name);
  const job = await client.get('batch/v1', 'Job', name, WORKSPACE);
  const status = job?.status as { succeeded?: number; conditions?: { type: string; status: string }[] };
  expect([status.succeeded, status.conditions?.find((c) => c.type === 'Complete')?.status]).toEqual([1, 'True']);
  expect(await logOf(name, 1)).toBe('GREETING=migrating');
});

test('a cron Workload\'s CronJob starts a Job on schedule and the Job completes', async () => {
  const name = 'e2e-day1-nightly';
  await client.apply(instance('Workload', name, {
    type: 'cron', image: IMAGES.app, schedule: '* * * * *', args: ['env', 'RUN_KIND'], env: [{ name: 'RUN_KIND', value: 'scheduled' }],
  }));
  await untilReady('Workload', name);
  const cron = await client.get('batch/v1', 'CronJob', name, WORKSPACE);
  expect((cron?.spec as { schedule: string; concurrencyPolicy: string }).concurrencyPolicy).toBe('Forbid');
  const job = await waitFor(`a Job of CronJob ${name} Complete`, async () => {
    const jobs = await client.list('batch/v1', 'Job', WORKSPACE);
    return jobs.find((j) => j.metadata.ownerReferences?.some((o) => o.kind === 'CronJob' && o.name === name)
      && ((j.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some((c) => c.type === 'Complete' && c.status === 'True'));
  }, { timeoutMs: 3 * MINUTE });
  expect(job.metadata.name).toMatch(new RegExp(`^${name}-[0-9]+$`));
  const pods = await client.list('v1', 'Pod', WORKSPACE, `job-name=${job.metadata.name!}`);
  expect(pods.map((p) => node.podLog(WORKSPACE, p.metadata.name!, 'app'))).toEqual(['RUN_KIND=scheduled']);
}, 5 * MINUTE);

test('a developer creates a Secret in the workspace (no Git), and a WebApplication referencing it starts with the value', async () => {
  const team = ((await client.get(API, 'Workspace', WORKSPACE))?.spec as { team: string }).team;
  const dev = await node.plane.issueKubeconfig('e2e-developer', { user: 'alice', groups: [`mini-atlas:${team}:developers`] });
  const asDeveloper = new KubeClient(dev.credentials);
  await waitFor('the developer may create Secrets in the workspace', async () => (await asDeveloper.can('create', '', 'secrets', WORKSPACE)) || undefined);
  await asDeveloper.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'e2e-day1-provider', namespace: WORKSPACE }, stringData: { 'api-key': 'sk-test-from-a-developer' } });
  const name = 'e2e-day1-payments';
  await client.apply(instance('WebApplication', name, {
    image: IMAGES.app, hostname: `${name}.localtest.me`, args: ['serve', 'PAYMENT_KEY'], readinessPath: '/readyz', livenessPath: '/healthz',
    secretEnv: [{ name: 'PAYMENT_KEY', secret: 'e2e-day1-provider', key: 'api-key' }],
  }));
  await untilReady('WebApplication', name);
  const log = await logOf(name, 2);
  expect(log.split('\n')).toEqual(['PAYMENT_KEY=sk-test-from-a-developer', 'e2e-app listening on :8080']);
  const probes = ((await client.get('apps/v1', 'Deployment', name, WORKSPACE))?.spec as { template: { spec: { containers: { readinessProbe: { httpGet: { path: string } }; livenessProbe: { httpGet: { path: string } } }[] } } })
    .template.spec.containers[0]!;
  expect([probes.readinessProbe.httpGet.path, probes.livenessProbe.httpGet.path]).toEqual(['/readyz', '/healthz']);
});

test('autoscaling: KRO leaves replicas to the HorizontalPodAutoscaler, which raises them to minReplicas; a PodDisruptionBudget guards them', async () => {
  const name = 'e2e-day1-scaled';
  await client.apply(instance('WebApplication', name, {
    image: IMAGES.app, hostname: `${name}.localtest.me`, healthPath: '/healthz', resources: { cpu: '50m', memory: '32Mi' },
    autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 3, cpuUtilization: 70 },
  }));
  const hpa = await waitFor(`HorizontalPodAutoscaler ${name}`, async () => client.get('autoscaling/v2', 'HorizontalPodAutoscaler', name, WORKSPACE), { timeoutMs: 2 * MINUTE });
  expect(hpa.spec).toEqual({
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
    minReplicas: 2, maxReplicas: 3,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
  });
  // The autoscaler clamps the Deployment to its bounds before it reads any metric (kube-controller-manager
  // pkg/controller/podautoscaler `reconcileAutoscaler`), so it scales 1 → 2 without metrics-server.
  await waitFor(`Deployment ${name} scaled to 2 by the autoscaler`, async () => ((await replicasOf(name)) === 2 ? true : undefined), { timeoutMs: 2 * MINUTE });
  await untilReady('WebApplication', name);
  const deployment = await client.get('apps/v1', 'Deployment', name, WORKSPACE);
  // KRO's field manager (the one that owns the pod template it applies) does not own spec.replicas: its applied
  // configuration has none, so server-side apply never resets the count.
  type ManagedFields = { manager: string; operation?: string; subresource?: string; fieldsV1?: unknown }[];
  const entries = (((deployment?.metadata as { managedFields?: ManagedFields }).managedFields) ?? []).filter((f) => f.subresource !== 'status');
  const owning = (field: string): string[] => entries.filter((f) => JSON.stringify(f.fieldsV1 ?? {}).includes(`"f:${field}"`)).map((f) => f.manager);
  progress(`managedFields of ${name}: ${JSON.stringify(entries.map((f) => [f.manager, f.operation, f.subresource ?? '', f.fieldsV1]))}`);
  const [kroManager, ...others] = owning('template');
  expect([kroManager === undefined, others]).toEqual([false, []]);
  expect(owning('replicas')).not.toContain(kroManager);
  // A KRO resync later, the count is still the autoscaler's.
  const generation = deployment!.metadata.generation;
  await client.apply({ ...instance('WebApplication', name, {
    image: IMAGES.app, hostname: `${name}.localtest.me`, healthPath: '/readyz', resources: { cpu: '50m', memory: '32Mi' },
    autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 3, cpuUtilization: 70 },
  }) });
  await waitFor(`KRO applied the new probe path to ${name}`, async () => {
    const d = await client.get('apps/v1', 'Deployment', name, WORKSPACE);
    const path = (d?.spec as { template: { spec: { containers: { readinessProbe: { httpGet: { path: string } } }[] } } }).template.spec.containers[0]!.readinessProbe.httpGet.path;
    return path === '/readyz' && (d?.metadata.generation ?? 0) > (generation ?? 0) ? true : undefined;
  }, { timeoutMs: 2 * MINUTE });
  expect(await replicasOf(name)).toBe(2);
  const pdb = await client.get('policy/v1', 'PodDisruptionBudget', name, WORKSPACE);
  expect(pdb?.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'web-application', 'app.kubernetes.io/instance': name } } });
});

test('replicas 0 pauses an app: Ready with no pod, and no disruption budget', async () => {
  const name = 'e2e-day1-paused';
  await client.apply(instance('WebApplication', name, { image: IMAGES.app, hostname: `${name}.localtest.me`, healthPath: '/healthz', replicas: 0 }));
  await untilReady('WebApplication', name);
  expect([await replicasOf(name), (await podsOf(name)).length]).toEqual([0, 0]);
  expect(await client.get('policy/v1', 'PodDisruptionBudget', name, WORKSPACE)).toBeUndefined();
  expect(await client.get('autoscaling/v2', 'HorizontalPodAutoscaler', name, WORKSPACE)).toBeUndefined();
});
