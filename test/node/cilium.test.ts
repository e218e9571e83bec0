import { adaptRenderedForNode, ciliumE2eDeviations, ciliumE2eValues, ciliumServiceEntries, ciliumServiceProgrammed, platformCiliumValues } from '../../tools/node/src/cilium';
import { HOST_MOUNTS, renderTeardownScript } from '../../tools/node/src/host';
import { KubeObject } from '../../tools/control-plane/src/kube-client';

const ROOT = `${__dirname}/../..`;

describe('the Cilium node\'s values: the platform\'s HelmRelease values from dist/ with the listed deviations', () => {
  test('the platform\'s values are read from dist/ as shipped', () => {
    expect(platformCiliumValues(ROOT)).toStrictEqual({
      gatewayAPI: { enabled: true, externalTrafficPolicy: 'Cluster', hostNetwork: { enabled: true } },
      hubble: { enabled: false },
      ipam: { mode: 'kubernetes' },
      k8sServiceHost: 'auto',
      kubeProxyReplacement: true,
      l7Proxy: true,
      operator: { replicas: 1 },
    });
  });

  test('every deviation is applied, every other platform value kept (kube-proxy replacement, L7 proxy for DNS rules, ipam)', () => {
    expect(ciliumE2eValues(ROOT, 34567)).toStrictEqual({
      gatewayAPI: { enabled: false, externalTrafficPolicy: 'Cluster', hostNetwork: { enabled: true } },
      hubble: { enabled: false },
      ipam: { mode: 'kubernetes' },
      k8sServiceHost: '10.244.0.1',
      k8sServicePort: 34567,
      kubeProxyReplacement: true,
      l7Proxy: true,
      operator: { replicas: 1, image: { override: 'mini-atlas.local/cilium-operator-generic:v1.20.0', pullPolicy: 'Never' } },
      image: { repository: 'mini-atlas.local/cilium', tag: 'v1.20.0', useDigest: false, pullPolicy: 'Never' },
      envoy: { enabled: false },
      cgroup: { autoMount: { enabled: false }, hostRoot: '/var/lib/mini-atlas-e2e/cgroup2' },
      sysctlfix: { enabled: false },
      cni: { binPath: '/var/lib/mini-atlas-e2e/cni/bin', confPath: '/var/lib/mini-atlas-e2e/cni/net.d' },
      devices: ['maatlas-e2e0'],
      bpf: { hostLegacyRouting: true },
      enableIPv4Masquerade: false,
      routingMode: 'native',
      ipv4NativeRoutingCIDR: '10.244.1.0/24',
    });
  });

  test('the deviations, in order, each with its reason (the README lists them)', () => {
    const deviations = ciliumE2eDeviations(6443);
    expect(deviations.map((d) => d.path)).toStrictEqual([
      'k8sServiceHost', 'k8sServicePort', 'image', 'operator.image', 'envoy.enabled', 'gatewayAPI.enabled',
      'cgroup.autoMount.enabled', 'cgroup.hostRoot', 'sysctlfix.enabled', 'cni.binPath', 'cni.confPath', 'devices',
      'bpf.hostLegacyRouting', 'enableIPv4Masquerade', 'routingMode', 'ipv4NativeRoutingCIDR',
    ]);
    expect(deviations.find((d) => d.path === 'operator.image')?.reason).toContain('with the recorded replace of sigs.k8s.io/mcs-api/controllers');
    expect(deviations.some((d) => d.path.startsWith('operator.enabled'))).toBe(false);
  });
});

function daemonSet(volumes: Record<string, unknown>[]): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'cilium', namespace: 'kube-system' },
    spec: {
      template: {
        spec: {
          volumes,
          initContainers: [{ name: 'config', volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] }],
          containers: [{
            name: 'cilium-agent',
            volumeMounts: [
              { name: 'host-proc-sys-kernel', mountPath: '/host/proc/sys/kernel' },
              { name: 'cilium-netns', mountPath: '/var/run/cilium/netns', mountPropagation: 'HostToContainer' },
            ],
          }],
        },
      },
    },
  };
}

