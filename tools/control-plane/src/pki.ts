/**
 * The one PKI of the tools: a CA, serving and client certificates (ECDSA P-256) issued with the `openssl` CLI,
 * and the service-account signing key pair from `node:crypto`. The test control plane makes a throw-away one
 * (valid for a day); `cluster:up` keeps a local CA on the laptop for the Gateway's certificate
 * (tools/cluster/src/gateway-certificate.ts), running `openssl` through its own command runner.
 *
 * Node's crypto can make keys but not X.509 certificates; `openssl` is present wherever `ca-certificates`
 * is installed (Debian and Ubuntu images, CI runners, macOS). `req -addext` needs OpenSSL 1.1.1 or LibreSSL 3.1.
 */
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';

/** A certificate and its private key, as files and PEM text. */
export interface IssuedCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** What to put into a certificate. */
export interface CertificateRequest {
  /** File name stem (`<name>.crt`, `<name>.key`). */
  readonly name: string;
  /** Subject CN; for client certificates the Kubernetes user name. */
  readonly commonName: string;
  /** Subject O entries; for client certificates the Kubernetes groups. */
  readonly organizations?: readonly string[];
  /** `server` (serverAuth, with SANs) or `client` (clientAuth). */
  readonly usage: 'server' | 'client';
  /** DNS subject alternative names (server certificates). */
  readonly dnsNames?: readonly string[];
  /** IP subject alternative names (server certificates). */
  readonly ipAddresses?: readonly string[];
  /** Validity in days. @default the authority's `validDays` */
  readonly validDays?: number;
}

/** Runs `openssl` with these arguments; rejects when it fails. */
export type OpensslRunner = (args: readonly string[]) => Promise<unknown>;

/** How an authority runs `openssl` and what it puts into its certificates. */
export interface AuthorityOptions {
  /** @default `openssl` on this process's PATH, through zx */
  readonly openssl?: OpensslRunner;
  /** Validity of the CA certificate, and the default of the certificates it issues, in days. @default 1 */
  readonly validDays?: number;
  /**
   * DNS names the CA may certify (X.509 name constraints, RFC 5280 section 4.2.1.10: a name constraint
   * `example.com` admits it and every name below it). A CA trusted on a laptop should admit nothing else.
   * @default none (unconstrained)
   */
  readonly permittedDnsNames?: readonly string[];
}

const zxOpenssl: OpensslRunner = (args) => $({ quiet: true })`openssl ${args}`;

function subject(commonName: string, organizations: readonly string[] = []): string {
  const bad = [commonName, ...organizations].find((v) => /[/\\=]/.test(v));
  if (bad) throw new Error(`pki: "${bad}" cannot go into a certificate subject (no '/', '\\' or '=')`);
  return [...organizations.map((o) => `/O=${o}`), `/CN=${commonName}`].join('');
}

/** A certificate and key already in `dir` (`<name>.crt`, `<name>.key`), or undefined when either is missing. */
export function readCertificate(dir: string, name: string): IssuedCertificate | undefined {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  if (!existsSync(certFile) || !existsSync(keyFile)) return undefined;
  return { certFile, keyFile, certPem: readFileSync(certFile, 'utf8'), keyPem: readFileSync(keyFile, 'utf8') };
}

/** A certificate authority that issues certificates into its directory. */
export class CertificateAuthority {
  /** Creates a self-signed CA in `dir` (files `ca.crt`, `ca.key`; serial numbers in `ca.srl`). */
  static async create(dir: string, commonName: string, options: AuthorityOptions = {}): Promise<CertificateAuthority> {
    const openssl = options.openssl ?? zxOpenssl;
    const keyFile = join(dir, 'ca.key');
    const certFile = join(dir, 'ca.crt');
    await openssl(ecKeyArgs(keyFile));
    ownerOnly(keyFile);
    const constraints = options.permittedDnsNames ?? [];
    await openssl([
      'req', '-x509', '-new', '-key', keyFile, '-out', certFile, '-days', String(options.validDays ?? 1), '-subj', subject(commonName),
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
      ...(constraints.length > 0 ? ['-addext', `nameConstraints=critical,${constraints.map((d) => `permitted;DNS:${d}`).join(',')}`] : []),
    ]);
    return new CertificateAuthority(dir, readCertificate(dir, 'ca')!, options);
  }

