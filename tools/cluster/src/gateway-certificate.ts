/**
 * The shared Gateway's certificate on Kind. A listener that terminates TLS references a `kubernetes.io/tls`
 * Secret that is never synthesized (it would put a private key into Git); `cluster:up` issues it from a local
 * certificate authority and applies it to the cluster, before Flux applies the Gateway.
 *
 * The CA lives on the laptop, outside the repository (`--ca-dir`, default
 * `$XDG_DATA_HOME/mini-atlas/local-ca`, else `~/.local/share/mini-atlas/local-ca`), one per domain in
 * `<ca-dir>/<domain>/`: the user trusts `ca.crt` once, and every re-run and every new cluster keeps it. The CA
 * is name-constrained to its domain (RFC 5280 section 4.2.1.10), so trusting it admits nothing outside
 * `<domain>` and its subdomains even if its key leaks. Keys and certificates are made by `openssl` (the
 * tools' one PKI: tools/control-plane/src/pki.ts), run through the CLI's command runner.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CertificateAuthority, IssuedCertificate, readCertificate } from '../../control-plane/src/pki';
import { ClusterError, UsageError } from './cluster-error';
import { CommandRunner } from './command-runner';
import { GatewayListener, SecretRef } from './gateway-listeners';
import { KubeObject } from './kube-object';

/** Validity of the local CA, days (ten years: trusted once per laptop). */
export const CA_VALID_DAYS = 3650;
/**
 * Validity of the Gateway's certificate, days: Apple's platforms refuse TLS server certificates valid for more
 * than 825 days, also from a locally trusted CA ("Requirements for trusted certificates in iOS 13 and macOS
 * 10.15", support.apple.com/103769).
 */
export const CERTIFICATE_VALID_DAYS = 825;
/** A certificate that expires within this many seconds (30 days) is issued anew. */
export const RENEW_BEFORE_SECONDS = 30 * 24 * 60 * 60;
/** File name stem of the Gateway's certificate in the CA's directory (`gateway.crt`, `gateway.key`). */
export const CERTIFICATE_NAME = 'gateway';

/** The default directory of the local CAs, from the environment (XDG base directory specification). */
export function defaultCaDir(env: NodeJS.ProcessEnv): string {
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'mini-atlas', 'local-ca');
  if (env.HOME) return join(env.HOME, '.local', 'share', 'mini-atlas', 'local-ca');
  throw new UsageError('neither XDG_DATA_HOME nor HOME is set: there is no default place for the local CA', 'pass --ca-dir <dir>');
}

/** One certificate to issue: the names of a domain, and the Secrets that present it. */
export interface CertificatePlan {
  /** `localtest.me` for the listener hostname `*.localtest.me`; the CA's directory name. */
  readonly domain: string;
  /** Subject alternative names: `*.<domain>` and `<domain>` for a wildcard hostname, else the hostname. */
  readonly dnsNames: readonly string[];
  readonly secrets: readonly SecretRef[];
}

/**
 * The certificates the listeners need, one per domain, in listener order. Throws when a listener terminates
 * TLS without a hostname (there would be no name to certify).
 */
export function certificatePlans(listeners: readonly GatewayListener[]): CertificatePlan[] {
  const plans = new Map<string, { dnsNames: string[]; secrets: SecretRef[] }>();
  for (const l of listeners.filter((x) => x.certificateSecrets.length > 0)) {
    if (!l.hostname) {
      throw new ClusterError(
        `${l.gateway} listener ${l.name} terminates TLS but has no hostname: cluster:up cannot tell which names its certificate must hold`,
        'give the listener a hostname (the SharedGateway sets *.<domain>) and run `npm run synth`',
      );
    }
    const domain = l.hostname.replace(/^\*\./, '');
    const plan = plans.get(domain) ?? { dnsNames: l.hostname.startsWith('*.') ? [l.hostname, domain] : [domain], secrets: [] };
    for (const s of l.certificateSecrets) {
      if (!plan.secrets.some((x) => x.namespace === s.namespace && x.name === s.name)) plan.secrets.push(s);
    }
    plans.set(domain, plan);
  }
  return [...plans].map(([domain, p]) => ({ domain, ...p }));
}

/** What {@link issueGatewayCertificates} did for one domain. */
export interface IssuedGatewayCertificate extends CertificatePlan {
  /** The CA certificate to trust. */
  readonly caFile: string;
  readonly caCreated: boolean;
  /** Whether the Gateway's certificate was issued in this run (new CA, none yet, or expiring). */
  readonly issued: boolean;
  readonly certificate: IssuedCertificate;
}

/**
 * For each plan: opens the domain's CA in `caDir` or creates it, and keeps its Gateway certificate unless it is
 * missing, the CA is new, or `openssl x509 -checkend` says it expires within {@link RENEW_BEFORE_SECONDS}.
 */
export async function issueGatewayCertificates(runner: CommandRunner, plans: readonly CertificatePlan[], caDir: string): Promise<IssuedGatewayCertificate[]> {
  const openssl = (args: readonly string[]) => runner.run('openssl', args);
  const out: IssuedGatewayCertificate[] = [];
  for (const plan of plans) {
    const dir = join(caDir, plan.domain);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const options = { openssl, validDays: CA_VALID_DAYS, permittedDnsNames: [plan.domain] };
    const opened = CertificateAuthority.open(dir, options);
    const ca = opened ?? await CertificateAuthority.create(dir, `Mini-Atlas local CA for ${plan.domain}`, options);
    let certificate = opened ? readCertificate(dir, CERTIFICATE_NAME) : undefined;
    if (certificate) {
      const check = await runner.run('openssl', ['x509', '-checkend', String(RENEW_BEFORE_SECONDS), '-noout', '-in', certificate.certFile], { allowFailure: true });
      if (check.exitCode !== 0) certificate = undefined;
    }
    const issued = certificate === undefined;
    certificate ??= await ca.issue({ name: CERTIFICATE_NAME, commonName: plan.domain, usage: 'server', dnsNames: plan.dnsNames, validDays: CERTIFICATE_VALID_DAYS });
    out.push({ ...plan, caFile: ca.ca.certFile, caCreated: opened === undefined, issued, certificate });
  }
  return out;
}

/**
 * The objects to apply: each Secret's Namespace (the one synthesized in `dist/` when there is one, so Flux
 * later finds it as it would have made it) and the `kubernetes.io/tls` Secrets, labelled like the Gateway.
 */
export function certificateObjects(
  issued: readonly IssuedGatewayCertificate[], distObjects: readonly KubeObject[], labels: Readonly<Record<string, string>> = {},
): Record<string, unknown>[] {
  const secrets = issued.flatMap((c) => c.secrets.map((s) => ({ ...s, certificate: c.certificate })));
  const namespaces = [...new Set(secrets.map((s) => s.namespace))].map((name) =>
    (distObjects.find((o) => o.kind === 'Namespace' && o.apiVersion === 'v1' && o.metadata.name === name) as Record<string, unknown> | undefined) ??
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return [
    ...namespaces,
    ...secrets.map((s) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: s.name, namespace: s.namespace, ...(Object.keys(labels).length > 0 ? { labels } : {}) },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': Buffer.from(s.certificate.certPem).toString('base64'),
        'tls.key': Buffer.from(s.certificate.keyPem).toString('base64'),
      },
    })),
  ];
}
