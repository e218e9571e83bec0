/**
 * Cilium as the e2e node's CNI (every e2e node: `node.ts`): the platform's Cilium HelmRelease values
 * (read from `dist/`, so the values tested are the values shipped) with the deviations this host needs, rendered
 * by Helm built from its module (`npm run tools -- cilium-helm`) from the chart inside the pinned Cilium module
 * (`npm run tools -- cilium` copies `install/kubernetes/cilium`), and the agent image.
 *
 * Every deviation is in {@link CILIUM_E2E_DEVIATIONS}, with its reason; the README's "What runs for real in CI"
 * table lists them.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CILIUM } from '../../../lib/shared/versions';
import { debianRootfs, toolDir, toolPaths } from '../../control-plane/src/tool-cache';
import { NODE } from './host';
import { ImageSpec } from './images';
import { KubeObject } from '../../control-plane/src/kube-client';

/** Addresses of the Cilium node (the bridge keeps {@link NODE.gateway}, where the API server listens). */
export const CILIUM_NODE = {
  /**
   * The node's pod CIDR, allocated by kube-controller-manager's node-ipam-controller (`ipam.mode: kubernetes`, the
   * platform's value): next to the bridge's {@link NODE.podCidr}, which holds the API server's address.
   */
  podCidr: '10.244.1.0/24',
  /** The CNI plugins directory (the chart's `cni.binPath`): `cilium-cni`, and Debian's `loopback` for containerd. */
  cniBinPath: join(NODE.dir, 'cni', 'bin'),
  /** The node's cgroup in the cgroup2 hierarchy, bind-mounted here (the chart's `cgroup.hostRoot`). */
  cgroupRoot: join(NODE.dir, 'cgroup2'),
} as const;

/** The images of the Cilium node. */
export const CILIUM_IMAGES = {
  agent: `mini-atlas.local/cilium:v${CILIUM.version}`,
  operator: `mini-atlas.local/cilium-operator-generic:v${CILIUM.version}`,
} as const;

/** One value the e2e node sets differently from the platform's HelmRelease, and why. */
export interface CiliumDeviation {
  /** Dotted Helm value path. */
  readonly path: string;
  readonly value: unknown;
  /** Why (quoted in the README). */
  readonly reason: string;
}

/** The values the e2e node changes, each with its reason. */
export function ciliumE2eDeviations(apiServerPort: number): CiliumDeviation[] {
  return [
    { path: 'k8sServiceHost', value: NODE.gateway, reason: 'the test API server listens on the node bridge address; `auto` reads kube-public/cluster-info, which only kubeadm publishes' },
    { path: 'k8sServicePort', value: apiServerPort, reason: 'set with k8sServiceHost (the chart needs both); the test API server serves on the platform\'s API server port (6443, Kind\'s), so the workspace policy\'s API server rule is the one shipped' },
    { path: 'image', value: { repository: CILIUM_IMAGES.agent.split(':')[0], tag: `v${CILIUM.version}`, useDigest: false, pullPolicy: 'Never' }, reason: 'no registry is reachable: the agent image is built locally from the pinned module' },
    {
      path: 'operator.image', value: { override: CILIUM_IMAGES.operator, pullPolicy: 'Never' },
      reason: 'no registry is reachable: `cilium-operator-generic` is built locally from the pinned module (with the recorded replace of sigs.k8s.io/mcs-api/controllers) into an image FROM scratch',
    },
    { path: 'envoy.enabled', value: false, reason: 'Envoy is not obtainable here (no registry, not a Go module); the DNS proxy of L7 DNS rules is the agent\'s own' },
    { path: 'gatewayAPI.enabled', value: false, reason: 'Cilium\'s Gateway API implementation is Envoy' },
    { path: 'cgroup.autoMount.enabled', value: false, reason: 'the host\'s cgroup2 hierarchy is mounted at /sys/fs/cgroup/unified already; the node bind-mounts its own cgroup of it so socket LB attaches to the node\'s pods only, not to every process of the host' },
    { path: 'cgroup.hostRoot', value: CILIUM_NODE.cgroupRoot, reason: 'see cgroup.autoMount.enabled' },
    { path: 'sysctlfix.enabled', value: false, reason: 'its init container writes /etc/sysctl.d/99-zzz-override_cilium.conf on the host, which the node must not leave behind' },
    { path: 'cni.binPath', value: CILIUM_NODE.cniBinPath, reason: 'the node\'s containerd reads CNI plugins from the node directory' },
    { path: 'cni.confPath', value: join(NODE.dir, 'cni', 'net.d'), reason: 'the node\'s containerd reads CNI configuration from the node directory' },
    { path: 'devices', value: [NODE.bridge], reason: 'the datapath attaches to the node bridge only, never to the host\'s uplink' },
    { path: 'bpf.hostLegacyRouting', value: true, reason: 'pod traffic leaving the node goes through the host\'s netfilter FORWARD chain, where the node drops anything bound off-host (no packet leaves the machine)' },
    { path: 'enableIPv4Masquerade', value: false, reason: 'no pod traffic leaves the host, so nothing is masqueraded' },
    { path: 'routingMode', value: 'native', reason: 'one node: no tunnel device (cilium_vxlan) is created' },
    { path: 'ipv4NativeRoutingCIDR', value: CILIUM_NODE.podCidr, reason: 'required with native routing' },
  ];
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = target;
  for (const k of keys.slice(0, -1)) {
    if (typeof o[k] !== 'object' || o[k] === null) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]!] = value;
}

