/**
 * The real KRO controller (`cmd/controller`, built by `npm run tools`) run as a local process against a
 * test control plane (see `control-plane.ts`).
 *
 * It reads its connection from the kubeconfig it is given (controller-runtime honours `$KUBECONFIG`), writes
 * JSON logs to a file and is ready once its health probe answers `/readyz`. Metrics are off and leader
 * election is off (a single replica). Stopped with {@link KroController.stop}, on Ctrl-C/SIGTERM and when the
 * Node process dies (see `tools/control-plane/src/managed-process.ts`).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess, registerScratchDir, unregisterScratchDir } from './managed-process';
import { toolPaths } from './tool-cache';
import { freePort, get, waitReady } from './control-plane';

/** Options of {@link KroController.start}. */
export interface KroControllerOptions {
  /** Kubeconfig of the identity KRO acts as. */
  readonly kubeconfig: string;
  /** Controller binary; default: the one `npm run tools` built. */
  readonly binary?: string;
  /** Directory for the log file; default: a new temporary directory, removed on stop. */
  readonly dir?: string;
  /** Extra flags (`--name=value`), e.g. `--allow-crd-deletion=true`. */
  readonly args?: readonly string[];
  /** How long the controller may take to become ready (ms). Default 60 s. */
  readonly readyTimeoutMs?: number;
}

/** One line of KRO's JSON log. */
export interface KroLogEntry {
  readonly level: string;
  readonly msg: string;
  readonly error?: string;
  readonly [key: string]: unknown;
}

/** A running KRO controller. */
export class KroController {
  /** Starts KRO and waits until its readiness probe answers. */
  static async start(options: KroControllerOptions): Promise<KroController> {
    const ownDir = options.dir === undefined;
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'mini-atlas-kro-'));
    if (ownDir) registerScratchDir(dir);
    const probePort = await freePort();
    const proc = ManagedProcess.start({
      name: 'kro-controller',
      command: options.binary ?? toolPaths(['kro']).kroController,
      args: [
        '--metrics-bind-address=0',
        `--health-probe-bind-address=127.0.0.1:${probePort}`,
        '--leader-elect=false',
        '--zap-log-level=info',
        '--zap-encoder=json',
        ...(options.args ?? []),
      ],
      env: { ...process.env, KUBECONFIG: options.kubeconfig },
      logFile: join(dir, 'kro-controller.log'),
    });
    const kro = new KroController(proc, dir, ownDir);
    try {
      await waitReady(proc, 'kro-controller', options.readyTimeoutMs ?? 60_000, async () => {
        const r = await get(`http://127.0.0.1:${probePort}/readyz`);
        return r.status === 200;
      });
    } catch (e) {
      await kro.stop();
      throw e;
    }
    return kro;
  }

  private constructor(
    private readonly proc: ManagedProcess,
    /** Directory holding the log file. */
    readonly dir: string,
    private readonly ownDir: boolean,
  ) {}

  /** The log file. */
  get logFile(): string {
    return this.proc.logFile;
  }

  /** Process id. */
  get pid(): number {
    return this.proc.pid;
  }

  /** True while the controller runs. */
  get running(): boolean {
    return this.proc.running;
  }

  /** Every parsed log entry so far (non-JSON lines are skipped). */
  logEntries(): KroLogEntry[] {
    if (!existsSync(this.logFile)) return [];
    return readFileSync(this.logFile, 'utf8').split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as KroLogEntry];
      } catch {
        return [];
      }
    });
  }

  /** The last lines of the log. */
  logTail(lines = 40): string {
    return this.proc.logTail(lines);
  }

  /** Stops the controller; removes its directory when it created it (unless `$MINI_ATLAS_KEEP_CONTROL_PLANE`). */
  async stop(): Promise<void> {
    await this.proc.stop(10_000);
    if (this.ownDir) {
      if (!process.env.MINI_ATLAS_KEEP_CONTROL_PLANE) rmSync(this.dir, { recursive: true, force: true });
      unregisterScratchDir(this.dir);
    }
  }
}
