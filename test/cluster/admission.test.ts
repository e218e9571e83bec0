/**
 * The tenant-isolation policies of `dist/` at a real kube-apiserver, as the requests a tenant or a platform
 * controller really sends: creates, label changes on existing objects (a real `oldObject`), deletes, and the
 * `pods/ephemeralcontainers` subresource — what `kyverno test` cannot show (it evaluates each resource once, as
 * its own old object, and never as a subresource).
 *
 * No Kyverno runs here. Each ValidatingPolicy's `matchConstraints`, `variables` and `validations` are installed
 * unchanged as a native ValidatingAdmissionPolicy with a `Deny` binding: Kyverno's ValidatingPolicy is a superset
 * of it (policies.kyverno.io/v1 "extends the Kubernetes ValidatingAdmissionPolicy type"), and these policies use
 * nothing beyond it, so the API server evaluates the same CEL on the same request. Identities are client
 * certificates: a tenant `alice` with every verb on every resource of workspace `team-a`, and the platform's
 * controllers under their ServiceAccount names (bound to cluster-admin: this file proves admission, not RBAC).
 */
import { App } from 'cdk8s';
import { CoreChart } from '../../lib/core/core-chart';
import { PLATFORM_VERSION, RESERVED_NAMESPACES } from '../../lib/shared/api';
import { ControlPlane } from '../../tools/control-plane/src/control-plane';
import { installCrds, platformCrds } from './support/crds';
import { readDist } from './support/dist';
import { KubeApiError, KubeClient, KubeObject, sleep, waitFor } from '../../tools/control-plane/src/kube-client';

const MINUTE = 60_000;
jest.setTimeout(5 * MINUTE);

const progress = (message: string): void => { process.stderr.write(`[admission] ${message}\n`); };

/** The identities of Mini-Atlas's own controllers, exactly as the policies name them. */
const ids = new CoreChart(new App(), 'core').identities;
const TENANT = { user: 'alice', groups: ['team-a-developers'] };
const WS = 'team-a';

const dist = readDist();
const POLICIES = ['host-isolation', 'image-registries', 'required-labels', 'workspace-naming', 'hostname-ownership', 'reserved-workspaces',
  'workspace-guardrails', 'operator-labels', 'service-exposure', 'service-endpoints', 'role-binding-subjects'];

let plane: ControlPlane | undefined;
let admin: KubeClient;
let alice: KubeClient;
const as: Record<string, KubeClient> = {};

/** The ValidatingPolicy `name` of dist/ as a native ValidatingAdmissionPolicy and its Deny binding. */
function nativePolicy(name: string): KubeObject[] {
  const vpol = dist.all.map((o) => o.object).find((o) => o.kind === 'ValidatingPolicy' && o.metadata.name === name);
  if (!vpol) throw new Error(`dist/ has no ValidatingPolicy ${name}`);
  const spec = vpol.spec as { failurePolicy: string; matchConstraints: unknown; variables: unknown; validations: unknown };
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name },
      spec: { failurePolicy: spec.failurePolicy, matchConstraints: spec.matchConstraints, variables: spec.variables, validations: spec.validations },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name },
      spec: { policyName: name, validationActions: ['Deny'] },
    },
  ];
}

/**
 * The API server's message for a request a policy denied on `target` (`<resource> "<name>"`): the prefix is
 * kube-apiserver's, the rest the policy's own message.
 */
const deniedBy = (policy: string, target: string, message: string): string =>
  `${target} is forbidden: ValidatingAdmissionPolicy '${policy}' with binding '${policy}' denied request: ${message}`;

/** Runs `request`; returns the API server's message if it was refused (403/422), `allowed` if it went through. */
async function outcome(request: () => Promise<unknown>): Promise<string> {
  try {
    await request();
    return 'allowed';
  } catch (e) {
    if (e instanceof KubeApiError && (e.code === 403 || e.code === 422)) return e.serverMessage;
    throw e;
  }
}

const pod = (name: string, labels: Record<string, string> = {}, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: WS, labels: { [`platform.mini-atlas.io/workspace`]: WS, ...labels } },
  spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/web:1.0.0' }], ...spec },
});