  /** The CA already in `dir` (a previous {@link create}), or undefined when its certificate or key is missing. */
  static open(dir: string, options: AuthorityOptions = {}): CertificateAuthority | undefined {
    const ca = readCertificate(dir, 'ca');
    return ca ? new CertificateAuthority(dir, ca, options) : undefined;
  }

  private readonly openssl: OpensslRunner;

  private constructor(
    /** Directory certificates are written to. */
    readonly dir: string,
    /** The CA certificate and key. */
    readonly ca: IssuedCertificate,
    private readonly options: AuthorityOptions,
  ) {
    this.openssl = options.openssl ?? zxOpenssl;
  }

  /**
   * Issues a certificate signed by this CA. Serial numbers come from `ca.srl` (`-CAcreateserial`: random at
   * first, then counted up), so two certificates of one CA never share one — browsers refuse a reused
   * issuer and serial (Firefox: SEC_ERROR_REUSED_ISSUER_AND_SERIAL).
   */
  async issue(req: CertificateRequest): Promise<IssuedCertificate> {
    const keyFile = join(this.dir, `${req.name}.key`);
    const certFile = join(this.dir, `${req.name}.crt`);
    const csrFile = join(this.dir, `${req.name}.csr`);
    const extFile = join(this.dir, `${req.name}.ext`);
    await this.openssl(ecKeyArgs(keyFile));
    ownerOnly(keyFile);
    await this.openssl(['req', '-new', '-key', keyFile, '-out', csrFile, '-subj', subject(req.commonName, req.organizations)]);
    const san = [...(req.dnsNames ?? []).map((d) => `DNS:${d}`), ...(req.ipAddresses ?? []).map((i) => `IP:${i}`)];
    if (req.usage === 'server' && san.length === 0) throw new Error(`pki: server certificate ${req.name} needs SANs`);
    writeFileSync(extFile, [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      `extendedKeyUsage=${req.usage === 'server' ? 'serverAuth' : 'clientAuth'}`,
      ...(san.length > 0 ? [`subjectAltName=${san.join(',')}`] : []),
      '',
    ].join('\n'));
    await this.openssl([
      'x509', '-req', '-in', csrFile, '-CA', this.ca.certFile, '-CAkey', this.ca.keyFile, '-CAserial', join(this.dir, 'ca.srl'), '-CAcreateserial',
      '-days', String(req.validDays ?? this.options.validDays ?? 1), '-sha256', '-extfile', extFile, '-out', certFile,
    ]);
    return readCertificate(this.dir, req.name)!;
  }
}

/** A private key stays readable by its owner only (`openssl genpkey` leaves the mode to the umask). */
function ownerOnly(keyFile: string): void {
  if (existsSync(keyFile)) chmodSync(keyFile, 0o600);
}

/** `openssl genpkey` arguments of an ECDSA P-256 key (the curve every TLS client and Kubernetes accept). */
function ecKeyArgs(file: string): string[] {
  return ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file];
}

/** Writes an RSA key pair for signing service-account tokens; returns the two file paths. */
export function writeServiceAccountKeyPair(dir: string): { readonly privateKeyFile: string; readonly publicKeyFile: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const privateKeyFile = join(dir, 'sa.key');
  const publicKeyFile = join(dir, 'sa.pub');
  writeFileSync(privateKeyFile, privateKey, { mode: 0o600 });
  writeFileSync(publicKeyFile, publicKey);
  return { privateKeyFile, publicKeyFile };
}
