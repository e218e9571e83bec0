/**
 * A real Kubernetes control plane for tests, in the manner of controller-runtime's envtest: etcd,
 * kube-apiserver and (optionally) kube-controller-manager as local processes.
 *
 * Everything binds to 127.0.0.1 on free ports and lives in a temporary directory: a throw-away PKI (CA,
 * serving and client certificates, service-account key pair), etcd's data, the logs and an admin kubeconfig.
 * RBAC is on (`--authorization-mode=RBAC`); the admin identity is in `system:masters`. kube-controller-manager
 * runs only the controllers a control plane without nodes needs (namespace deletion, garbage collection and
 * ClusterRole aggregation by default).
 *
 * {@link ControlPlane.stop} tears everything down and removes the directory; so do Ctrl-C, SIGTERM and an
 * abnormal exit (see `tools/control-plane/src/managed-process.ts`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toYaml } from 'mini-atlas';
import { ManagedProcess, registerScratchDir, unregisterScratchDir } from './managed-process';
import { CertificateAuthority, IssuedCertificate, writeServiceAccountKeyPair } from './pki';
import { toolPaths } from './tool-cache';

/** Everything a client needs to talk to the API server as one identity. */
export interface KubeCredentials {
  /** `https://127.0.0.1:<port>`. */
  readonly server: string;
  /** PEM of the CA that signed the serving certificate. */
  readonly caPem: string;
  /** PEM client certificate. */
  readonly certPem: string;
  /** PEM private key of the client certificate. */
  readonly keyPem: string;
}

/** A Kubernetes identity for a client certificate. */
export interface Identity {
  /** User name (certificate CN). */
  readonly user: string;
  /** Groups (certificate O entries). */
  readonly groups?: readonly string[];
}

/** Options of {@link ControlPlane.start}. */
export interface ControlPlaneOptions {
  /** Binaries; default: the ones `npm run tools` built. */
  readonly binaries?: { readonly etcd: string; readonly kubeApiserver: string; readonly kubeControllerManager: string };
  /** Controllers kube-controller-manager runs; an empty list starts no controller manager. */
  readonly controllers?: readonly string[];
  /**
   * Address the API server binds to and advertises (default 127.0.0.1). The e2e node sets the address of its
   * bridge so that pods reach the API server through the `kubernetes` Service. etcd stays on 127.0.0.1.
   */
  readonly address?: string;
  /**
   * The API server's secure port. Default: a free port. The e2e node serves on the platform's port (6443, Kind's),
   * the one its workspace policy lets database pods reach.
   */
  readonly apiServerPort?: number;
  /** Authorizers of the API server, in order (default `RBAC`; the e2e node adds `Node` before it). */
  readonly authorizationModes?: readonly string[];
  /** Extra kube-apiserver flags (`--name=value`). */
  readonly apiServerArgs?: readonly string[];
  /** Extra kube-controller-manager flags (`--name=value`). */
  readonly controllerManagerArgs?: readonly string[];
  /** Keep the directory (logs, etcd data) after stopping. Default: `$MINI_ATLAS_KEEP_CONTROL_PLANE` is set. */
  readonly keepDir?: boolean;
  /** How long each component may take to become ready (ms). Default 60 s. */
  readonly readyTimeoutMs?: number;
  /** Progress messages. */
  readonly log?: (message: string) => void;
}

/**
 * kube-controller-manager's full quota resync here (upstream default 5m; a deviation the README lists). The
 * resourcequota controller counts a custom resource only after its discovery sync (every 30 s) has found the CRD,
 * and then recomputes an existing quota only when its spec.hard changes, an object it counts is updated or
 * deleted, or at this resync (pkg/controller/resourcequota: the monitors' informers have no add handler;
 * `enqueueAll` runs every `--resource-quota-sync-period`). A Workspace created just after the Topic CRD, as in
 * every suite, would otherwise wait up to 5 minutes for its quota to count Topics.
 */