describe('adaptRenderedForNode: the two changes to the rendered agent DaemonSet', () => {
  const rendered = daemonSet([
    { name: 'tmp', emptyDir: {} },
    { name: 'cilium-netns', hostPath: { path: '/var/run/netns', type: 'DirectoryOrCreate' } },
    { name: 'host-proc-sys-kernel', hostPath: { path: '/proc/sys/kernel', type: 'Directory' } },
  ]);

  test('the host\'s /proc/sys/kernel is gone from the pod, and the netns volume names /run/netns', () => {
    const [ds] = adaptRenderedForNode([rendered]);
    const pod = (ds as unknown as { spec: { template: { spec: { volumes: unknown[]; containers: { volumeMounts: unknown[] }[] } } } }).spec.template.spec;
    expect(pod.volumes).toStrictEqual([
      { name: 'tmp', emptyDir: {} },
      { name: 'cilium-netns', hostPath: { path: '/run/netns', type: 'DirectoryOrCreate' } },
    ]);
    expect(pod.containers[0]!.volumeMounts).toStrictEqual([
      { name: 'cilium-netns', mountPath: '/var/run/cilium/netns', mountPropagation: 'HostToContainer' },
    ]);
  });

  test('other objects pass unchanged; a chart whose DaemonSet lacks either volume is refused', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cilium-config' } };
    expect(adaptRenderedForNode([cm, rendered])[0]).toBe(cm);
    expect(() => adaptRenderedForNode([daemonSet([{ name: 'cilium-netns', hostPath: { path: '/var/run/netns' } }])]))
      .toThrow('the rendered cilium DaemonSet has no volume host-proc-sys-kernel');
    expect(() => adaptRenderedForNode([cm])).toThrow('expected one rendered DaemonSet cilium, found 0');
  });
});

describe('the teardown script and the host mounts the Cilium node may create', () => {
  test('a mount point the node created is unmounted; one that existed before is left alone', () => {
    expect(HOST_MOUNTS).toStrictEqual(['/sys/fs/bpf', '/run/netns']);
    const fresh = renderTeardownScript({ sysctls: {}, hostPaths: [], pid: 1, hostMounts: [] });
    expect(fresh).toContain(`while awk -v m='/sys/fs/bpf' '$5 == m { found = 1 } END { exit !found }' /proc/self/mountinfo; do umount '/sys/fs/bpf'`);
    expect(fresh).toContain(`while awk -v m='/run/netns' '$5 == m { found = 1 } END { exit !found }' /proc/self/mountinfo; do umount '/run/netns'`);
    const kept = renderTeardownScript({ sysctls: {}, hostPaths: [], pid: 1, hostMounts: ['/sys/fs/bpf'] });
    expect(kept).toContain('# /sys/fs/bpf was a mount point before the node started: left as it is');
    expect(kept).not.toContain(`do umount '/sys/fs/bpf'`);
  });

  test('Cilium\'s interfaces, iptables chains and policy routing tables are removed', () => {
    const script = renderTeardownScript({ sysctls: {}, hostPaths: [], pid: 1, hostMounts: [] });
    expect(script).toContain(`grep -E '^(cilium_|lxc)'); do ip link del "$l"`);
    expect(script).toContain('$2 ~ /^CILIUM_/');
    expect(script).toContain('ip -4 route flush table 2004');
  });
});

describe('ciliumServiceProgrammed: the agent\'s load balancer has a Service with an active backend', () => {
  /** An entry of `cilium-dbg service list -o json` (api/v1/models Service) for `namespace/name` with backends in `states`. */
  const entry = (namespace: string, name: string, states: readonly string[]): unknown => ({
    spec: { id: 7 },
    status: {
      realized: {
        'frontend-address': { ip: '10.96.0.10', port: 53, protocol: 'UDP', scope: 'external' },
        'backend-addresses': states.map((state, i) => ({ ip: `10.244.1.${10 + i}`, port: 53, protocol: 'UDP', state })),
        flags: { namespace, name, type: 'ClusterIP' },
      },
    },
  });
  const list = (...entries: unknown[]): string => JSON.stringify(entries);

  test('one active backend of the named Service is enough', () => {
    expect(ciliumServiceProgrammed(list(entry('kube-system', 'kube-dns', ['terminating', 'active'])), 'kube-system', 'kube-dns')).toBe(true);
  });

  test('a Service whose backends are none, terminating or quarantined is not programmed', () => {
    for (const states of [[], ['terminating'], ['quarantined', 'terminating-not-serving', 'maintenance']]) {
      expect(ciliumServiceProgrammed(list(entry('kube-system', 'kube-dns', states)), 'kube-system', 'kube-dns')).toBe(false);
    }
  });

  test('another Service\'s active backend does not count: same name in another namespace, another name in the namespace', () => {
    const other = list(entry('team-a', 'kube-dns', ['active']), entry('kube-system', 'kube-dns-upstream', ['active']));
    expect(ciliumServiceProgrammed(other, 'kube-system', 'kube-dns')).toBe(false);
    expect(ciliumServiceEntries(other, 'team-a', 'kube-dns')).toStrictEqual([JSON.parse(other)[0]]);
  });

  test('an agent with no Service prints null: nothing is programmed', () => {
    expect(ciliumServiceProgrammed('null', 'kube-system', 'kube-dns')).toBe(false);
    expect(ciliumServiceEntries('[]', 'kube-system', 'kube-dns')).toStrictEqual([]);
  });
});
