/**
 * Kyverno's controllers (built by `npm run tools` from the pinned module) run as local processes against a test
 * control plane, the way Kyverno documents running them out of cluster (`--kubeconfig`):
 *
 * - {@link KyvernoAdmission}, the admission controller (`cmd/kyverno`, with `--serverIP`): it generates its CA and
 *   serving certificate into Secrets of its namespace and registers its webhook configurations with
 *   `url: https://<serverIP>/…`, so the API server calls it for real;
 * - {@link KyvernoBackground}, the background controller (`cmd/background-controller`): once it holds its leader
 *   Lease it processes the UpdateRequests the admission controller files for generate rules, creating what they
 *   generate.
 *
 * Each runs as the kubeconfig's identity (the e2e suite gives them the admin's), not with the chart's RBAC; the
 * Secret names, service account names and environment follow the chart's defaults ({@link kyvernoEnvironment});
 * the caller creates the namespace and the `kyverno` ConfigMap (the chart's webhook namespace selector,
 * excluding Kyverno's own). Stopped with `stop()`, on Ctrl-C/SIGTERM and when the Node process dies
 * (`managed-process.ts`).
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
  /**
   * Turns on Kyverno's PolicyExceptions (`--enablePolicyException`), honoured only in this namespace
   * (`--exceptionNamespace`). Default: off (Kyverno's own default).
   */
  readonly exceptionNamespace?: string;
  /** Resolves true once the webhooks are registered (the caller checks the API). */
  readonly registered: () => Promise<boolean>;
  /** How long registration may take (ms). Default 120 s. */
  readonly readyTimeoutMs?: number;
}

/** A Kyverno controller, as the chart names its Deployment and ServiceAccount (`kyverno-<component>`). */
export type KyvernoComponent = 'admission-controller' | 'background-controller';

/**
 * The environment the chart gives a controller's container (templates `<component>/deployment.yaml`): its
 * namespace, service account, Deployment and pod name (here `kyverno-<component>-local`, which is also its
 * leader-election identity), the Service and the two ConfigMaps it reads (`pkg/config/config.go`).
 */
export function kyvernoEnvironment(namespace: string, component: KyvernoComponent): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KYVERNO_NAMESPACE: namespace,
    KYVERNO_SERVICEACCOUNT_NAME: `kyverno-${component}`,
    KYVERNO_DEPLOYMENT: `kyverno-${component}`,
    KYVERNO_POD_NAME: kyvernoPodName(component),
    KYVERNO_SVC: 'kyverno-svc',
    INIT_CONFIG: 'kyverno',
    METRICS_CONFIG: 'kyverno-metrics',
  };
}

/** The pod name a local controller reports (its leader-election identity). */
export function kyvernoPodName(component: KyvernoComponent): string {
  return `kyverno-${component}-local`;
}

/**
 * Flags every controller gets: the kubeconfig, JSON logs at -v=2, a free metrics port (each binds one, default
 * 8000 on every address: two on one host would collide), and PolicyExceptions when asked for.
 */
async function commonArgs(options: { readonly kubeconfig: string; readonly exceptionNamespace?: string }): Promise<string[]> {
  return [
    `--kubeconfig=${options.kubeconfig}`,
    `--metricsPort=${await freePort()}`,
    ...(options.exceptionNamespace ? ['--enablePolicyException=true', `--exceptionNamespace=${options.exceptionNamespace}`] : []),
    '--loggingFormat=json',
    '-v=2',
  ];
}

/** A running Kyverno controller process: its log, whether it runs, and stopping it. */
abstract class KyvernoController {
  protected constructor(private readonly proc: ManagedProcess) {}

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

/** A running Kyverno admission controller. */
export class KyvernoAdmission extends KyvernoController {
  /** Starts Kyverno and waits until `registered` says its webhooks are in place. */
  static async start(options: KyvernoAdmissionOptions): Promise<KyvernoAdmission> {
    const ns = options.namespace ?? 'kyverno';
    const port = await freePort();
    const proc = ManagedProcess.start({
      name: 'kyverno',
      command: toolPaths(['kyverno']).kyvernoAdmission,
      args: [
        ...await commonArgs(options),
        `--serverIP=${options.address}:${port}`,
        `--webhookServerHost=${options.address}`,
        `--webhookServerPort=${port}`,
        `--caSecretName=kyverno-svc.${ns}.svc.kyverno-tls-ca`,
        `--tlsSecretName=kyverno-svc.${ns}.svc.kyverno-tls-pair`,
        `--backgroundServiceAccountName=system:serviceaccount:${ns}:kyverno-background-controller`,
        `--reportsServiceAccountName=system:serviceaccount:${ns}:kyverno-reports-controller`,
      ],
      env: kyvernoEnvironment(ns, 'admission-controller'),
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

  private constructor(proc: ManagedProcess) {
    super(proc);
  }
}

/** Options of {@link KyvernoBackground.start}. */
export interface KyvernoBackgroundOptions {
  /** Kubeconfig of the identity Kyverno acts as (it creates what generate rules generate). */
  readonly kubeconfig: string;
  /** Directory for the log file. */
  readonly dir: string;
  /** Namespace of Kyverno's Leases and UpdateRequests (must exist). Default `kyverno`. */
  readonly namespace?: string;
  /** As {@link KyvernoAdmissionOptions.exceptionNamespace}. */
  readonly exceptionNamespace?: string;
  /**
   * Resolves true once the controller leads: the caller reads the Lease {@link KyvernoBackground.LEASE} in the
   * namespace and compares its `holderIdentity` with {@link KyvernoBackground.IDENTITY}.
   */
  readonly leading: () => Promise<boolean>;
  /** How long that may take (ms). Default 120 s. */
  readonly readyTimeoutMs?: number;
}

/** A running Kyverno background controller. */
export class KyvernoBackground extends KyvernoController {
  /** Its leader-election Lease (`cmd/background-controller/main.go`). */
  static readonly LEASE = 'kyverno-background-controller';
  /** Its identity in that Lease (the pod name it reports). */
  static readonly IDENTITY = kyvernoPodName('background-controller');

  /** Starts the controller and waits until `leading` says it holds its Lease (its controllers run only then). */
  static async start(options: KyvernoBackgroundOptions): Promise<KyvernoBackground> {
    const ns = options.namespace ?? 'kyverno';
    const proc = ManagedProcess.start({
      name: 'kyverno-background-controller',
      command: toolPaths(['kyverno']).kyvernoBackground,
      // No controller-runtime metrics server (its default, :8080, would take a host port).
      args: [...await commonArgs(options), '--controllerRuntimeMetricsAddress=0'],
      env: kyvernoEnvironment(ns, 'background-controller'),
      logFile: join(options.dir, 'kyverno-background-controller.log'),
    });
    const controller = new KyvernoBackground(proc);
    try {
      await waitReady(proc, 'kyverno background controller (leading)', options.readyTimeoutMs ?? 120_000, options.leading);
    } catch (e) {
      await controller.stop();
      throw e;
    }
    return controller;
  }

  private constructor(proc: ManagedProcess) {
    super(proc);
  }
}
