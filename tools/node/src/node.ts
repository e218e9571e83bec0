/**
 * A real Kubernetes node for the e2e suite (`npm run test:e2e`), registered with the test control plane of
 * `tools/control-plane/src/control-plane.ts`:
 *
 * - containerd (Debian's package) with its own root, state, socket and config, `restrict_oom_score_adj`, and
 *   `runc-wrapper` as its runtime (runc without CAP_SYS_RESOURCE, which this host cannot grant);
 * - kubelet and kube-scheduler built with the API server (`npm run tools`);
 * - Cilium 1.20 as the CNI, with kube-proxy replacement (no kube-proxy): the agent as a DaemonSet rendered from the
 *   platform's Cilium HelmRelease values with the deviations of `cilium.ts`, so every e2e test runs under the
 *   platform's network policies; a firewall chain drops pod traffic leaving the host;
 * - the API server on the address of the node's own bridge, on the platform's API server port, so pods reach it
 *   through the `kubernetes` Service and the workspace policy's API server rule applies as on Kind;
 * - CoreDNS as a pod in `kube-system` (`k8s-app=kube-dns`), with no forwarder; local-path-provisioner.
 *
 * One node per host (a lock). {@link E2eNode.stop} — and, when the runner dies, the watchdog of
 * `managed-process.ts` — runs the teardown script of `host.ts`, which leaves no process, mount, interface,
 * firewall rule, cgroup or directory behind and writes back the kernel settings.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { toYaml } from 'mini-atlas';
import {
  ControlPlane, DEFAULT_CONTROLLERS, freePort, get, Identity, SERVICE_CLUSTER_IP_RANGE, waitReady,
} from '../../control-plane/src/control-plane';
import {
  ManagedProcess, registerCleanupScript, unregisterCleanupScript,
} from '../../control-plane/src/managed-process';
import { CILIUM_NODE_TOOLS, debianRootfs, toolPaths } from '../../control-plane/src/tool-cache';
import {
  cgroupHierarchies, existingHostMounts, existingHostPaths, HOST_MOUNTS, NODE, nodeFirewallRules, readSysctls, renderTeardownScript, TEARDOWN_SCRIPT, writeSysctl,
} from './host';
import { KubeClient, KubeObject } from '../../control-plane/src/kube-client';
import { oneReplicaDeployment } from './deployment';
import { buildNodeBinaries, IMAGES, ImageSpec, nodeImageSpecs, postgresImage, valkeyImage, writeImageArchive } from './images';
import {
  adaptRenderedForNode, CILIUM_IMAGES, CILIUM_NODE, ciliumE2eValues, ciliumImageSpecs, ciliumServiceEntries, ciliumServiceProgrammed, renderCilium,
} from './cilium';

/** Options of {@link E2eNode.start}. */
export interface E2eNodeOptions {
  /** Extra kube-controller-manager controllers. */
  readonly controllers?: readonly string[];
  /** Progress messages. */
  readonly log?: (message: string) => void;
}

/** kube-controller-manager controllers a node with workloads needs (besides the control plane's defaults). */
export const NODE_CONTROLLERS: readonly string[] = [
  'serviceaccount-controller',
  'resourcequota-controller',
  'replicaset-controller',
  'deployment-controller',
  'endpointslice-controller',
  'root-ca-certificate-publisher-controller',
  'pod-garbage-collector-controller',
  // Removes the not-ready taint the kubelet registers the node with, once the node is Ready.
  'node-lifecycle-controller',
  // Binds PVCs (WaitForFirstConsumer: after the scheduler picked the node) to what the provisioner creates.
  'persistentvolume-binder-controller',
  // CloudNativePG bootstraps an instance's data directory in a Job (`<cluster>-1-initdb`).
  'job-controller',
  // The Cilium agent is a DaemonSet.
  'daemonset-controller',
  // Gives the Node its podCIDR, which Cilium's `ipam.mode: kubernetes` (the platform's value) reads.
  'node-ipam-controller',
];

/** The API server's secure port on the node: the platform's (`CiliumProps.apiServerPort`, default 6443, Kind's). */
export const NODE_API_SERVER_PORT = 6443;


/** Where {@link E2eNode.stop} copies the node's process logs before the teardown removes them. */
export const LAST_RUN_LOGS = join(tmpdir(), 'mini-atlas-e2e-logs');

/** containerd runtime handler (and RuntimeClass) with Debian's runc as is, without the capability wrapper. */
export const UNWRAPPED_RUNTIME = 'runc-unwrapped';

/** Debian's busybox-static binary (the helper pods of local-path-provisioner). */
const BUSYBOX = '/bin/busybox';

