/**
 * The host side of the e2e node (`npm run test:e2e`): its fixed names, the lock that allows one e2e node per
 * host, the host settings it changes and restores, and the teardown script that undoes everything it creates.
 *
 * The names are fixed (not random) so that a run killed outright (SIGKILL, no handler runs) can be cleaned by
 * the watchdog of `tools/control-plane/src/managed-process.ts` and, failing that, by the next run, which finds
 * the teardown script of the dead one next to its lock.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The fixed names and addresses of the e2e node. */
export const NODE = {
  /** Node name (kubelet `--hostname-override`). */
  name: 'mini-atlas-e2e',
  /** Every file of the node: containerd root and state, kubelet root, CNI state, logs, PKI, images. */
  dir: '/var/lib/mini-atlas-e2e',
  /** One e2e node per host: holds the pid of the runner. */
  lock: '/run/mini-atlas-e2e.lock',
  /** The node's bridge: its address is the API server's, and Cilium's datapath attaches to it (`devices`). */
  bridge: 'maatlas-e2e0',
  /** The bridge's network (the pods' network is Cilium's, `CILIUM_NODE.podCidr`). */
  podCidr: '10.244.0.0/24',
  /** Address of the bridge. */
  gateway: '10.244.0.1',
  /** Prefix length of the pod network. */
  prefix: 24,
  /** ClusterIP of the cluster DNS Service. */
  clusterDns: '10.96.0.10',
  /** The node's own iptables chain (mangle table, first rule of FORWARD, ahead of Cilium's filter rules): drops pod traffic leaving the host. */
  chain: 'MINI-ATLAS-E2E',
  /** cgroup (in every hierarchy) holding containerd, its shims and, below `kubepods`, every pod. */
  cgroup: 'mini-atlas-e2e',
  /** CNI network name of Cilium's `05-cilium.conflist` (also the prefix of libcni's cache files). */
  cniNetwork: 'cilium',
} as const;

/** The teardown script (in {@link NODE.dir}). */
export const TEARDOWN_SCRIPT = join(NODE.dir, 'teardown.sh');

/**
 * Kernel settings the node changes (`/proc/sys` paths): IP forwarding (pod traffic routed by the host), the kubelet's kernel tunables (`vm/overcommit_memory`,
 * `vm/panic_on_oom`, `kernel/panic`, `kernel/panic_on_oops`, `kernel/keys/root_max*`) and what Cilium's agent or
 * the kernel's netfilter may touch. Each is read before the node starts and written back by the teardown.
 */
export const TOUCHED_SYSCTLS: readonly string[] = [
  'net/ipv4/ip_forward',
  'net/ipv6/conf/all/forwarding',
  'vm/overcommit_memory',
  'vm/panic_on_oom',
  'kernel/panic',
  'kernel/panic_on_oops',
  'kernel/keys/root_maxkeys',
  'kernel/keys/root_maxbytes',
  'net/bridge/bridge-nf-call-iptables',
  'net/bridge/bridge-nf-call-ip6tables',
  'net/ipv4/conf/all/route_localnet',
  'net/netfilter/nf_conntrack_max',
  // What Cilium's agent sets host-wide (pkg/datapath/loader, pkg/datapath/linux: `tables.Sysctl` entries). Its
  // `kernel.unprivileged_bpf_disabled=1` cannot be written back (1 is final until reboot); see cilium.ts.
  'net/ipv4/conf/all/rp_filter',
  'net/ipv4/conf/all/forwarding',
  'net/ipv4/fib_multipath_use_neigh',
  'net/core/bpf_jit_enable',
  'net/core/fb_tunnels_only_for_init_net',
  'kernel/timer_migration',
];

/**
 * Host paths outside {@link NODE.dir} that the components create when they are missing (default directories
 * that cannot all be moved: the kubelet's `/var/log/containers` symlinks, libcni's cache). The teardown removes
 * each one that did not exist before the node started, and our entries from those that did.
 */
