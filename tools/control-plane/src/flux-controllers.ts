/**
 * Flux's source-controller and kustomize-controller (built by `npm run tools` at the versions pinned in
 * `lib/shared/versions.ts`) run as local processes against a test control plane, the way
 * `kro-controller.ts` runs KRO.
 *
 * - Each reads its connection from the kubeconfig it is given (`$KUBECONFIG`); `RUNTIME_NAMESPACE` is the Flux
 *   namespace, as in the upstream Deployments.
 * - source-controller stores artifacts in a directory of its own and serves them on 127.0.0.1; it advertises
 *   that address, so kustomize-controller downloads from it.
 * - Leader election and metrics are off (one replica each); readiness is each controller's `/readyz`.
 * - kustomize-controller's multi-tenancy lock-down (`--default-service-account`, `--no-cross-namespace-refs`)
 *   is an option.
 *
 * {@link fluxControllerRbac} gives the identities the rights of the upstream install (`crd-controller` for both,
 * `cluster-admin` for kustomize-controller, as its `cluster-reconciler` binding does). Stopped with
 * {@link FluxControllers.stop}, on Ctrl-C/SIGTERM and when the Node process dies (see `managed-process.ts`).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, get, waitReady } from './control-plane';
import { ManagedProcess, registerScratchDir, unregisterScratchDir } from './managed-process';
import { readBuildRecord, toolDir } from './tool-cache';

/** The two controllers. */
export type FluxControllerName = 'source-controller' | 'kustomize-controller';

/** The identity (client-certificate user) each controller acts as. */
export const FLUX_CONTROLLER_USERS: Readonly<Record<FluxControllerName, string>> = {
  'source-controller': 'mini-atlas:flux:source-controller',
  'kustomize-controller': 'mini-atlas:flux:kustomize-controller',
};

/** Paths of the built controllers; throws, naming what is missing, unless both are built. */
export function fluxControllerBinaries(): Readonly<Record<FluxControllerName, string>> {
  const names: FluxControllerName[] = ['source-controller', 'kustomize-controller'];
  const missing = names.filter((n) => !readBuildRecord(n));
  if (missing.length > 0) throw new Error(`tools not built: ${missing.join(', ')}; run \`npm run tools\` first`);
  return {
    'source-controller': join(toolDir('source-controller'), 'source-controller'),
    'kustomize-controller': join(toolDir('kustomize-controller'), 'kustomize-controller'),
  };
}

/** A Kubernetes object as plain JSON. */
export interface RbacObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly [key: string]: unknown;
}

/**
 * The RBAC of the upstream Flux install for the two identities: the `crd-controller` ClusterRole (the toolkit's
 * own kinds, reading namespaces, Secrets, ConfigMaps and ServiceAccounts, events, leases, token requests) bound
 * to both, and `cluster-admin` bound to kustomize-controller (upstream's `cluster-reconciler`).
 */
