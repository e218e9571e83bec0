/**
 * The e2e node leaves nothing behind: after a normal stop and when the runner gets SIGINT, SIGTERM or SIGKILL
 * (no handler runs; the watchdog runs the teardown), no process of the node's cgroups (containerd, its shims,
 * the pod's processes), no mount below the node directory, no bridge or veth, no Kubernetes or node iptables
 * rule, no cgroup, no node directory, lock or stray host path is left, and every kernel setting the kubelet
 * and the node change is back to its value before the run. One node per host: a second start is refused
 * while the lock is held, and a start the preflight refuses leaves everything as it was. Each case runs the e2e node (Cilium as its CNI) with one pod.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';
import { HostFootprint, hostFootprint, NODE } from '../../tools/node/src/host';
import { E2eNode } from '../../tools/node/src/node';
import { waitFor } from '../../tools/control-plane/src/kube-client';

const FIXTURE = join(PROJECT_ROOT, 'test', 'e2e', 'support', 'hold-node.ts');

interface Held {
  readonly pid: number;
  readonly pids: readonly number[];
  readonly shims: readonly number[];
  readonly commands: readonly string[];
}

/**
 * True while the process exists and has not exited: a zombie (exited, waiting for init to reap it) counts as
 * gone — reaping orphans is the job of the host's PID 1, not of the node.
 */
function alive(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

function startFixture(args: readonly string[] = []): Promise<{ child: ChildProcess; held: Held; stderr: () => string }> {
  return new Promise((resolveStart, reject) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', FIXTURE, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolveStart({ child, held: JSON.parse(line) as Held, stderr: () => err });
    });
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.once('exit', (code) => {
      if (!out.includes('{')) reject(new Error(`fixture exited ${code} before reporting:\n${err}`));
    });
  });
}

/** What must hold after every teardown, against the footprint before the run. */
function clean(before: HostFootprint): HostFootprint {
  return { ...before, processes: [], cgroups: [], mounts: [], interfaces: [], firewall: [], nodeDir: false, lock: false };
}

let before: HostFootprint;

beforeAll(() => {
  before = hostFootprint();
});

test('the host starts clean: no node leftovers, no Kubernetes iptables rules', () => {
  expect(clean(before)).toEqual(before);
});

test('a normal stop leaves nothing: processes (containerd shims included), mounts, interfaces, rules, cgroups, dirs, settings', async () => {
  const { child, held } = await startFixture(['--stop']);
  expect(held.commands).toEqual(expect.arrayContaining(['containerd', 'containerd-shim', 'kubelet', 'pause', 'e2e-app']));
  expect(held.shims.length).toBeGreaterThanOrEqual(1);
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  expect(code).toBe(0);
  expect(held.pids.filter(alive)).toEqual([]);
  expect(hostFootprint()).toEqual(clean(before));
}, 240_000);

test('one e2e node per host: a second start is refused while the lock is held', async () => {
  const { child } = await startFixture();
  const refused = E2eNode.start().then(() => 'started', (e: unknown) => (e instanceof Error ? e.message : String(e)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  expect(await refused).toMatch(new RegExp(`^another e2e node runs on this host \\(runner pid ${child.pid}, lock ${NODE.lock}\\)`));
  child.kill('SIGTERM');
  await exited;
  await waitFor('the teardown after SIGTERM', async () => (hostFootprint().lock ? undefined : true), { timeoutMs: 60_000 });
  expect(hostFootprint()).toEqual(clean(before));
}, 240_000);

test('a start refused by the preflight (a foreign KUBE- chain on the host) fails, touches nothing and keeps that chain', async () => {
  execFileSync('iptables', ['-w', '-N', 'KUBE-FOREIGN-E2E-TEST']);
  try {
    const withChain = hostFootprint();
    const refused = await E2eNode.start().then(() => 'started', (e: unknown) => (e instanceof Error ? e.message : String(e)));
    expect(refused).toBe('cannot start the e2e node:\niptables already holds Kubernetes or node rules:\n  iptables -t filter -N KUBE-FOREIGN-E2E-TEST');
    expect(hostFootprint()).toEqual(withChain);
  } finally {
    execFileSync('iptables', ['-w', '-X', 'KUBE-FOREIGN-E2E-TEST']);
  }
  expect(hostFootprint()).toEqual(clean(before));
});

describe.each([['SIGINT'], ['SIGTERM'], ['SIGKILL']] as const)('when the runner gets %s', (signal) => {
  test('nothing of the node is left and the host settings are restored', async () => {
    const { child, held } = await startFixture();
    expect(held.shims.length).toBeGreaterThanOrEqual(1);
    expect(held.pids.every(alive)).toBe(true);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await exited;
    // After SIGKILL the watchdog notices within a second, waits 3 s for the groups, then runs the teardown.
    await waitFor(`the teardown after ${signal}`, async () => {
      const now = hostFootprint();
      return !now.lock && !now.nodeDir && now.processes.length === 0 ? true : undefined;
    }, { timeoutMs: 90_000, describe: async () => JSON.stringify(hostFootprint()) });
    expect(held.pids.filter(alive)).toEqual([]);
    expect(hostFootprint()).toEqual(clean(before));
  }, 240_000);
});