export const HOST_PATHS: readonly string[] = [
  '/var/lib/kubelet',
  '/var/lib/containerd',
  '/run/containerd',
  '/opt/containerd',
  '/var/log/pods',
  '/var/log/containers',
  '/var/lib/cni',
  '/etc/cni',
  '/run/netns',
  '/etc/kubernetes',
  '/var/run/kubernetes',
  '/usr/libexec/kubernetes',
  // Cilium's agent: its runtime state and API socket (where the CNI plugin finds it), the chart's xtables lock.
  '/run/cilium',
  '/run/xtables.lock',
];

/** Reads the {@link TOUCHED_SYSCTLS} that exist on this host. */
export function readSysctls(): Record<string, string> {
  return Object.fromEntries(TOUCHED_SYSCTLS.flatMap((key) => {
    const file = join('/proc/sys', key);
    return existsSync(file) ? [[key, readFileSync(file, 'utf8').trim()]] : [];
  }));
}

/** Writes one kernel setting. */
export function writeSysctl(key: string, value: string): void {
  writeFileSync(join('/proc/sys', key), `${value}\n`);
}

/** The cgroup hierarchies mounted under `/sys/fs/cgroup` (v1 controllers, named ones and the unified one). */
export function cgroupHierarchies(): string[] {
  return readdirSync('/sys/fs/cgroup', { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join('/sys/fs/cgroup', e.name));
}

/** Pids of every process in the node's cgroups (any hierarchy, any depth). */
export function nodeProcesses(): number[] {
  const pids = new Set<number>();
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name === 'cgroup.procs') {
        for (const l of readFileSync(join(dir, e.name), 'utf8').split('\n')) if (l.trim()) pids.add(Number(l));
      }
    }
  };
  for (const h of cgroupHierarchies()) walk(join(h, NODE.cgroup));
  return [...pids].sort((a, b) => a - b);
}

/** The node's cgroup directories that exist, in any hierarchy. */
export function nodeCgroups(): string[] {
  return cgroupHierarchies().map((h) => join(h, NODE.cgroup)).filter((d) => existsSync(d));
}

/** Mount points at or below {@link NODE.dir} (host mount namespace). */
export function nodeMounts(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m === NODE.dir || m.startsWith(`${NODE.dir}/`));
}

/** Interfaces Cilium's agent creates: `cilium_host`/`cilium_net` (and `cilium_vxlan` in tunnel mode), `lxc…` per endpoint. */
const CILIUM_INTERFACE = /^(cilium_|lxc)/;

/**
 * Mount points outside {@link NODE.dir} that the Cilium node creates as shared mounts when they are not mount
 * points yet (containerd refuses Bidirectional and HostToContainer propagation from a private mount, and this
 * host's `/` is private): the bpf filesystem (Cilium's chart would mount it from an init container) and
 * `/run/netns` bound to itself (as `ip netns add` does). The teardown unmounts each that was not mounted before.
 */
export const HOST_MOUNTS: readonly string[] = ['/sys/fs/bpf', '/run/netns'];

/** Which of {@link HOST_MOUNTS} are mount points now. */
export function existingHostMounts(): string[] {
  const points = new Set(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]));
  return HOST_MOUNTS.filter((m) => points.has(m));
}

/** Network interfaces of the node: the bridge and the veths attached to it, and Cilium's. */
export function nodeInterfaces(): string[] {
  const out = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  return out.split('\n').flatMap((l) => {
    const m = /^\d+: ([^:@]+)[@:].*/.exec(l);
    if (!m) return [];
    return m[1] === NODE.bridge || l.includes(` master ${NODE.bridge} `) || CILIUM_INTERFACE.test(m[1]!) ? [m[1]!] : [];
  });
}