export function fluxControllerRbac(): RbacObject[] {
  const rbac = 'rbac.authorization.k8s.io/v1';
  const user = (name: FluxControllerName): { kind: string; apiGroup: string; name: string } =>
    ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: FLUX_CONTROLLER_USERS[name] });
  return [
    {
      apiVersion: rbac,
      kind: 'ClusterRole',
      metadata: { name: 'mini-atlas-flux-crd-controller' },
      rules: [
        { apiGroups: ['source.toolkit.fluxcd.io', 'kustomize.toolkit.fluxcd.io'], resources: ['*'], verbs: ['*'] },
        { apiGroups: [''], resources: ['namespaces', 'secrets', 'configmaps', 'serviceaccounts'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
        { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
        { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['*'] },
      ],
    },
    {
      apiVersion: rbac,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'mini-atlas-flux-crd-controller' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'mini-atlas-flux-crd-controller' },
      subjects: [user('source-controller'), user('kustomize-controller')],
    },
    {
      apiVersion: rbac,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'mini-atlas-flux-cluster-reconciler' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [user('kustomize-controller')],
    },
  ];
}

/** Options of {@link FluxControllers.start}. */
export interface FluxControllersOptions {
  /** Kubeconfig of each controller's identity. */
  readonly kubeconfigs: Readonly<Record<FluxControllerName, string>>;
  /** The Flux namespace (`RUNTIME_NAMESPACE`). Default `flux-system`. */
  readonly namespace?: string;
  /** Directory for logs and artifacts; default: a new temporary directory, removed on stop. */
  readonly dir?: string;
  /** kustomize-controller's `--default-service-account` (impersonated when a Kustomization names none). */
  readonly defaultServiceAccount?: string;
  /** kustomize-controller's `--no-cross-namespace-refs=true`. */
  readonly noCrossNamespaceRefs?: boolean;
  /** kustomize-controller's `--requeue-dependency` (default upstream's 30s). */
  readonly requeueDependency?: string;
  /** How long each controller may take to become ready (ms). Default 60 s. */
  readonly readyTimeoutMs?: number;
}

/** One line of a controller's JSON log. */
export interface FluxLogEntry {
  readonly level: string;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** The two running controllers. */
export class FluxControllers {
  /** Starts source-controller, then kustomize-controller, and waits until each answers `/readyz`. */
  static async start(options: FluxControllersOptions): Promise<FluxControllers> {
    const bin = fluxControllerBinaries();
    const ownDir = options.dir === undefined;
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'mini-atlas-flux-'));
    if (ownDir) registerScratchDir(dir);
    const namespace = options.namespace ?? 'flux-system';
    const flux = new FluxControllers(dir, ownDir);
    try {
      const storage = join(dir, 'flux-artifacts');
      mkdirSync(storage, { recursive: true });
      const storagePort = await freePort();
      await flux.launch('source-controller', bin['source-controller'], options, namespace, [
        `--storage-path=${storage}`,
        `--storage-addr=127.0.0.1:${storagePort}`,
        `--storage-adv-addr=127.0.0.1:${storagePort}`,
      ]);
      await flux.launch('kustomize-controller', bin['kustomize-controller'], options, namespace, [
        '--no-remote-bases=true',
        ...(options.defaultServiceAccount ? [`--default-service-account=${options.defaultServiceAccount}`] : []),
        ...(options.noCrossNamespaceRefs ? ['--no-cross-namespace-refs=true'] : []),
        ...(options.requeueDependency ? [`--requeue-dependency=${options.requeueDependency}`] : []),
      ]);
    } catch (e) {
      await flux.stop();
      throw e;
    }
    return flux;
  }

  private readonly procs = new Map<FluxControllerName, ManagedProcess>();

  private constructor(
    /** Directory holding the logs and source-controller's artifacts. */
    readonly dir: string,
    private readonly ownDir: boolean,
  ) {}

  /** Log file of each controller. */
  get logFiles(): Readonly<Partial<Record<FluxControllerName, string>>> {
    return Object.fromEntries([...this.procs].map(([n, p]) => [n, p.logFile]));
  }

  /** Process id of each running controller. */
  get pids(): Readonly<Partial<Record<FluxControllerName, number>>> {
    return Object.fromEntries([...this.procs].filter(([, p]) => p.running).map(([n, p]) => [n, p.pid]));
  }

  /** True while both run. */
  get running(): boolean {
    return this.procs.size === 2 && [...this.procs.values()].every((p) => p.running);
  }

  /** Every parsed JSON log entry of one controller so far. */
  logEntries(name: FluxControllerName): FluxLogEntry[] {
    const file = this.procs.get(name)?.logFile;
    if (!file || !existsSync(file)) return [];
    return readFileSync(file, 'utf8').split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as FluxLogEntry];
      } catch {
        return [];
      }
    });
  }

  /** The last lines of one controller's log. */
  logTail(name: FluxControllerName, lines = 30): string {
    return this.procs.get(name)?.logTail(lines) ?? '';
  }

  /** Stops both (kustomize-controller first); removes the directory when it created it (unless `$MINI_ATLAS_KEEP_CONTROL_PLANE`). */
  async stop(): Promise<void> {
    for (const name of ['kustomize-controller', 'source-controller'] as const) await this.procs.get(name)?.stop(10_000);
    if (this.ownDir) {
      if (!process.env.MINI_ATLAS_KEEP_CONTROL_PLANE) rmSync(this.dir, { recursive: true, force: true });
      unregisterScratchDir(this.dir);
    }
  }

  private async launch(name: FluxControllerName, command: string, options: FluxControllersOptions, namespace: string, args: readonly string[]): Promise<void> {
    const healthPort = await freePort();
    const proc = ManagedProcess.start({
      name,
      command,
      args: [
        '--metrics-addr=0',
        `--health-addr=127.0.0.1:${healthPort}`,
        '--enable-leader-election=false',
        '--watch-all-namespaces=true',
        '--log-level=info',
        '--log-encoding=json',
        ...args,
      ],
      env: { ...process.env, KUBECONFIG: options.kubeconfigs[name], RUNTIME_NAMESPACE: namespace },
      logFile: join(this.dir, `${name}.log`),
    });
    this.procs.set(name, proc);
    await waitReady(proc, name, options.readyTimeoutMs ?? 60_000, async () => {
      const r = await get(`http://127.0.0.1:${healthPort}/readyz`);
      return r.status === 200;
    });
  }
}
