/**
 * Child processes (etcd, kube-apiserver, the KRO controller, …) that never outlive the Node process that
 * started them.
 *
 * Each child runs in its own process group so the whole group can be signalled. Teardown happens on
 * {@link ManagedProcess.stop}, on SIGINT/SIGTERM/SIGHUP and on normal exit; a detached watchdog process
 * covers the cases where Node dies without running any handler (SIGKILL, OOM): it polls the parent and, once
 * the parent is gone, kills every registered group, runs every registered cleanup script (host state a
 * process group does not cover: containers, mounts, network interfaces, firewall rules) and removes every
 * registered directory.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How to start a process. */
export interface ManagedProcessOptions {
  /** Short name used in messages. */
  readonly name: string;
  /** Executable path. */
  readonly command: string;
  /** Arguments. */
  readonly args: readonly string[];
  /** File that receives stdout and stderr. */
  readonly logFile: string;
  /** Environment (defaults to the current one). */
  readonly env?: NodeJS.ProcessEnv;
  /** Working directory. */
  readonly cwd?: string;
}

/** How a process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const live = new Set<ManagedProcess>();
const scratchDirs = new Set<string>();
const cleanupScripts = new Set<string>();
const registryFile = join(tmpdir(), `mini-atlas-watchdog-${process.pid}.json`);
let handlersInstalled = false;
let watchdogRunning = false;

function writeRegistry(): void {
  if (live.size === 0 && scratchDirs.size === 0 && cleanupScripts.size === 0) {
    // The watchdog exits once the registry disappears; the next registration starts a new one.
    rmSync(registryFile, { force: true });
    watchdogRunning = false;
    return;
  }
  // Written whole (temporary file, then rename) so the watchdog never reads half a registry.
  writeFileSync(`${registryFile}.tmp`, JSON.stringify({ groups: [...live].map((p) => p.pid), cleanups: [...cleanupScripts], dirs: [...scratchDirs] }));
  renameSync(`${registryFile}.tmp`, registryFile);
  if (!watchdogRunning) {
    watchdogRunning = true;
    const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), registryFile], {
      detached: true,
      stdio: 'ignore',
    });
    watchdog.unref();
  }
}

/** The watchdog: kills the registered groups and removes the registered dirs once the parent is gone. */
const WATCHDOG = `
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const [parent, file] = [Number(process.argv[1]), process.argv[2]];
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const read = () => { try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch { return undefined; } };
const kill = (groups, sig) => groups.forEach((g) => { try { process.kill(-g, sig); } catch {} });
let seen = false;
const timer = setInterval(() => {
  if (alive(parent)) {
    const now = read();
    if (now) seen = true; else if (seen) { clearInterval(timer); }
    return;
  }
  clearInterval(timer);
  // Only the registry as the parent left it: a parent that cleaned up removed it (an older copy would name
  // groups and scripts that are gone, or by now belong to someone else).
  const reg = read();
  if (!reg) return;
  kill(reg.groups, 'SIGTERM');
  setTimeout(() => {
    kill(reg.groups, 'SIGKILL');
    (reg.cleanups || []).forEach((c) => { try { spawnSync('/bin/bash', [c], { stdio: 'ignore', timeout: 120000 }); } catch {} });
    reg.dirs.forEach((d) => { try { fs.rmSync(d, { recursive: true, force: true }); } catch {} });
    try { fs.rmSync(file, { force: true }); } catch {}
  }, 3000);
}, 500);
`;

function killAllNow(): void {
  for (const p of live) p.kill('SIGKILL');
  for (const c of cleanupScripts) spawnSync('/bin/bash', [c], { stdio: 'inherit', timeout: 120_000 });
  cleanupScripts.clear();
  for (const d of scratchDirs) rmSync(d, { recursive: true, force: true });
  live.clear();
  scratchDirs.clear();
  rmSync(registryFile, { force: true });
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      void stopAll().finally(() => {
        process.removeListener(signal, handler);
        process.kill(process.pid, signal);
      });
    };
    process.on(signal, handler);
  }
}

/** Registers a directory to be removed if this process dies before removing it itself. */
export function registerScratchDir(dir: string): void {
  installHandlers();
  scratchDirs.add(dir);
  writeRegistry();
}

/** Forgets a directory registered with {@link registerScratchDir} (after removing it, or to keep it). */
export function unregisterScratchDir(dir: string): void {
  scratchDirs.delete(dir);
  writeRegistry();
}

/**
 * Registers a bash script that undoes host state (run after the process groups are killed and before the
 * directories are removed) if this process dies before running it itself.
 */
export function registerCleanupScript(file: string): void {
  installHandlers();
  cleanupScripts.add(file);
  writeRegistry();
}

/** Forgets a script registered with {@link registerCleanupScript} (after running it). */
export function unregisterCleanupScript(file: string): void {
  cleanupScripts.delete(file);
  writeRegistry();
}

/** Stops every running managed process (SIGTERM, then SIGKILL after the grace period). */
export async function stopAll(graceMs = 5000): Promise<void> {
  await Promise.all([...live].map((p) => p.stop(graceMs)));
}

/** A child process in its own process group, stopped with its parent. */
export class ManagedProcess {
  /** Starts a process; its output goes to `options.logFile`. */
  static start(options: ManagedProcessOptions): ManagedProcess {
    installHandlers();
    return new ManagedProcess(options);
  }

  /** Short name used in messages. */
  readonly name: string;
  /** Where its output goes. */
  readonly logFile: string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  private readonly child: ChildProcess;
  private exit: ProcessExit | undefined;

  private constructor(options: ManagedProcessOptions) {
    this.name = options.name;
    this.logFile = options.logFile;
    const fd = openSync(options.logFile, 'a');
    try {
      this.child = spawn(options.command, [...options.args], {
        detached: true,
        stdio: ['ignore', fd, fd],
        env: options.env ?? process.env,
        ...(options.cwd ? { cwd: options.cwd } : {}),
      });
    } finally {
      closeSync(fd);
    }
    this.exited = new Promise<ProcessExit>((resolvePromise) => {
      const done = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (this.exit) return;
        this.exit = { code, signal };
        live.delete(this);
        writeRegistry();
        resolvePromise(this.exit);
      };
      this.child.once('exit', done);
      this.child.once('error', (e) => {
        fdAppend(options.logFile, `spawn ${options.command}: ${e.message}\n`);
        done(127, null);
      });
    });
    if (this.child.pid !== undefined) {
      live.add(this);
      writeRegistry();
    }
  }

  /** Process id (also the process group id). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** True until the process exits. */
  get running(): boolean {
    return this.exit === undefined && this.child.pid !== undefined;
  }

  /** How the process ended, once it has. */
  get exitStatus(): ProcessExit | undefined {
    return this.exit;
  }

  /** The last lines of its output. */
  logTail(lines = 40): string {
    if (!existsSync(this.logFile)) return '';
    return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** Sends a signal to the whole process group. */
  kill(signal: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      // Already gone.
    }
  }

  /** SIGTERM to the group, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<ProcessExit> {
    if (!this.running) return this.exit ?? { code: null, signal: null };
    this.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), graceMs);
    });
    const first = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (first === 'timeout') this.kill('SIGKILL');
    return this.exited;
  }
}

function fdAppend(file: string, text: string): void {
  writeFileSync(file, text, { flag: 'a' });
}