/** `-N` and `-A` lines of iptables/ip6tables (all tables) that belong to the node or to Kubernetes. */
export function nodeFirewallRules(): string[] {
  const lines: string[] = [];
  for (const cmd of ['iptables', 'ip6tables']) {
    for (const table of ['filter', 'nat', 'mangle', 'raw']) {
      let out = '';
      try {
        out = execFileSync(cmd, ['-w', '-t', table, '-S'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      } catch {
        continue;
      }
      for (const l of out.split('\n')) {
        if (/(KUBE-|CNI-|CILIUM_|MINI-ATLAS-E2E)/.test(l)) lines.push(`${cmd} -t ${table} ${l}`);
      }
    }
  }
  return lines;
}

/** Which of {@link HOST_PATHS} exist now. */
export function existingHostPaths(): string[] {
  return HOST_PATHS.filter((p) => existsSync(p));
}

/** Everything the node may leave on the host, for the hygiene checks. */
export interface HostFootprint {
  readonly processes: readonly number[];
  readonly cgroups: readonly string[];
  readonly mounts: readonly string[];
  readonly interfaces: readonly string[];
  readonly firewall: readonly string[];
  readonly hostPaths: readonly string[];
  readonly nodeDir: boolean;
  readonly lock: boolean;
  readonly sysctls: Readonly<Record<string, string>>;
  /** Which of {@link HOST_MOUNTS} are mount points (the node mounts those that were not, and unmounts them). */
  readonly hostMounts: readonly string[];
  /** The host's policy routing rules, v4 and v6 (Cilium's L7 proxy adds rules to its tables 2004/2005 and moves `lookup local`). */
  readonly routingRules: readonly string[];
}

/** `ip rule show` of both families, one line each, prefixed by the family. */
function routingRules(): string[] {
  return (['-4', '-6'] as const).flatMap((family) => execFileSync('ip', [family, 'rule', 'show'], { encoding: 'utf8' })
    .split('\n').filter(Boolean).map((l) => `${family} ${l.trim()}`));
}

/** The node's current footprint on the host. */
export function hostFootprint(): HostFootprint {
  return {
    processes: nodeProcesses(),
    cgroups: nodeCgroups(),
    mounts: nodeMounts(),
    interfaces: nodeInterfaces(),
    firewall: nodeFirewallRules(),
    hostPaths: existingHostPaths(),
    nodeDir: existsSync(NODE.dir),
    lock: existsSync(NODE.lock),
    sysctls: readSysctls(),
    hostMounts: existingHostMounts(),
    routingRules: routingRules(),
  };
}

/** What the teardown restores: the settings and host paths found before the node started. */
export interface HostBaseline {
  readonly sysctls: Readonly<Record<string, string>>;
  readonly hostPaths: readonly string[];
  /** Pid of the runner holding the lock. */
  readonly pid: number;
  /** Which of {@link HOST_MOUNTS} were mount points before the node started (those are left alone). */
  readonly hostMounts?: readonly string[];
}

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The teardown script: kills every process in the node's cgroups (containers and containerd shims included),
 * unmounts everything below the node directory, deletes the veths and the bridge, deletes every Kubernetes
 * and node iptables rule and chain (IPv4 and IPv6), removes the cgroups, writes back the kernel settings,
 * removes what the components created outside the node directory, then the node directory and the lock.
 * Idempotent; run by {@link E2eNode.stop}, by the watchdog when the runner died, and by the next run when the
 * watchdog died too.
 */
export function renderTeardownScript(base: HostBaseline): string {
  const restore = Object.entries(base.sysctls)
    .map(([k, v]) => `[ "$(cat /proc/sys/${k} 2>/dev/null)" = ${q(v)} ] || echo ${q(v)} > /proc/sys/${k} 2>/dev/null`);
  const paths = HOST_PATHS.map((p) => base.hostPaths.includes(p)
    ? `# ${p} existed before the node started: only our entries go`
    : `[ -e ${q(p)} ] && rm -rf --one-file-system ${q(p)}`);
  return `#!/bin/bash
# Teardown of the Mini-Atlas e2e node, generated by tools/node/src/host.ts for runner pid ${base.pid}. Idempotent.
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin
DIR=${q(NODE.dir)}
CG=${q(NODE.cgroup)}
BRIDGE=${q(NODE.bridge)}

procs() { for h in /sys/fs/cgroup/*/; do [ -d "$h$CG" ] && find "$h$CG/" -name cgroup.procs -exec cat {} + 2>/dev/null; done | sort -un; }
for _ in $(seq 1 100); do
  p=$(procs)
  [ -z "$p" ] && break
  kill -9 $p 2>/dev/null
  sleep 0.1
done

for _ in 1 2 3 4 5; do
  m=$(awk -v d="$DIR" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  [ -z "$m" ] && break
  for x in $m; do umount "$x" 2>/dev/null || umount -l "$x" 2>/dev/null; done
done

for l in $(ip -o link show master "$BRIDGE" 2>/dev/null | awk -F': ' '{ print $2 }' | cut -d@ -f1); do ip link del "$l" 2>/dev/null; done
ip link del "$BRIDGE" 2>/dev/null
for l in $(ip -o link show 2>/dev/null | awk -F': ' '{ print $2 }' | cut -d@ -f1 | grep -E '^(cilium_|lxc)'); do ip link del "$l" 2>/dev/null; done
# Cilium's policy routing (L7 proxy): its rules and tables, and the local table's rule back at priority 0.
ip -4 rule show 2>/dev/null | grep -E 'lookup (2004|2005)' | cut -d: -f1 | while read -r pref; do ip -4 rule del pref "$pref" 2>/dev/null; done
ip -4 route flush table 2004 2>/dev/null; ip -4 route flush table 2005 2>/dev/null
if ! ip -4 rule show | grep -qE '^0:[[:space:]]+from all lookup local'; then ip -4 rule add pref 0 lookup local 2>/dev/null && ip -4 rule del pref 100 lookup local 2>/dev/null; fi
${HOST_MOUNTS.map((m) => (base.hostMounts ?? HOST_MOUNTS).includes(m)
    ? `# ${m} was a mount point before the node started: left as it is`
    : `while awk -v m=${q(m)} '$5 == m { found = 1 } END { exit !found }' /proc/self/mountinfo; do umount ${q(m)} 2>/dev/null || umount -l ${q(m)} 2>/dev/null || break; done`).join('\n')}

for cmd in iptables ip6tables; do
  for t in filter nat mangle raw; do
    $cmd -w -t $t -S 2>/dev/null | grep -E -- '^-A [A-Z]+ .*-j (KUBE-[A-Z0-9-]+|CILIUM_[A-Za-z0-9_]+|${NODE.chain})( |$)' | grep -E '^-A (INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING) ' \\
      | sed 's/^-A /-D /' | while read -r rule; do eval "$cmd -w -t $t $rule" 2>/dev/null; done
    chains=$($cmd -w -t $t -S 2>/dev/null | awk '$1 == "-N" && ($2 ~ /^KUBE-/ || $2 ~ /^CILIUM_/ || $2 == "${NODE.chain}") { print $2 }')
    for c in $chains; do $cmd -w -t $t -F "$c" 2>/dev/null; done
    for c in $chains; do $cmd -w -t $t -X "$c" 2>/dev/null; done
  done
done

for h in /sys/fs/cgroup/*/; do [ -d "$h$CG" ] && find "$h$CG/" -depth -type d -exec rmdir {} \\; 2>/dev/null; done

${restore.join('\n')}

${paths.join('\n')}
[ -d /var/log/containers ] && find /var/log/containers -maxdepth 1 -lname "$DIR/*" -delete 2>/dev/null
[ -d /var/lib/cni/results ] && rm -f /var/lib/cni/results/${NODE.cniNetwork}-* 2>/dev/null

if awk -v d="$DIR" '$5 == d || index($5, d "/") == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
  echo "teardown: mounts left below $DIR; not removing it" >&2
else
  rm -rf --one-file-system "$DIR"
fi
rm -f ${q(NODE.lock)}
exit 0
`;
}