export const RESOURCE_QUOTA_SYNC_PERIOD = '10s';

/** The controllers kube-controller-manager runs by default. */
export const DEFAULT_CONTROLLERS: readonly string[] = [
  'namespace-controller',
  'garbage-collector-controller',
  'clusterrole-aggregation-controller',
];

/** The Service CIDR of the test cluster (the same as Kind's). */
export const SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/16';
/** ClusterIP of the `kubernetes` Service (the first address of the Service CIDR); in the serving certificate. */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';

/** Ports the control plane listens on (all on 127.0.0.1). */
export interface ControlPlanePorts {
  readonly etcdClient: number;
  readonly etcdPeer: number;
  readonly apiServer: number;
  readonly controllerManager?: number;
}

/** A free TCP port on 127.0.0.1 (bound and released; the caller binds it next). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolvePort(port));
    });
  });
}

/** True when nothing listens on the port (it can be bound on 127.0.0.1). */
export async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const srv = createServer();
    srv.once('error', () => resolveFree(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolveFree(true)));
  });
}

/** Result of a plain HTTP(S) GET. */
export interface Probe {
  readonly status: number;
  readonly body: string;
}

/**
 * A plain HTTP(S) GET with a 5 s timeout (readiness probes); `tls` gives the CA and, optionally, a client
 * certificate, or `insecure` for a component whose self-signed serving certificate the probe does not check.
 */
export function get(url: string, tls?: { ca?: string; cert?: string; key?: string; insecure?: boolean }): Promise<Probe> {
  return new Promise((resolveProbe, reject) => {
    const onResponse = (res: import('node:http').IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolveProbe({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    };
    const req = url.startsWith('https:')
      ? request(url, { ca: tls?.ca, cert: tls?.cert, key: tls?.key, rejectUnauthorized: !tls?.insecure, timeout: 5000 }, onResponse)
      : httpRequest(url, { timeout: 5000 }, onResponse);
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: timeout`)));
    req.on('error', reject);
    req.end();
  });
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/**
 * Polls `check` until it returns true; fails early when `proc` exits and after `timeoutMs`, quoting the last
 * probe error and the tail of the process log.
 */
export async function waitReady(proc: ManagedProcess, what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (!proc.running) {
      throw new Error(`${what} exited (${JSON.stringify(proc.exitStatus)}) before becoming ready; last log lines:\n${proc.logTail()}`);
    }
    try {
      if (await check()) return;
      lastError = 'not ready';
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    await sleep(250);
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms (${lastError}); last log lines:\n${proc.logTail()}`);
}

/** Renders a kubeconfig with embedded credentials. */
export function renderKubeconfig(name: string, creds: KubeCredentials): string {
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  return toYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'mini-atlas-test', cluster: { server: creds.server, 'certificate-authority-data': b64(creds.caPem) } }],
    users: [{ name, user: { 'client-certificate-data': b64(creds.certPem), 'client-key-data': b64(creds.keyPem) } }],
    contexts: [{ name, context: { cluster: 'mini-atlas-test', user: name } }],
    'current-context': name,
  });
}

/** A running etcd + kube-apiserver (+ kube-controller-manager). */
export class ControlPlane {
  /**
   * Starts the control plane and waits until the API server reports ready (`/readyz`, which includes the
   * RBAC bootstrap) and the controller manager is healthy. On failure everything started is stopped.
   */
  static async start(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
    const log = options.log ?? ((): void => undefined);
    const dir = mkdtempSync(join(tmpdir(), 'mini-atlas-cp-'));
    registerScratchDir(dir);
    const plane = new ControlPlane(dir, options.keepDir ?? Boolean(process.env.MINI_ATLAS_KEEP_CONTROL_PLANE));
    try {
      await plane.boot(options, log);
      return plane;
    } catch (e) {
      await plane.stop();
      throw e;
    }
  }