/** The platform's Cilium HelmRelease values as shipped in dist/ (`dist/core/operators/helmrelease-kube-system-cilium.yaml`). */
export function platformCiliumValues(repoRoot: string): Record<string, unknown> {
  const file = join(repoRoot, 'dist', 'core', 'operators', 'helmrelease-kube-system-cilium.yaml');
  const doc = parseAllDocuments(readFileSync(file, 'utf8'))[0]?.toJS() as { kind?: string; spec?: { values?: Record<string, unknown>; chart?: { spec?: { version?: string } } } };
  if (doc.kind !== 'HelmRelease' || !doc.spec?.values) throw new Error(`${file} is not the Cilium HelmRelease with values`);
  if (doc.spec.chart?.spec?.version !== CILIUM.chart.version) throw new Error(`${file} pins chart ${doc.spec.chart?.spec?.version}, not ${CILIUM.chart.version}`);
  return doc.spec.values;
}

/** The platform's values with the e2e deviations applied. */
export function ciliumE2eValues(repoRoot: string, apiServerPort: number): Record<string, unknown> {
  const values = JSON.parse(JSON.stringify(platformCiliumValues(repoRoot))) as Record<string, unknown>;
  for (const d of ciliumE2eDeviations(apiServerPort)) setPath(values, d.path, d.value);
  return values;
}

/**
 * `helm template` (release `cilium` in `kube-system`, as the HelmRelease installs it) of the chart in the pinned
 * Cilium module with `values` (written to `valuesFile`); the objects it renders.
 */
export function renderCilium(values: Record<string, unknown>, valuesFile: string): KubeObject[] {
  toolPaths(['cilium', 'cilium-helm']);
  const chart = join(toolDir('cilium'), 'install', 'kubernetes', 'cilium');
  const helm = join(toolDir('cilium-helm'), 'helm');
  writeFileSync(valuesFile, JSON.stringify(values, null, 2));
  const out = execFileSync(helm, ['template', 'cilium', chart, '--namespace', 'kube-system', '--kube-version', '1.35.0', '--values', valuesFile],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return parseAllDocuments(out).map((d) => d.toJS() as KubeObject | null).filter((o): o is KubeObject => o !== null && typeof o === 'object' && 'kind' in o);
}

/**
 * The changes made to the rendered objects, both to the agent's DaemonSet:
 * - it loses the chart's `host-proc-sys-kernel` volume (the host's `/proc/sys/kernel` at `/host/proc/sys/kernel`).
 *   Through it the agent sets `kernel.unprivileged_bpf_disabled=1`, which is final until reboot, so the node's
 *   teardown could not write the host's value (2 here) back; both kernel settings the agent writes there are
 *   `IgnoreErr: true` in pkg/datapath (`kernel.unprivileged_bpf_disabled`, `kernel.timer_migration`);
 * - its `cilium-netns` volume names `/run/netns` instead of `/var/run/netns`, the same directory: this host's
 *   `/var/run` is a symlink to `/run`, and containerd 1.6 checks the mount propagation the chart asks for
 *   (HostToContainer) on the literal path, failing with `path "/var/run/netns" is mounted on "/" but it is not a
 *   shared or slave mount` although `/run/netns` is a shared mount.
 */
export function adaptRenderedForNode(objects: readonly KubeObject[]): KubeObject[] {
  let seen = 0;
  const out = objects.map((o) => {
    if (o.kind !== 'DaemonSet' || o.metadata.name !== 'cilium') return o;
    seen++;
    const copy = JSON.parse(JSON.stringify(o)) as KubeObject & { spec: { template: { spec: PodSpecLite } } };
    const pod = copy.spec.template.spec;
    const before = pod.volumes.length;
    pod.volumes = pod.volumes.filter((v) => v.name !== HOST_KERNEL_VOLUME);
    if (pod.volumes.length !== before - 1) throw new Error(`the rendered cilium DaemonSet has no volume ${HOST_KERNEL_VOLUME}`);
    for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
      c.volumeMounts = c.volumeMounts?.filter((m) => m.name !== HOST_KERNEL_VOLUME);
    }
    const netns = pod.volumes.find((v) => v.name === 'cilium-netns');
    if (netns?.hostPath?.path !== '/var/run/netns') throw new Error(`the rendered cilium DaemonSet's cilium-netns volume is ${JSON.stringify(netns)}`);
    netns.hostPath.path = '/run/netns';
    return copy;
  });
  if (seen !== 1) throw new Error(`expected one rendered DaemonSet cilium, found ${seen}`);
  return out;
}

