/**
 * The CLI as a real process (through tsx, so no build is needed) and Ctrl-C handling: with only node, npm
 * and git on PATH `up` names what is missing; an interrupted run cleans up what a re-run could not finish
 * and says how to resume.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';
import { FakeTools } from '../fakes/fake-tools';
import { FIXTURE_FLAGS, FIXTURE_KUSTOMIZATIONS, GET_KUSTOMIZATIONS, kustomizationList, runCli } from './cli-harness';

const TSX = join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const CLI = join(PROJECT_ROOT, 'tools', 'cluster', 'src', 'cli.ts');

interface Exit { code: number | null; stdout: string; stderr: string }

function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<Exit> } {
  const child = spawn(process.execPath, [TSX, CLI, ...args], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Exit>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

/** Resolves once the fake log has a line matching `pattern`. */
async function waitForCall(log: string, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (existsSync(log) && pattern.test(readFileSync(log, 'utf8'))) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no call matching ${pattern} within ${timeoutMs} ms`);
}

test('with only node, npm and git on PATH, `up` exits 1 naming every missing tool', async () => {
  const bin = mkdtempSync(join(tmpdir(), 'mini-atlas-path-'));
  try {
    for (const tool of ['node', 'npm', 'git']) {
      const real = FakeTools.which(tool);
      symlinkSync(real, join(bin, tool));
    }
    const { done } = spawnCli(['up'], { PATH: bin, HOME: process.env.HOME ?? tmpdir() });
    const exit = await done;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('missing prerequisites: docker, kind, kubectl, helm, flux, openssl are not on PATH');
    expect(exit.stderr).toContain('docker >= v20.10.0: https://docs.docker.com/engine/install/');
    expect(exit.stderr).toContain('kind >= v0.31.0: https://kind.sigs.k8s.io/docs/user/quick-start/#installation');
    expect(exit.stderr).toContain('helm >= v3.20.0 (3.x) or v4.1.0 (4.x)');
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});

test('--help prints the flags and exits 0', async () => {
  const fakes = new FakeTools();
  try {
    const { done } = spawnCli(['up', '--help'], fakes.env());
    const exit = await done;
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain('Usage: npm run cluster:up -- [options]');
    expect(exit.stdout).toMatch(/--timeout <duration>\s+overall time limit/);
    expect(fakes.calls()).toEqual([]);
  } finally {
    fakes.dispose();
  }
});

test('Ctrl-C (SIGINT) while the cluster is being created: the half-created cluster is deleted, exit 130', async () => {
  const fakes = new FakeTools().on('kind', 'create cluster *', { delaySeconds: 30 });
  try {
    const { child, done } = spawnCli(['up', ...FIXTURE_FLAGS], fakes.env());
    await waitForCall(fakes.logFile, /"create","cluster"/);
    child.kill('SIGINT');
    const exit = await done;
    expect(exit.code).toBe(130);
    expect(exit.stderr).toContain('interrupted while creating Kind cluster mini-atlas: deleting the half-created cluster so a re-run starts clean');
    expect(exit.stderr).toContain('✖ Interrupted (SIGINT).');
    expect(exit.stderr).toMatch(/Done before the interruption:\n {4}✔ Prerequisites: docker v28\.3\.2/);
    expect(exit.stderr).toContain('Re-run `npm run cluster:up` to resume');
    expect(fakes.commandLines().slice(-2)).toEqual([
      'kind create cluster --name mini-atlas --config <tmp>/kind-config.yaml',
      'kind delete cluster --name mini-atlas',
    ]);
  } finally {
    fakes.dispose();
  }
});

test('Ctrl-C while waiting for the layers: nothing is undone; the summary lists the finished steps', async () => {
  const progressing = { ready: 'Unknown' as const, reason: 'Progressing', message: 'Running health checks' };
  const fakes = new FakeTools().on('kubectl', GET_KUSTOMIZATIONS, { stdout: kustomizationList(FIXTURE_KUSTOMIZATIONS, { foundation: progressing }) });
  const signals = new EventEmitter();
  try {
    const running = runCli(fakes, ['up', ...FIXTURE_FLAGS, '--poll-interval', '50ms'], { signals });
    await waitForCall(fakes.logFile, /"get","kustomizations[^\n]*\n[^\n]*"get","kustomizations[^\n]*\n[^\n]*"get","kustomizations[^\n]*\n[^\n]*"get","kustomizations/);
    signals.emit('SIGINT');
    const run = await running;
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('✔ Flux v2.9.4 installed');
    expect(run.stderr).toMatch(/Done before the interruption:[\s\S]*✔ Ready: layer 3\/5: core-shared-services/);
    expect(run.stderr).not.toContain('Ready: layer 4/5');
    expect(fakes.commandLines().some((l) => l.includes('delete'))).toBe(false);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  } finally {
    fakes.dispose();
  }
});