  /** Scratch directory (PKI, etcd data, logs, kubeconfigs). */
  readonly dir: string;
  private readonly keepDir: boolean;
  private readonly processes: ManagedProcess[] = [];
  private authority: CertificateAuthority | undefined;
  private serving: IssuedCertificate | undefined;
  private adminCreds: KubeCredentials | undefined;
  private listening: ControlPlanePorts | undefined;
  private stopped = false;

  private constructor(dir: string, keepDir: boolean) {
    this.dir = dir;
    this.keepDir = keepDir;
  }

  /** API server URL. */
  get server(): string {
    return this.admin.server;
  }

  /** Credentials of the cluster admin (`system:masters`). */
  get admin(): KubeCredentials {
    if (!this.adminCreds) throw new Error('control plane not started');
    return this.adminCreds;
  }

  /** The admin kubeconfig file. */
  get kubeconfig(): string {
    return join(this.dir, 'admin.kubeconfig');
  }

  /** The ports in use. */
  get ports(): ControlPlanePorts {
    if (!this.listening) throw new Error('control plane not started');
    return this.listening;
  }

  /** Log file of each process, by name (`etcd`, `kube-apiserver`, `kube-controller-manager`). */
  get logs(): Readonly<Record<string, string>> {
    return Object.fromEntries(this.processes.map((p) => [p.name, p.logFile]));
  }