const HOST_KERNEL_VOLUME = 'host-proc-sys-kernel';

interface PodSpecLite {
  volumes: { name: string; hostPath?: { path: string } }[];
  containers: { volumeMounts?: { name: string }[] }[];
  initContainers?: { volumeMounts?: { name: string }[] }[];
}

/** The agent's image and the operator's. */
export function ciliumImageSpecs(): ImageSpec[] {
  const bin = toolDir('cilium');
  const rootfs = debianRootfs('cilium-runtime-rootfs');
  const exe = (name: string, path = `/usr/bin/${name}`): { path: string; source: string; mode: number } => ({ path, source: join(bin, name), mode: 0o755 });
  return [
    {
      ref: CILIUM_IMAGES.agent,
      layerTar: rootfs.tar,
      files: [
        exe('cilium-agent'), exe('cilium-dbg'), exe('cilium-health-responder'), exe('cilium-mount'), exe('cilium-sysctlfix'),
        exe('cilium-cni', '/opt/cni/bin/cilium-cni'),
        // The chart's init containers run these scripts from the image root (upstream's Dockerfile copies them there).
        { path: '/install-plugin.sh', source: join(bin, 'plugins', 'cilium-cni', 'install-plugin.sh'), mode: 0o755 },
        { path: '/cni-uninstall.sh', source: join(bin, 'plugins', 'cilium-cni', 'cni-uninstall.sh'), mode: 0o755 },
        { path: '/init-container.sh', source: join(bin, 'images', 'cilium', 'init-container.sh'), mode: 0o755 },
        // install-plugin.sh installs /cni/loopback beside cilium-cni (upstream's runtime image builds it from the
        // CNI plugins): Debian's containernetworking-plugins loopback here.
        { path: '/cni/loopback', source: '/usr/lib/cni/loopback', mode: 0o755 },
      ],
      trees: [{ path: '/var/lib/cilium/bpf', source: join(bin, 'bpf') }],
      // The datapath loader runs `clang` by that name: bookworm's clang 19 is /usr/lib/llvm-19/bin/clang.
      path: '/usr/lib/llvm-19/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      entrypoint: ['/usr/bin/cilium-dbg'],
      user: '0:0',
    },
    {
      // Upstream's operator image holds the static binary and CA certificates; the operator talks to the API server only.
      ref: CILIUM_IMAGES.operator,
      files: [exe('cilium-operator-generic')],
      dirs: ['/tmp'],
      path: '/usr/bin',
      entrypoint: ['/usr/bin/cilium-operator-generic'],
    },
  ];
}

/** One Service as `cilium-dbg service list -o json` prints it (api/v1/models: Service, ServiceSpec, BackendAddress). */
interface CiliumServiceModel {
  readonly status?: {
    readonly realized?: {
      readonly 'frontend-address'?: { readonly ip?: string; readonly port?: number };
      readonly 'backend-addresses'?: readonly { readonly ip?: string; readonly port?: number; readonly state?: string }[];
      readonly flags?: { readonly namespace?: string; readonly name?: string; readonly type?: string };
    };
  };
}

/**
 * The entries of `cilium-dbg service list -o json` (`listJson`) for the Kubernetes Service `namespace/name` — one
 * per frontend (ClusterIP and port) — as realized in the agent's load balancer.
 */
export function ciliumServiceEntries(listJson: string, namespace: string, name: string): CiliumServiceModel[] {
  const list = JSON.parse(listJson) as CiliumServiceModel[] | null;
  return (list ?? []).filter((s) => s.status?.realized?.flags?.namespace === namespace && s.status.realized.flags.name === name);
}

/**
 * True when Cilium's load balancer has realized the Service `namespace/name` with at least one backend in state
 * `active` (api/v1/models BackendAddress: `active`, `terminating`, `terminating-not-serving`, `quarantined`,
 * `maintenance`; only an active backend is chosen for a new connection) — until then a connection to its ClusterIP
 * finds no backend.
 */
export function ciliumServiceProgrammed(listJson: string, namespace: string, name: string): boolean {
  return ciliumServiceEntries(listJson, namespace, name)
    .some((s) => (s.status?.realized?.['backend-addresses'] ?? []).some((b) => b.state === 'active'));
}