beforeAll(async () => {
  plane = await ControlPlane.start({ log: progress, controllers: [] });
  admin = new KubeClient(plane.admin);
  const client = async (name: string, user: string, groups: readonly string[] = []): Promise<KubeClient> =>
    new KubeClient((await plane!.issueKubeconfig(name, { user, groups })).credentials);
  alice = await client('alice', TENANT.user, TENANT.groups);
  for (const [key, user] of [['kro', ids.kro], ['cnpg', ids.cloudNativePg], ['namespace-controller', ids.kubeControllers.find((c) => c.endsWith(':namespace-controller'))!]] as const) {
    as[key] = await client(key, user);
    await admin.apply({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `test-${key}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
    });
  }
  const wanted = new Set(['ciliumnetworkpolicies.cilium.io', 'httproutes.gateway.networking.k8s.io']);
  await installCrds(admin, platformCrds().filter((c) => wanted.has(c.crd.metadata.name!)));
  // KRO generates the Workspace CRD from its RGD; no KRO runs here, so a CRD of the same name and scope stands in.
  await installCrds(admin, [{
    file: 'fixture', crd: {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'workspaces.platform.mini-atlas.io' },
      spec: {
        group: 'platform.mini-atlas.io', scope: 'Cluster', names: { kind: 'Workspace', plural: 'workspaces', singular: 'workspace', listKind: 'WorkspaceList' },
        versions: [{ name: PLATFORM_VERSION, served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    },
  }]);
  await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: WS, labels: { 'platform.mini-atlas.io/workspace': WS } } });
  // No ServiceAccount controller runs: the ServiceAccount admission plugin needs the namespace's default account.
  await admin.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: WS } });
  await admin.apply({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'everything', namespace: WS },
    rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
  });
  await admin.apply({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'alice-everything', namespace: WS },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'everything' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: TENANT.user }],
  });
  // KRO creates the workspace's isolation policy before any tenant acts.
  await as.kro!.apply({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'workspace-isolation', namespace: WS }, spec: { endpointSelector: {}, ingress: [{ fromEndpoints: [{}] }] } });
  for (const name of POLICIES) for (const o of nativePolicy(name)) await admin.apply(o);
  // Policies take effect once the API server has compiled them: wait until a known violation is refused.
  await waitFor('the policies enforce', async () => ((await outcome(() => alice.apply(pod('bare-probe'), { dryRun: true }))) === 'allowed' ? undefined : true), { timeoutMs: MINUTE });
  // The others were created in the same second; give the API server's policy source a moment to load them all.
  await sleep(3000);
  progress('policies enforce');
}, 3 * MINUTE);

afterAll(async () => {
  await plane?.stop();
});

describe('operator-owned labels, with a real oldObject', () => {
  test('a tenant cannot create a pod labelled cnpg.io/cluster (it would buy API-server egress)', async () => {
    expect(await outcome(() => alice.apply(pod('team-a-sneaky', { 'cnpg.io/cluster': 'team-a-db' })))).toBe(deniedBy('operator-labels', 'pods "team-a-sneaky"',
      'Pod "team-a-sneaky": labels cnpg.io/cluster are set by the platform\'s operators only (cnpg.io/, strimzi.io/, kro.run/, io.cilium., io.kubernetes.pod.namespace); alice may not set, change or remove them'));
  });

  test('CloudNativePG creates its pod; the tenant may edit it without touching the labels, but not add, change or remove one', async () => {
    expect(await outcome(() => as.cnpg!.apply(pod('team-a-db-1', { 'cnpg.io/cluster': 'team-a-db' })))).toBe('allowed');
    expect(await outcome(() => alice.mergePatch('v1', 'Pod', 'team-a-db-1', WS, { metadata: { annotations: { note: 'tenant edit' }, labels: { app: 'db' } } }))).toBe('allowed');
    const message = (labels: string): string => deniedBy('operator-labels', 'pods "team-a-db-1"',
      `Pod "team-a-db-1": labels ${labels} are set by the platform's operators only (cnpg.io/, strimzi.io/, kro.run/, io.cilium., io.kubernetes.pod.namespace); alice may not set, change or remove them`);
    expect(await outcome(() => alice.mergePatch('v1', 'Pod', 'team-a-db-1', WS, { metadata: { labels: { 'cnpg.io/cluster': 'team-b-db' } } }))).toBe(message('cnpg.io/cluster'));
    expect(await outcome(() => alice.mergePatch('v1', 'Pod', 'team-a-db-1', WS, { metadata: { labels: { 'cnpg.io/cluster': null } } }))).toBe(message('cnpg.io/cluster'));
    expect(await outcome(() => alice.mergePatch('v1', 'Pod', 'team-a-db-1', WS, { metadata: { labels: { 'cnpg.io/instanceRole': 'primary' } } }))).toBe(message('cnpg.io/instanceRole'));
  });

  test('a tenant cannot label its own pod cnpg.io/cluster after the fact', async () => {
    expect(await outcome(() => alice.apply(pod('team-a-web')))).toBe('allowed');
    expect(await outcome(() => alice.mergePatch('v1', 'Pod', 'team-a-web', WS, { metadata: { labels: { 'cnpg.io/cluster': 'x' } } }))).toBe(deniedBy('operator-labels', 'pods "team-a-web"',
      'Pod "team-a-web": labels cnpg.io/cluster are set by the platform\'s operators only (cnpg.io/, strimzi.io/, kro.run/, io.cilium., io.kubernetes.pod.namespace); alice may not set, change or remove them'));
  });
});

describe('ephemeral containers (the pods/ephemeralcontainers subresource)', () => {
  const debug = (container: Record<string, unknown>) => () => alice.raw('PATCH', `/api/v1/namespaces/${WS}/pods/team-a-web/ephemeralcontainers`,
    { spec: { ephemeralContainers: [{ name: 'debugger', ...container }] } }, 'application/strategic-merge-patch+json')
    .then((r) => { if (r.status >= 300) throw new KubeApiError('PATCH ephemeralcontainers', r.status, 'x', (r.body as { message: string }).message); });

  test('a privileged debugger is refused by host-isolation', async () => {
    expect(await outcome(debug({ image: 'ghcr.io/acme/debug:1.0.0', securityContext: { privileged: true } })))
      .toBe(deniedBy('host-isolation', 'pods "team-a-web"', 'Pod "team-a-web": privileged containers are not allowed: debugger'));
  });

  test('a debugger from an unlisted registry is refused by image-registries', async () => {
    expect(await outcome(debug({ image: 'busybox:1.36' }))).toBe(deniedBy('image-registries', 'pods "team-a-web"',
      'Pod "team-a-web": images must come from ghcr.io/, docker.io/, quay.io/, registry.k8s.io/; not allowed: busybox:1.36'));
  });

  test('a pinned, unprivileged debugger from an allowed registry is let through', async () => {
    expect(await outcome(debug({ image: 'ghcr.io/acme/debug:1.0.0' }))).toBe('allowed');
  });
});

describe("the workspace's guardrails", () => {
  const allowAll: KubeObject = { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'team-a-allow-all', namespace: WS }, spec: { endpointSelector: {}, egress: [{ toEntities: ['world'] }] } };

  test('a tenant can neither add a network policy nor delete the isolation policy', async () => {
    expect(await outcome(() => alice.apply(allowAll))).toBe(deniedBy('workspace-guardrails', 'ciliumnetworkpolicies.cilium.io "team-a-allow-all"',
      'CiliumNetworkPolicy "team-a-allow-all" in workspace team-a: network policies, quotas and limits of a workspace are managed by the platform; alice may not CREATE them'));
    expect(await outcome(() => alice.delete('cilium.io/v2', 'CiliumNetworkPolicy', 'workspace-isolation', WS))).toBe(deniedBy('workspace-guardrails', 'ciliumnetworkpolicies.cilium.io "workspace-isolation"',
      'CiliumNetworkPolicy "workspace-isolation" in workspace team-a: network policies, quotas and limits of a workspace are managed by the platform; alice may not DELETE them'));
  });

  test('KRO creates and kube-controller-manager\'s namespace controller deletes them', async () => {
    expect(await outcome(() => as.kro!.apply({ ...allowAll, metadata: { name: 'team-a-extra', namespace: WS } }))).toBe('allowed');
    expect(await outcome(() => as['namespace-controller']!.delete('cilium.io/v2', 'CiliumNetworkPolicy', 'team-a-extra', WS))).toBe('allowed');
  });
});

