/**
 * The test control plane cleans up after itself: on Ctrl-C (SIGINT), on SIGTERM and even when the Node process
 * that started it is killed outright (SIGKILL, no handler runs), no etcd, kube-apiserver,
 * kube-controller-manager or KRO process, no listening port and no temporary directory is left behind.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { portIsFree } from '../../tools/control-plane/src/control-plane';
import { PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';
import { waitFor } from '../../tools/control-plane/src/kube-client';

const FIXTURE = join(PROJECT_ROOT, 'test', 'cluster', 'support', 'hold-control-plane.ts');

interface Started {
  readonly pid: number;
  readonly pids: readonly number[];
  readonly ports: readonly number[];
  readonly dir: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Starts the fixture and resolves with what it reports once everything is up. */
function startFixture(): Promise<{ child: ChildProcess; started: Started }> {
  return new Promise((resolveStart, reject) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', FIXTURE], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolveStart({ child, started: JSON.parse(line) as Started });
    });
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.once('exit', (code) => reject(new Error(`fixture exited ${code} before reporting:\n${err}`)));
  });
}

async function expectNothingLeft(started: Started): Promise<void> {
  await waitFor('every process of the control plane to be gone', async () => (started.pids.every((p) => !alive(p)) ? true : undefined), {
    timeoutMs: 30_000,
    describe: async () => `still alive: ${started.pids.filter(alive).join(', ')}`,
  });
  expect(started.pids.filter(alive)).toEqual([]);
  const busy: number[] = [];
  for (const port of started.ports) if (!(await portIsFree(port))) busy.push(port);
  expect(busy).toEqual([]);
  // The watchdog removes etcd's data dir after the processes are gone; under load that can take a while.
  await waitFor(`${started.dir} to be removed`, async () => (existsSync(started.dir) ? undefined : true), { timeoutMs: 60_000 });
}

describe.each([['SIGINT'], ['SIGTERM'], ['SIGKILL']] as const)('when the process that started the control plane gets %s', (signal) => {
  test('nothing is left behind', async () => {
    const { child, started } = await startFixture();
    expect(started.pids).toHaveLength(4);
    expect(started.pids.every(alive)).toBe(true);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await exited;
    await expectNothingLeft(started);
  }, 120_000);
});
