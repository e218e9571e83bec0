/**
 * Kyverno's admission controller (`cmd/kyverno`, built by `npm run tools`) run as a local process against a
 * test control plane, the way Kyverno documents running it out of cluster (`--kubeconfig`, `--serverIP`): it
 * generates its CA and serving certificate into Secrets of its namespace and registers its webhook
 * configurations with `url: https://<serverIP>/…`, so the API server calls it for real.
 *
 * It runs as the kubeconfig's identity (the e2e suite gives it the admin's), not with the chart's RBAC; the
 * Secret names, service account names and environment follow the chart's defaults; the caller creates the
 * namespace and the `kyverno` ConfigMap (the chart's webhook namespace selector, excluding Kyverno's own). Stopped with
 * {@link KyvernoAdmission.stop}, on Ctrl-C/SIGTERM and when the Node process dies (`managed-process.ts`).
 */
import { join } from 'node:path';
import { freePort, get, waitReady } from './control-plane';
import { ManagedProcess } from './managed-process';
import { toolPaths } from './tool-cache';

/** Options of {@link KyvernoAdmission.start}. */
export interface KyvernoAdmissionOptions {
  /** Kubeconfig of the identity Kyverno acts as. */
  readonly kubeconfig: string;
  /** Address the webhook server binds to and the API server calls (reachable from the API server). */
  readonly address: string;
  /** Directory for the log file. */
  readonly dir: string;
  /** Namespace of Kyverno's Secrets and Leases (must exist). Default `kyverno`. */
  readonly namespace?: string;
  /** Resolves true once the webhooks are registered (the caller checks the API). */
  readonly registered: () => Promise<boolean>;
  /** How long registration may take (ms). Default 120 s. */
  readonly readyTimeoutMs?: number;
}

/** A running Kyverno admission controller. */
export class KyvernoAdmission {
  /** Starts Kyverno and waits until `registered` says its webhooks are in place. */
  static async start(options: KyvernoAdmissionOptions): Promise<KyvernoAdmission> {
    const ns = options.namespace ?? 'kyverno';
    const port = await freePort();
    const proc = ManagedProcess.start({
      name: 'kyverno',
      command: toolPaths(['kyverno']).kyvernoAdmission,
      args: [
        `--kubeconfig=${options.kubeconfig}`,
        `--serverIP=${options.address}:${port}`,
        `--webhookServerHost=${options.address}`,
        `--webhookServerPort=${port}`,
        `--caSecretName=kyverno-svc.${ns}.svc.kyverno-tls-ca`,
        `--tlsSecretName=kyverno-svc.${ns}.svc.kyverno-tls-pair`,
        `--backgroundServiceAccountName=system:serviceaccount:${ns}:kyverno-background-controller`,
        `--reportsServiceAccountName=system:serviceaccount:${ns}:kyverno-reports-controller`,
        '--loggingFormat=json',
        '-v=2',
      ],
      env: {
        ...process.env,
        KYVERNO_NAMESPACE: ns,
        KYVERNO_SERVICEACCOUNT_NAME: 'kyverno-admission-controller',
        KYVERNO_DEPLOYMENT: 'kyverno-admission-controller',
        KYVERNO_POD_NAME: 'kyverno-admission-controller-local',
        KYVERNO_SVC: 'kyverno-svc',
        INIT_CONFIG: 'kyverno',
        METRICS_CONFIG: 'kyverno-metrics',
      },
      logFile: join(options.dir, 'kyverno.log'),
    });
    const kyverno = new KyvernoAdmission(proc);
    try {
      // Registered first, then serving: its TLS server answers once it has loaded the pair it generated.
      await waitReady(proc, 'kyverno admission controller (webhooks registered and serving)', options.readyTimeoutMs ?? 120_000, async () =>
        (await options.registered()) && (await get(`https://${options.address}:${port}/health/readiness`, { insecure: true })).status === 200);
    } catch (e) {
      await kyverno.stop();
      throw e;
    }
    return kyverno;
  }

  private constructor(private readonly proc: ManagedProcess) {}

  /** The log file. */
  get logFile(): string {
    return this.proc.logFile;
  }

  /** True while it runs. */
  get running(): boolean {
    return this.proc.running;
  }

  /** The last lines of the log. */
  logTail(lines = 40): string {
    return this.proc.logTail(lines);
  }

  /** Stops it. */
  async stop(): Promise<void> {
    await this.proc.stop(10_000);
  }
}