describe('exposure, bindings, host names and workspace names', () => {
  test('NodePort Services, hand-written EndpointSlices and bindings to everyone are refused; ClusterIP and a named group pass', async () => {
    const svc = (name: string, type?: string): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: WS }, spec: { ...(type ? { type } : {}), ports: [{ port: 80 }] } });
    expect(await outcome(() => alice.apply(svc('team-a-open', 'NodePort')))).toBe(deniedBy('service-exposure', 'services "team-a-open"',
      'Service "team-a-open" has type NodePort: workspaces expose applications only through the shared Gateway (use a WebApplication)'));
    expect(await outcome(() => alice.apply(svc('team-a-web')))).toBe('allowed');
    const slice: KubeObject = {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'team-a-web-api', namespace: WS, labels: { 'kubernetes.io/service-name': 'team-a-web' } },
      addressType: 'IPv4', endpoints: [{ addresses: ['10.96.0.1'] }], ports: [{ port: 443 }],
    } as KubeObject;
    expect(await outcome(() => alice.apply(slice))).toBe(deniedBy('service-endpoints', 'endpointslices.discovery.k8s.io "team-a-web-api"',
      'EndpointSlice "team-a-web-api" in workspace team-a: endpoints come from a Service\'s selector (the endpoint controllers); alice may not write them'));
    const binding = (name: string, kind: string, subject: string): KubeObject => ({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace: WS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'everything' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind, name: subject }],
    });
    expect(await outcome(() => alice.apply(binding('team-a-everyone', 'Group', 'system:authenticated')))).toBe(deniedBy('role-binding-subjects', 'rolebindings.rbac.authorization.k8s.io "team-a-everyone"',
      'RoleBinding "team-a-everyone" binds Group:system:authenticated: a workspace role may not be granted to everyone, nor to every ServiceAccount of another namespace; bind named users, groups or ServiceAccounts'));
    expect(await outcome(() => alice.apply(binding('team-a-developers', 'Group', 'team-a-developers')))).toBe('allowed');
  });

  test("a route for another workspace's host name is refused; the workspace's own passes", async () => {
    const route = (name: string, hostnames: string[]): KubeObject => ({
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace: WS },
      spec: { parentRefs: [{ name: 'platform', namespace: 'gateway-system' }], hostnames },
    });
    expect(await outcome(() => alice.apply(route('team-a-steal', ['team-b.localtest.me'])))).toBe(deniedBy('hostname-ownership', 'httproutes.gateway.networking.k8s.io "team-a-steal"',
      'HTTPRoute "team-a-steal": host names team-b.localtest.me are not owned by workspace team-a: use team-a.localtest.me or team-a-<name>.localtest.me (no wildcards)'));
    expect(await outcome(() => alice.apply(route('team-a-web', ['team-a.localtest.me'])))).toBe('allowed');
  });

  test('a Workspace named kafka is refused, a team name passes', async () => {
    const workspace = (name: string): KubeObject => ({ apiVersion: 'platform.mini-atlas.io/v1alpha1', kind: 'Workspace', metadata: { name }, spec: { team: name } });
    expect(await outcome(() => admin.apply(workspace('kafka')))).toBe(deniedBy('reserved-workspaces', 'workspaces.platform.mini-atlas.io "kafka"',
      `Workspace "kafka" would take a reserved namespace (Kubernetes, Flux or a platform component: ${RESERVED_NAMESPACES.join(', ')}, kube-*); choose a team-specific name`));
    expect(await outcome(() => admin.apply(workspace('team-payments')))).toBe('allowed');
  });

  test('a bare Job and a ReplicaSet go through the naming and label rules', async () => {
    const job: KubeObject = {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: WS, labels: { 'platform.mini-atlas.io/workspace': WS } },
      spec: { template: { metadata: { labels: { 'platform.mini-atlas.io/workspace': WS } }, spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'ghcr.io/acme/web:1.0.0' }] } } },
    };
    expect(await outcome(() => alice.apply(job))).toBe(deniedBy('workspace-naming', 'jobs.batch "migrate"', 'name "migrate" must start with the workspace prefix "team-a-" (namespace team-a)'));
    const rs: KubeObject = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'team-a-orphan', namespace: WS },
      spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/web:1.0.0' }] } } },
    };
    expect(await outcome(() => alice.apply(rs))).toBe(deniedBy('required-labels', 'replicasets.apps "team-a-orphan"', 'ReplicaSet "team-a-orphan" must carry the label platform.mini-atlas.io/workspace=team-a on the object, its pod template'));
  });
});