/** Where local-path-provisioner creates volumes (removed with the node directory). */
export const LOCAL_PATH_DIR = join(NODE.dir, 'local-path');

/** The field manager of what the node applies (Cilium's objects, CoreDNS, local-path-provisioner). */
const NODE_FIELD_MANAGER = 'mini-atlas-e2e-node';

const CONTAINERD_SOCKET = join(NODE.dir, 'containerd', 'containerd.sock');
const RUNC_WRAPPER_LOG = join(NODE.dir, 'runc-wrapper.log');

/** Takes the host lock; a stale lock (its runner is gone) is cleaned with the dead run's teardown first. */
function takeLock(log: (m: string) => void): void {
  if (existsSync(NODE.lock)) {
    const holder = Number(readFileSync(NODE.lock, 'utf8').trim());
    let alive = false;
    try {
      process.kill(holder, 0);
      alive = true;
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (alive && holder !== process.pid) {
      throw new Error(`another e2e node runs on this host (runner pid ${holder}, lock ${NODE.lock}); one e2e run per host`);
    }
    log(`stale lock of pid ${holder}: running its teardown`);
    if (existsSync(TEARDOWN_SCRIPT)) execFileSync('/bin/bash', [TEARDOWN_SCRIPT], { stdio: 'inherit' });
    rmSync(NODE.lock, { force: true });
  }
  writeFileSync(NODE.lock, `${process.pid}\n`, { flag: 'wx' });
}

/** Refuses to start on a host where the node's names are taken (another Kubernetes, a leftover). */
function preflight(): void {
  const problems: string[] = [];
  const firewall = nodeFirewallRules();
  if (firewall.length > 0) problems.push(`iptables already holds Kubernetes or node rules:\n  ${firewall.slice(0, 10).join('\n  ')}`);
  const routes = execFileSync('ip', ['-4', 'route', 'show'], { encoding: 'utf8' });
  for (const cidr of [NODE.podCidr, CILIUM_NODE.podCidr]) {
    if (routes.includes(cidr.split('/')[0]!.replace(/\.0$/, '.'))) problems.push(`the network ${cidr} is already routed:\n${routes}`);
  }
  if (existsSync(NODE.dir)) problems.push(`${NODE.dir} exists`);
  for (const bin of ['containerd', 'ctr', 'runc', 'iptables', 'ip']) {
    try {
      execFileSync('which', [bin], { stdio: 'ignore' });
    } catch {
      problems.push(`${bin} is not installed (.ci/run installs containerd, runc, containernetworking-plugins, iptables)`);
    }
  }
  if (!existsSync(BUSYBOX)) problems.push(`${BUSYBOX} is missing (Debian's busybox-static, for local-path-provisioner's helper pods)`);
  if (!existsSync('/usr/lib/cni/loopback')) problems.push('the CNI loopback plugin (/usr/lib/cni/loopback, containernetworking-plugins; the Cilium agent image installs it) is missing');
  if (problems.length > 0) throw new Error(`cannot start the e2e node:\n${problems.join('\n')}`);
}

function run(cmd: string, args: readonly string[]): void {
  execFileSync(cmd, [...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A running e2e node (and the control plane it is registered with). */
export class E2eNode {
  /** Starts the control plane and the node; on failure everything started is torn down. */
  static async start(options: E2eNodeOptions = {}): Promise<E2eNode> {
    const log = options.log ?? ((): void => undefined);
    takeLock(log);
    const node = new E2eNode(log);
    try {
      preflight();
      await node.boot(options);
      return node;
    } catch (e) {
      await node.stop();
      throw e;
    }
  }

  /** The control plane the node is registered with. */
  plane!: ControlPlane;
  /** The PostgreSQL image imported for CloudNativePG's clusters (its tag is the Debian package version). */
  postgresImage = '';
  /** The Debian package version of that PostgreSQL (e.g. `15.18-0+deb12u1`). */
  postgresPackageVersion = '';
  /** The Valkey image imported for the Infrastructure caches (its tag is the Debian package version). */
  valkeyImage = '';
  /** The Debian package version of that `valkey-server` (e.g. `8.0.1+dfsg1-1~bpo12+1`). */
  valkeyPackageVersion = '';
  /** CloudNativePG's `config/rbac` and `config/webhook` from its module (see `cnpg.ts`). */
  cnpgConfigDir = '';
  private readonly processes: ManagedProcess[] = [];
  private execs = 0;
  private stopped = false;

  private constructor(private readonly log: (m: string) => void) {}

  /** Log file of each node process, by name. */
  get logs(): Readonly<Record<string, string>> {
    return Object.fromEntries(this.processes.map((p) => [p.name, p.logFile]));
  }

  /** Process id of each running node process (containerd, kubelet, …), by name. */
  get pids(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.processes.filter((p) => p.running).map((p) => [p.name, p.pid]));
  }

  /** Containers whose CAP_SYS_RESOURCE the runtime wrapper removed (`<container id> CAP_SYS_RESOURCE` lines). */
  strippedCapabilities(): string[] {
    return existsSync(RUNC_WRAPPER_LOG) ? readFileSync(RUNC_WRAPPER_LOG, 'utf8').split('\n').filter(Boolean) : [];
  }

  /**
   * What a container wrote (stdout and stderr, in order), read from the kubelet's pod log directory: the
   * CRI log lines `<time> <stream> <P|F> <text>` with the prefix removed.
   */
  podLog(namespace: string, pod: string, container: string): string {
    const root = join(NODE.dir, 'pod-logs');
    const dir = readdirSync(root).find((d) => d.startsWith(`${namespace}_${pod}_`));
    if (!dir || !existsSync(join(root, dir, container))) return '';
    const files = readdirSync(join(root, dir, container)).filter((f) => /^\d+\.log$/.test(f)).sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
    const last = files[files.length - 1];
    if (!last) return '';
    return readFileSync(join(root, dir, container, last), 'utf8').split('\n').filter(Boolean)
      .map((l) => l.split(' ').slice(3).join(' ')).join('\n');
  }

  /** The last lines of a node process's log. */
  logTail(name: string, lines = 30): string {
    return this.processes.find((p) => p.name === name)?.logTail(lines) ?? '';
  }

  /**
   * Waits until Cilium's load balancer has a Service with at least one active backend
   * ({@link ciliumServiceProgrammed}, from `cilium-dbg service list -o json` in the agent); until then a
   * connection to its ClusterIP fails. Throws with what the agent lists for it after `timeoutMs`.
   */
  async waitServiceProgrammed(namespace: string, service: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const list = await this.ciliumDbg('service', 'list', '-o', 'json');
      if (ciliumServiceProgrammed(list, namespace, service)) return;
      if (Date.now() > deadline) {
        throw new Error(`Cilium did not program Service ${namespace}/${service} with an active backend within ${timeoutMs} ms; the agent lists:\n${JSON.stringify(ciliumServiceEntries(list, namespace, service), null, 2)}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /**
   * Runs `cilium-dbg` with `args` in the running Cilium agent container (through containerd, as `kubectl exec`
   * would); its standard output.
   */
  async ciliumDbg(...args: string[]): Promise<string> {
    const tasks = await this.ctr('tasks', 'list');
    const containers = (await this.ctr('containers', 'list')).split('\n').filter((l) => l.includes(CILIUM_IMAGES.agent)).map((l) => l.split(/\s+/)[0]!);
    const agent = tasks.split('\n').map((l) => l.split(/\s+/)).find((f) => containers.includes(f[0]!) && f[2] === 'RUNNING')?.[0];
    if (!agent) throw new Error(`no running container of ${CILIUM_IMAGES.agent}:\n${tasks}`);
    return this.ctr('tasks', 'exec', '--exec-id', `dbg-${process.pid}-${++this.execs}`, agent, 'cilium-dbg', ...args);
  }

  /** Packets dropped so far by the node's chain (pod traffic to an address outside the host). */
  droppedOutbound(): number {
    const out = execFileSync('iptables', ['-w', '-t', 'mangle', '-L', NODE.chain, '-v', '-x', '-n'], { encoding: 'utf8' });
    const rule = out.split('\n').find((l) => /\bDROP\b/.test(l));
    if (!rule) throw new Error(`no DROP rule in ${NODE.chain}:\n${out}`);
    return Number(rule.trim().split(/\s+/)[0]);
  }

  /** `ctr` against the node's containerd (namespace k8s.io). */
  async ctr(...args: string[]): Promise<string> {
    return (await $({ quiet: true })`ctr --address ${CONTAINERD_SOCKET} -n k8s.io ${args}`).stdout;
  }

  /** Stops every node process and the control plane, then runs the teardown script. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // kubelet first (no new pods), then the rest; the teardown kills the containers and shims.
    for (const p of [...this.processes].reverse()) await p.stop(10_000);
    if (this.plane) await this.plane.stop();
    // The node's logs outlive it (for a failed run's diagnosis) in LAST_RUN_LOGS.
    if (existsSync(join(NODE.dir, 'logs'))) {
      rmSync(LAST_RUN_LOGS, { recursive: true, force: true });
      cpSync(join(NODE.dir, 'logs'), LAST_RUN_LOGS, { recursive: true });
    }
    if (existsSync(TEARDOWN_SCRIPT)) {
      execFileSync('/bin/bash', [TEARDOWN_SCRIPT], { stdio: 'inherit' });
    } else if (existsSync(NODE.lock) && readFileSync(NODE.lock, 'utf8').trim() === String(process.pid)) {
      rmSync(NODE.lock, { force: true });
    }
    unregisterCleanupScript(TEARDOWN_SCRIPT);
  }

  private spawnInCgroup(name: string, command: string, args: readonly string[], env?: NodeJS.ProcessEnv): ManagedProcess {
    // Join the node's cgroup (every hierarchy but memory, which stays the runner's) before exec'ing, so that
    // the process and everything it starts (containerd's shims) can be found and killed by cgroup.
    const enter = `for h in /sys/fs/cgroup/*/; do [ "$h" = /sys/fs/cgroup/memory/ ] || echo $$ > "$h"${NODE.cgroup}/node/cgroup.procs; done; exec "$0" "$@"`;
    const proc = ManagedProcess.start({
      name, command: '/bin/sh', args: ['-c', enter, command, ...args], logFile: join(NODE.dir, 'logs', `${name}.log`),
      ...(env ? { env } : {}),
    });
    this.processes.push(proc);
    return proc;
  }

  private async boot(options: E2eNodeOptions): Promise<void> {
    const log = this.log;
    toolPaths(CILIUM_NODE_TOOLS);
    const tools = toolPaths(['kubernetes', 'etcd', 'coredns', 'local-path-provisioner', 'cloudnative-pg', 'cloudnative-pg-config']);
    const postgres = debianRootfs('postgresql-rootfs');
    const valkey = debianRootfs('valkey-rootfs');
    const baseline = { sysctls: readSysctls(), hostPaths: existingHostPaths(), pid: process.pid, hostMounts: existingHostMounts() };

    // The teardown exists before anything is created, and the watchdog knows it.
    for (const d of ['logs', 'bin', 'images', 'cni/net.d', 'containerd', 'kubelet', 'pod-logs']) {
      mkdirSync(join(NODE.dir, d), { recursive: true });
    }
    writeFileSync(TEARDOWN_SCRIPT, renderTeardownScript(baseline), { mode: 0o755 });
    registerCleanupScript(TEARDOWN_SCRIPT);

    // cgroups: the node's own, in every hierarchy (cpuset needs its cpus and mems before a task may join).
    for (const h of cgroupHierarchies()) {
      for (const d of [NODE.cgroup, `${NODE.cgroup}/node`]) {
        mkdirSync(join(h, d), { recursive: true });
        if (h.endsWith('/cpuset')) {
          for (const f of ['cpuset.cpus', 'cpuset.mems']) writeFileSync(join(h, d, f), readFileSync(join(h, f), 'utf8'));
        }
      }
    }

    // Network: the node's bridge with the gateway address (the API server binds to it; Cilium's datapath attaches
    // to it), forwarding on, and the node's chain first in the mangle table's FORWARD: pod traffic may go to pods
    // and to the host, never out of the host (Cilium's legacy host routing sends forwarded traffic through here).
    // Not the filter table: Cilium inserts its own chain first there (pkg/datapath/iptables, `prepend-iptables-chains`),
    // which accepts everything forwarded from `lxc+` — a pod outside any workspace policy reached the uplink.
    run('ip', ['link', 'add', NODE.bridge, 'type', 'bridge']);
    run('ip', ['addr', 'add', `${NODE.gateway}/${NODE.prefix}`, 'dev', NODE.bridge]);
    run('ip', ['link', 'set', NODE.bridge, 'up']);
    writeSysctl('net/ipv4/ip_forward', '1');
    run('iptables', ['-w', '-t', 'mangle', '-N', NODE.chain]);
    run('iptables', ['-w', '-t', 'mangle', '-A', NODE.chain, '-s', CILIUM_NODE.podCidr, '-d', CILIUM_NODE.podCidr, '-j', 'RETURN']);
    run('iptables', ['-w', '-t', 'mangle', '-A', NODE.chain, '-s', CILIUM_NODE.podCidr, '-j', 'DROP']);
    // The node's own cgroup of the cgroup2 hierarchy, where Cilium attaches socket load balancing.
    mkdirSync(CILIUM_NODE.cgroupRoot, { recursive: true });
    run('mount', ['--bind', join('/sys/fs/cgroup/unified', NODE.cgroup), CILIUM_NODE.cgroupRoot]);
    run('mount', ['--make-shared', CILIUM_NODE.cgroupRoot]);
    // The chart's volumes with mount propagation need shared host mounts (see HOST_MOUNTS).
    const mounted = existingHostMounts();
    for (const m of HOST_MOUNTS) {
      if (mounted.includes(m)) continue;
      mkdirSync(m, { recursive: true });
      if (m === '/sys/fs/bpf') run('mount', ['-t', 'bpf', 'bpf', m]);
      else run('mount', ['--bind', m, m]);
      run('mount', ['--make-shared', m]);
    }
    mkdirSync(CILIUM_NODE.cniBinPath, { recursive: true });
    run('iptables', ['-w', '-t', 'mangle', '-I', 'FORWARD', '1', '-j', NODE.chain]);

    // Binaries and images.
    let started = Date.now();
    const bin = await buildNodeBinaries(join(NODE.dir, 'bin'));
    const specs: ImageSpec[] = nodeImageSpecs({
      ...bin,
      coredns: tools.coredns, localPathProvisioner: tools.localPathProvisioner, busybox: BUSYBOX, cnpgManager: tools.cnpgManager, postgres, valkey,
    });
    specs.push(...ciliumImageSpecs());
    this.postgresImage = postgresImage(postgres.packageVersion);
    this.postgresPackageVersion = postgres.packageVersion;
    this.valkeyImage = valkeyImage(valkey.packageVersion);
    this.valkeyPackageVersion = valkey.packageVersion;
    this.cnpgConfigDir = tools.cnpgConfig;
    const archives: string[] = [];
    for (const spec of specs) {
      const archive = join(NODE.dir, 'images', `${spec.ref.replace(/[/:]/g, '_')}.tar`);
      await writeImageArchive(spec, archive, join(NODE.dir, 'images', 'scratch'));
      archives.push(archive);
    }
    log(`node binaries and ${specs.length} images built in ${Date.now() - started} ms`);

    // Control plane on the bridge address, with the Node authorizer for the kubelet.
    started = Date.now();
    this.plane = await ControlPlane.start({
      address: NODE.gateway,
      apiServerPort: NODE_API_SERVER_PORT,
      controllers: [...DEFAULT_CONTROLLERS, ...NODE_CONTROLLERS, ...(options.controllers ?? [])],
      authorizationModes: ['Node', 'RBAC'],
      // Webhooks (CloudNativePG's) and aggregated APIs are called at their Service's endpoints, not its ClusterIP
      // (cmd/kube-apiserver/app/server.go: buildServiceResolver). Cilium translates ClusterIPs for the node's
      // processes (socket LB on the node's own cgroup2 subtree, deviation `cgroup.hostRoot`) and its pods; the
      // control plane runs beside the node, so a ClusterIP it dialled would leave through the host's uplink.
      apiServerArgs: ['--enable-admission-plugins=NodeRestriction', '--enable-aggregator-routing=true'],
      // Each controller acts as its own ServiceAccount in kube-system (`system:serviceaccount:kube-system:
      // endpointslice-controller`, …, with the bootstrap roles `system:controller:*`), as kubeadm runs it: the
      // platform's policies name those identities (service-endpoints lets only the endpoint controllers write
      // EndpointSlices in a workspace; operator-labels exempts the workload controllers). The tokens come from
      // the TokenRequest API (no --service-account-private-key-file: no legacy token Secrets).
      controllerManagerArgs: ['--use-service-account-credentials=true',
        // The node's podCIDR, which Cilium's `ipam.mode: kubernetes` reads from the Node.
        '--allocate-node-cidrs=true', `--cluster-cidr=${CILIUM_NODE.podCidr}`, '--node-cidr-mask-size=24'],
      log,
    });
    log(`control plane up in ${Date.now() - started} ms (${this.plane.server})`);

    // containerd.
    started = Date.now();
    // Cilium's agent writes the CNI configuration (05-cilium.conflist) and installs its plugin when it starts.
    const containerdConfig = join(NODE.dir, 'containerd', 'config.toml');
    writeFileSync(containerdConfig, containerdToml(bin.runcWrapper, CILIUM_NODE.cniBinPath));
    const containerd = this.spawnInCgroup('containerd', 'containerd', ['--config', containerdConfig], {
      ...process.env, RUNC_WRAPPER_LOG, RUNC_WRAPPER_RUNC: '/usr/sbin/runc',
    });
    await waitReady(containerd, 'containerd', 30_000, async () => {
      if (!existsSync(CONTAINERD_SOCKET)) return false;
      await this.ctr('version');
      return true;
    });
    for (const a of archives) await this.ctr('images', 'import', '--no-unpack=false', a);
    log(`containerd ready, images imported in ${Date.now() - started} ms`);

    // kubelet.
    started = Date.now();
    const kubeletIdentity: Identity = { user: `system:node:${NODE.name}`, groups: ['system:nodes'] };
    const kubeletKc = await this.plane.issueKubeconfig('kubelet', kubeletIdentity);
    const kubeletConfig = join(NODE.dir, 'kubelet', 'config.yaml');
    const healthz = await freePort();
    writeFileSync(kubeletConfig, toYaml({
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      failCgroupV1: false,
      cgroupDriver: 'cgroupfs',
      cgroupRoot: `/${NODE.cgroup}`,
      containerRuntimeEndpoint: `unix://${CONTAINERD_SOCKET}`,
      address: NODE.gateway,
      port: await freePort(),
      readOnlyPort: 0,
      healthzBindAddress: '127.0.0.1',
      healthzPort: healthz,
      authentication: { anonymous: { enabled: false }, webhook: { enabled: false }, x509: { clientCAFile: join(this.plane.dir, 'pki', 'ca.crt') } },
      authorization: { mode: 'AlwaysAllow' },
      clusterDNS: [NODE.clusterDns],
      clusterDomain: 'cluster.local',
      failSwapOn: false,
      podLogsDir: join(NODE.dir, 'pod-logs'),
      volumePluginDir: join(NODE.dir, 'kubelet', 'volume-plugins'),
      resolvConf: '/etc/resolv.conf',
      maxPods: 40,
      serializeImagePulls: false,
      shutdownGracePeriod: '0s',
      imageGCHighThresholdPercent: 100,
      imageGCLowThresholdPercent: 99,
      evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
      protectKernelDefaults: false,
      nodeStatusUpdateFrequency: '5s',
      syncFrequency: '10s',
    }));
    const kubelet = this.spawnInCgroup('kubelet', tools.kubelet, [
      `--config=${kubeletConfig}`,
      `--kubeconfig=${kubeletKc.kubeconfig}`,
      `--root-dir=${join(NODE.dir, 'kubelet')}`,
      `--cert-dir=${join(NODE.dir, 'kubelet', 'pki')}`,
      `--hostname-override=${NODE.name}`,
      `--node-ip=${NODE.gateway}`,
      '--v=0',
    ]);
    await waitReady(kubelet, 'kubelet', 60_000, async () => (await get(`http://127.0.0.1:${healthz}/healthz`)).status === 200);
    const api = new KubeClient(this.plane.admin);
    // Without a CNI configuration the node is not Ready until Cilium's agent writes one (startCilium waits).

    // kube-scheduler as its bootstrap-RBAC identity.
    started = Date.now();
    const schedKc = await this.plane.issueKubeconfig('kube-scheduler', { user: 'system:kube-scheduler' });
    const schedPort = await freePort();
    const scheduler = this.spawnInCgroup('kube-scheduler', tools.kubeScheduler, [
      `--kubeconfig=${schedKc.kubeconfig}`,
      `--authentication-kubeconfig=${schedKc.kubeconfig}`,
      `--authorization-kubeconfig=${schedKc.kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${schedPort}`,
      `--cert-dir=${join(NODE.dir, 'scheduler')}`,
      '--leader-elect=false',
      '--v=0',
    ]);
    // Its serving certificate is self-signed (in --cert-dir): the probe checks liveness, not identity.
    await waitReady(scheduler, 'kube-scheduler', 60_000, async () => (await get(`https://127.0.0.1:${schedPort}/healthz`, { insecure: true })).status === 200);
    log(`kube-scheduler ready in ${Date.now() - started} ms`);
    await this.startCilium(api, kubelet);
    await this.startAddons(api, kubelet);
  }

  /**
   * Cilium's objects rendered from the platform's values; waits for the operator (which registers Cilium's CRDs,
   * as on Kind), the agent and the node.
   */
  private async startCilium(api: KubeClient, kubelet: ManagedProcess): Promise<void> {
    const started = Date.now();
    const port = Number(new URL(this.plane.server).port);
    const objects = adaptRenderedForNode(renderCilium(ciliumE2eValues(process.cwd(), port), join(NODE.dir, 'cilium-values.json')));
    for (const o of objects) await api.apply(o, { fieldManager: NODE_FIELD_MANAGER });
    try {
      await waitReady(kubelet, 'the Cilium operator available', 300_000, async () => deploymentAvailable(await api.get('apps/v1', 'Deployment', 'cilium-operator', 'kube-system')));
      // The agent waits for the CRDs it needs, which the operator registers.
      await waitReady(kubelet, 'the Cilium agent Ready', 300_000, async () => daemonSetReady(await api.get('apps/v1', 'DaemonSet', 'cilium', 'kube-system')));
      await waitReady(kubelet, `node ${NODE.name} Ready`, 120_000, async () => nodeReady(await api.get('v1', 'Node', NODE.name)));
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\nkube-system:\n${await api.describeNamespace('kube-system')}\n${this.ciliumAgentLogs()}`);
    }
    this.log(`Cilium operator and agent ready, node Ready in ${Date.now() - started} ms`);
  }

  /**
   * What the Cilium agent's and operator's pods' containers wrote, for a failure message: each container's warnings and errors
   * and its last lines (the kubelet keeps the current and the previous run of a container).
   */
  ciliumAgentLogs(lines = 40): string {
    const root = join(NODE.dir, 'pod-logs');
    if (!existsSync(root)) return '';
    return readdirSync(root).filter((d) => d.startsWith('kube-system_cilium-')).flatMap((d) => readdirSync(join(root, d)).flatMap((c) =>
      readdirSync(join(root, d, c)).filter((f) => /^\d+\.log$/.test(f)).map((f) => {
        const all = readFileSync(join(root, d, c, f), 'utf8').split('\n').filter(Boolean);
        const notable = all.filter((l) => /level=(warn|error|fatal)|panic/.test(l)).slice(-lines);
        return `--- ${d}/${c}/${f} (${all.length} lines; warnings and errors, then the last ${lines})\n${notable.join('\n')}\n...\n${all.slice(-lines).join('\n')}`;
      }))).join('\n');
  }

  private async startAddons(api: KubeClient, kubelet: ManagedProcess): Promise<void> {
    const log = this.log;
    const apply = async (o: KubeObject): Promise<void> => {
      await api.apply(o, { fieldManager: NODE_FIELD_MANAGER });
    };
    let started = Date.now();
    await apply({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: UNWRAPPED_RUNTIME }, handler: UNWRAPPED_RUNTIME });

    // CoreDNS as a pod.
    started = Date.now();
    for (const o of coreDnsObjects()) await apply(o);
    try {
      await waitReady(kubelet, 'CoreDNS available', 120_000, async () => deploymentAvailable(await api.get('apps/v1', 'Deployment', 'coredns', 'kube-system')));
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\nkube-system:\n${await api.describeNamespace('kube-system')}`);
    }
    await this.waitServiceProgrammed('kube-system', 'kube-dns');
    log(`CoreDNS available in ${Date.now() - started} ms`);

    // local-path-provisioner as a pod, volumes below the node directory.
    started = Date.now();
    for (const o of localPathObjects()) await apply(o);
    try {
      await waitReady(kubelet, 'local-path-provisioner available', 120_000, async () => deploymentAvailable(await api.get('apps/v1', 'Deployment', 'local-path-provisioner', 'local-path-storage')));
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\nlocal-path-storage:\n${await api.describeNamespace('local-path-storage')}`);
    }
    log(`local-path-provisioner available in ${Date.now() - started} ms`);
  }
}

/** containerd's configuration (version 2, containerd 1.6). */
function containerdToml(runcWrapper: string, cniBinDir: string): string {
  const d = join(NODE.dir, 'containerd');
  return `version = 2
root = "${d}/root"
state = "${d}/state"
oom_score = 0
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]

[grpc]
  address = "${CONTAINERD_SOCKET}"

[ttrpc]
  address = "${d}/containerd.sock.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "${d}/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${IMAGES.pause}"
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "${runcWrapper}"
        SystemdCgroup = false
    # Plain runc, for the test that shows why the wrapper exists (RuntimeClass ${UNWRAPPED_RUNTIME}).
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.${UNWRAPPED_RUNTIME}]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.${UNWRAPPED_RUNTIME}.options]
        BinaryName = "/usr/sbin/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${cniBinDir}"
    conf_dir = "${NODE.dir}/cni/net.d"
    max_conf_num = 1
`;
}

/** True when `node` (as read) reports the condition Ready=True. */
function nodeReady(node: KubeObject | undefined): boolean {
  return conditionTrue(node, 'Ready');
}

/** True when the object (as read) has the status condition `type` with status `True`. */
function conditionTrue(obj: KubeObject | undefined, type: string): boolean {
  const conditions = (obj?.status?.conditions ?? []) as { type: string; status: string }[];
  return conditions.some((c) => c.type === type && c.status === 'True');
}

/** True when the DaemonSet (as read) has pods scheduled, all of them up to date and ready. */
function daemonSetReady(ds: KubeObject | undefined): boolean {
  const s = (ds?.status ?? {}) as { desiredNumberScheduled?: number; numberReady?: number; updatedNumberScheduled?: number };
  const want = s.desiredNumberScheduled ?? 0;
  return want > 0 && s.numberReady === want && s.updatedNumberScheduled === want;
}

/** True when `deployment` (as read) has as many available replicas as it asks for. */
function deploymentAvailable(deployment: KubeObject | undefined): boolean {
  if (!deployment) return false;
  const available = (deployment.status?.availableReplicas as number | undefined) ?? 0;
  return available >= ((deployment.spec?.replicas as number | undefined) ?? 1);
}

/**
 * local-path-provisioner in `local-path-storage` with upstream's RBAC and ConfigMap (deploy/local-path-storage.yaml
 * of v0.0.30, restated): volumes below {@link LOCAL_PATH_DIR}, helper pods from Debian's busybox-static. The
 * platform's StorageClass (`retained`, provisioner `rancher.io/local-path`) comes from dist/.
 */
export function localPathObjects(): KubeObject[] {
  const ns = 'local-path-storage';
  const sa = 'local-path-provisioner-service-account';
  const helperPod = toYaml({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'helper-pod' },
    spec: {
      priorityClassName: 'system-node-critical',
      tolerations: [{ key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' }],
      containers: [{ name: 'helper-pod', image: IMAGES.busybox, imagePullPolicy: 'IfNotPresent' }],
    },
  });
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: ns } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'local-path-provisioner-role', namespace: ns },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'local-path-provisioner-role' },
      rules: [
        { apiGroups: [''], resources: ['nodes', 'persistentvolumeclaims', 'configmaps', 'pods', 'pods/log'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
        { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'local-path-provisioner-bind', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'local-path-provisioner-role' },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace: ns }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'local-path-provisioner-bind' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'local-path-provisioner-role' },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace: ns }],
    },
    {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'local-path-config', namespace: ns },
      data: {
        'config.json': JSON.stringify({ nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: [LOCAL_PATH_DIR] }] }),
        setup: 'set -eu\nmkdir -m 0777 -p "$VOL_DIR"',
        teardown: 'set -eu\nrm -rf "$VOL_DIR"',
        'helperPod.yaml': helperPod,
      },
    },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'local-path-provisioner', namespace: ns },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'local-path-provisioner' } },
        template: {
          metadata: { labels: { app: 'local-path-provisioner' } },
          spec: {
            serviceAccountName: sa,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: 'local-path-provisioner',
              image: IMAGES.localPathProvisioner,
              command: ['/local-path-provisioner', '--debug', 'start', '--config', '/etc/config/config.json'],
              env: [
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'CONFIG_MOUNT_PATH', value: '/etc/config/' },
              ],
              resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '128Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'config-volume', mountPath: '/etc/config/' }],
            }],
            volumes: [{ name: 'config-volume', configMap: { name: 'local-path-config' } }],
          },
        },
      },
    },
  ];
}

/** The cluster DNS: CoreDNS's Deployment, Service (10.96.0.10), ConfigMap and RBAC in kube-system. */
export function coreDnsObjects(): KubeObject[] {
  const labels = { 'k8s-app': 'kube-dns' };
  const corefile = [
    '.:53 {',
    '    errors',
    '    health :8080',
    '    ready :8181',
    '    kubernetes cluster.local in-addr.arpa ip6.arpa {',
    '        pods insecure',
    '        fallthrough in-addr.arpa ip6.arpa',
    '    }',
    '    cache 30',
    '    loadbalance',
    '}',
    '',
  ].join('\n');
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'coredns', namespace: 'kube-system' } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:coredns' },
      rules: [
        { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'system:coredns' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:coredns' },
      subjects: [{ kind: 'ServiceAccount', name: 'coredns', namespace: 'kube-system' }],
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: corefile } },
    oneReplicaDeployment('kube-system', 'coredns', labels, {
      serviceAccountName: 'coredns',
      dnsPolicy: 'Default',
      securityContext: {
        runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' },
        // Port 53 without CAP_NET_BIND_SERVICE: a namespaced, safe sysctl.
        sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '53' }],
      },
      containers: [{
        name: 'coredns',
        image: IMAGES.coredns,
        args: ['-conf', '/etc/coredns/Corefile'],
        ports: [
          { name: 'dns', containerPort: 53, protocol: 'UDP' },
          { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
        ],
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
        readinessProbe: { httpGet: { path: '/ready', port: 8181 }, periodSeconds: 2 },
        livenessProbe: { httpGet: { path: '/health', port: 8080 }, periodSeconds: 10 },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        volumeMounts: [{ name: 'config', mountPath: '/etc/coredns', readOnly: true }],
      }],
      volumes: [{ name: 'config', configMap: { name: 'coredns' } }],
    }),
    {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system', labels },
      spec: {
        clusterIP: NODE.clusterDns,
        selector: labels,
        ports: [
          { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, targetPort: 53, protocol: 'TCP' },
        ],
      },
    },
  ];
}

/** The Service CIDR (re-exported for the suite). */
export { SERVICE_CLUSTER_IP_RANGE };
