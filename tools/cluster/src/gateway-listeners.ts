/**
 * The listeners of the shared Gateway, read from `dist/core/shared-services`. Their ports become the Kind
 * `extraPortMappings`, so `https://<app>.<domain>:<port>` reaches Envoy from the laptop; the Secrets their TLS
 * terminates with are what `cluster:up` issues from the local CA (gateway-certificate.ts).
 */
import { ClusterError } from './cluster-error';
import { readDistFolder } from './dist-manifests';
import { apiGroup, KubeObject, objectRef } from './kube-object';

/** Folder of `dist/` that holds the shared Gateway. */
export const SHARED_SERVICES_FOLDER = 'core/shared-services';

/** One Gateway listener. */
export interface GatewayListener {
  /** `Gateway/<namespace>/<name>` the listener belongs to. */
  readonly gateway: string;
  readonly name: string;
  readonly port: number;
  /** Gateway API protocol: HTTP, HTTPS, TLS, TCP or UDP. */
  readonly protocol: string;
  /** Listener hostname (e.g. `*.localtest.me`), if any. */
  readonly hostname?: string;
  /**
   * The Secrets a listener terminating TLS presents (`tls.certificateRefs`). Gateway API
   * (apis/v1/gateway_types.go, ListenerTLSConfig and SecretObjectReference): `mode` defaults to `Terminate`,
   * a reference's `group` to `""` and `kind` to `Secret`, its `namespace` to the Gateway's. Empty for HTTP
   * and passthrough listeners.
   */
  readonly certificateSecrets: readonly SecretRef[];
}

/** A Secret by namespace and name. */
export interface SecretRef {
  readonly namespace: string;
  readonly name: string;
}

/** The Secrets a raw listener terminates TLS with (see {@link GatewayListener.certificateSecrets}). */
function certificateSecrets(gw: KubeObject, raw: Readonly<Record<string, unknown>>): SecretRef[] {
  const tls = raw.tls as { mode?: unknown; certificateRefs?: unknown } | undefined;
  if (!tls || (tls.mode ?? 'Terminate') !== 'Terminate' || !Array.isArray(tls.certificateRefs)) return [];
  return (tls.certificateRefs as readonly Record<string, unknown>[])
    .filter((r) => (r.group ?? '') === '' && (r.kind ?? 'Secret') === 'Secret' && typeof r.name === 'string')
    .map((r) => ({ namespace: typeof r.namespace === 'string' ? r.namespace : gw.metadata.namespace ?? 'default', name: r.name as string }));
}

/** A host port to publish: the union of the listeners' ports, with the transport protocol. */
export interface PublishedPort {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
}

/** The listeners of every Gateway in the given objects. Throws when a listener has no valid port. */
export function gatewayListeners(objects: readonly KubeObject[]): GatewayListener[] {
  const out: GatewayListener[] = [];
  for (const gw of objects) {
    if (gw.kind !== 'Gateway' || apiGroup(gw.apiVersion) !== 'gateway.networking.k8s.io') continue;
    const listeners = gw.spec?.listeners;
    if (!Array.isArray(listeners)) continue;
    for (const raw of listeners as readonly Record<string, unknown>[]) {
      const port = raw.port;
      const name = typeof raw.name === 'string' ? raw.name : '?';
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
        throw new ClusterError(
          `${objectRef(gw)} listener ${name} has no valid port (${JSON.stringify(port)})`,
          'fix the SharedGateway in the CoreChart and run `npm run synth`',
        );
      }
      out.push({
        gateway: objectRef(gw),
        name,
        port,
        protocol: typeof raw.protocol === 'string' ? raw.protocol : 'HTTP',
        ...(typeof raw.hostname === 'string' ? { hostname: raw.hostname } : {}),
        certificateSecrets: certificateSecrets(gw, raw),
      });
    }
  }
  return out;
}

/** The distinct ports to publish for a set of listeners, sorted. */
export function publishedPorts(listeners: readonly GatewayListener[]): PublishedPort[] {
  const seen = new Map<string, PublishedPort>();
  for (const l of listeners) {
    const protocol = l.protocol.toUpperCase() === 'UDP' ? 'UDP' : 'TCP';
    seen.set(`${l.port}/${protocol}`, { port: l.port, protocol });
  }
  return [...seen.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
}

/** Reads the shared Gateway's listeners from `dist/`. Throws when there is no Gateway with listeners. */
export function readGatewayListeners(distDir: string): GatewayListener[] {
  const objects = readDistFolder(distDir, SHARED_SERVICES_FOLDER).map((d) => d.object);
  const listeners = gatewayListeners(objects);
  if (listeners.length === 0) {
    throw new ClusterError(
      `no Gateway with listeners in dist/${SHARED_SERVICES_FOLDER}: the cluster would publish no port for applications`,
      'check the SharedGateway in the CoreChart and run `npm run synth`',
    );
  }
  return listeners;
}

/** Example URL for a listener: `https://<app>.localtest.me:8443` for an HTTPS listener of hostname `*.localtest.me`. */
export function exampleUrl(listener: GatewayListener): string {
  const scheme = listener.protocol.toUpperCase() === 'HTTPS' ? 'https' : 'http';
  const host = listener.hostname ? listener.hostname.replace(/^\*\./, '<app>.') : 'localhost';
  return `${scheme}://${host}:${listener.port}`;
}