  /** Process id of each running process, by name. */
  get pids(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.processes.filter((p) => p.running).map((p) => [p.name, p.pid]));
  }

  /** True while every process of the control plane is running. */
  get healthy(): boolean {
    return !this.stopped && this.processes.every((p) => p.running);
  }

  /** Issues a client certificate for `identity` and writes a kubeconfig for it; returns its path and credentials. */
  async issueKubeconfig(name: string, identity: Identity): Promise<{ readonly kubeconfig: string; readonly credentials: KubeCredentials }> {
    if (!this.authority) throw new Error('control plane not started');
    const cert = await this.authority.issue({
      name: `client-${name}`, commonName: identity.user, organizations: identity.groups ?? [], usage: 'client',
    });
    const credentials: KubeCredentials = {
      server: this.server, caPem: this.authority.ca.certPem, certPem: cert.certPem, keyPem: cert.keyPem,
    };
    const kubeconfig = join(this.dir, `${name}.kubeconfig`);
    writeFileSync(kubeconfig, renderKubeconfig(name, credentials), { mode: 0o600 });
    return { kubeconfig, credentials };
  }

  /** Stops every process (controller manager, API server, etcd, in that order) and removes the directory. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const p of [...this.processes].reverse()) await p.stop(10_000);
    if (this.keepDir) {
      unregisterScratchDir(this.dir);
    } else {
      rmSync(this.dir, { recursive: true, force: true });
      unregisterScratchDir(this.dir);
    }
  }

  private async boot(options: ControlPlaneOptions, log: (m: string) => void): Promise<void> {
    const bin = options.binaries ?? toolPaths(['kubernetes', 'etcd']);
    const address = options.address ?? '127.0.0.1';
    const timeout = options.readyTimeoutMs ?? 60_000;
    const controllers = options.controllers ?? DEFAULT_CONTROLLERS;
    const pki = join(this.dir, 'pki');
    mkdirSync(pki);

    const ca = await CertificateAuthority.create(pki, 'mini-atlas-test-ca');
    this.authority = ca;
    this.serving = await ca.issue({
      name: 'serving',
      commonName: 'kube-apiserver',
      usage: 'server',
      dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
      ipAddresses: [...new Set(['127.0.0.1', address, KUBERNETES_SERVICE_IP])],
    });
    const sa = writeServiceAccountKeyPair(pki);

    const ports: ControlPlanePorts = {
      etcdClient: await freePort(),
      etcdPeer: await freePort(),
      apiServer: options.apiServerPort ?? await freePort(),
      ...(controllers.length > 0 ? { controllerManager: await freePort() } : {}),
    };
    this.listening = ports;

    // etcd: one member, no fsync (test data only).
    const etcdUrl = `http://127.0.0.1:${ports.etcdClient}`;
    const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
    log(`starting etcd on ${etcdUrl}`);
    const etcd = this.spawn('etcd', bin.etcd, [
      '--name=default',
      `--data-dir=${join(this.dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ]);
    await waitReady(etcd, 'etcd', timeout, async () => {
      const r = await get(`${etcdUrl}/health`);
      return r.status === 200 && (JSON.parse(r.body) as { health?: string }).health === 'true';
    });

    // kube-apiserver with RBAC, client-certificate authentication and service-account tokens.
    const server = `https://${address}:${ports.apiServer}`;
    log(`starting kube-apiserver on ${server}`);
    const apiServer = this.spawn('kube-apiserver', bin.kubeApiserver, [
      `--etcd-servers=${etcdUrl}`,
      `--bind-address=${address}`,
      `--advertise-address=${address}`,
      `--secure-port=${ports.apiServer}`,
      `--cert-dir=${join(this.dir, 'apiserver')}`,
      `--tls-cert-file=${this.serving.certFile}`,
      `--tls-private-key-file=${this.serving.keyFile}`,
      `--client-ca-file=${ca.ca.certFile}`,
      `--authorization-mode=${(options.authorizationModes ?? ['RBAC']).join(',')}`,
      `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${sa.publicKeyFile}`,
      `--service-account-signing-key-file=${sa.privateKeyFile}`,
      '--allow-privileged=true',
      '--profiling=false',
      '--v=1',
      ...(options.apiServerArgs ?? []),
    ]);
    const admin = await ca.issue({ name: 'admin', commonName: 'mini-atlas-admin', organizations: ['system:masters'], usage: 'client' });
    this.adminCreds = { server, caPem: ca.ca.certPem, certPem: admin.certPem, keyPem: admin.keyPem };
    writeFileSync(this.kubeconfig, renderKubeconfig('admin', this.adminCreds), { mode: 0o600 });
    const tls = { ca: ca.ca.certPem, cert: admin.certPem, key: admin.keyPem };
    await waitReady(apiServer, 'kube-apiserver', timeout, async () => {
      const r = await get(`${server}/readyz`, tls);
      return r.status === 200 && r.body.trim() === 'ok';
    });
    log('kube-apiserver ready');

    if (ports.controllerManager !== undefined) {
      // It acts with cluster-admin rights (group system:masters), so every controller may do its job.
      const kcm = await this.issueKubeconfig('kube-controller-manager', {
        user: 'system:kube-controller-manager', groups: ['system:masters'],
      });
      log(`starting kube-controller-manager (${controllers.join(', ')})`);
      const manager = this.spawn('kube-controller-manager', bin.kubeControllerManager, [
        `--kubeconfig=${kcm.kubeconfig}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${ports.controllerManager}`,
        `--tls-cert-file=${this.serving.certFile}`,
        `--tls-private-key-file=${this.serving.keyFile}`,
        `--cert-dir=${join(this.dir, 'controller-manager')}`,
        '--leader-elect=false',
        `--controllers=${controllers.join(',')}`,
        `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
        `--resource-quota-sync-period=${RESOURCE_QUOTA_SYNC_PERIOD}`,
        '--profiling=false',
        '--v=1',
        ...(options.controllerManagerArgs ?? []),
      ]);
      await waitReady(manager, 'kube-controller-manager', timeout, async () => {
        const r = await get(`https://127.0.0.1:${ports.controllerManager}/healthz`, { ca: ca.ca.certPem });
        return r.status === 200;
      });
      log('kube-controller-manager ready');
    }
  }

  private spawn(name: string, command: string, args: readonly string[]): ManagedProcess {
    const proc = ManagedProcess.start({ name, command, args, logFile: join(this.dir, `${name}.log`) });
    this.processes.push(proc);
    return proc;
  }
}
