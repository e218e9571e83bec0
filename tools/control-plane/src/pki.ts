/**
 * A throw-away PKI for the test control plane: one CA, serving and client certificates (ECDSA P-256, valid
 * for a day) issued with the `openssl` CLI, and the service-account signing key pair from `node:crypto`.
 *
 * Node's crypto can make keys but not X.509 certificates; `openssl` is present wherever `ca-certificates`
 * is installed (Debian and Ubuntu images, CI runners).
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
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
}

const VALID_DAYS = '1';

function subject(commonName: string, organizations: readonly string[] = []): string {
  const bad = [commonName, ...organizations].find((v) => /[/\\=]/.test(v));
  if (bad) throw new Error(`pki: "${bad}" cannot go into a certificate subject (no '/', '\\' or '=')`);
  return [...organizations.map((o) => `/O=${o}`), `/CN=${commonName}`].join('');
}

async function ecKey(file: string): Promise<void> {
  await $({ quiet: true })`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ${file}`;
}

/** A certificate authority that issues certificates into its directory. */
export class CertificateAuthority {
  /** Creates a self-signed CA in `dir` (files `ca.crt`, `ca.key`). */
  static async create(dir: string, commonName: string): Promise<CertificateAuthority> {
    const keyFile = join(dir, 'ca.key');
    const certFile = join(dir, 'ca.crt');
    await ecKey(keyFile);
    await $({ quiet: true })`openssl req -x509 -new -key ${keyFile} -out ${certFile} -days ${VALID_DAYS} -subj ${subject(commonName)} -addext ${'basicConstraints=critical,CA:TRUE'} -addext ${'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'}`;
    return new CertificateAuthority(dir, {
      certFile, keyFile, certPem: readFileSync(certFile, 'utf8'), keyPem: readFileSync(keyFile, 'utf8'),
    });
  }

  private serial = 1;

  private constructor(
    /** Directory certificates are written to. */
    readonly dir: string,
    /** The CA certificate and key. */
    readonly ca: IssuedCertificate,
  ) {}

  /** Issues a certificate signed by this CA. */
  async issue(req: CertificateRequest): Promise<IssuedCertificate> {
    const keyFile = join(this.dir, `${req.name}.key`);
    const certFile = join(this.dir, `${req.name}.crt`);
    const csrFile = join(this.dir, `${req.name}.csr`);
    const extFile = join(this.dir, `${req.name}.ext`);
    await ecKey(keyFile);
    await $({ quiet: true })`openssl req -new -key ${keyFile} -out ${csrFile} -subj ${subject(req.commonName, req.organizations)}`;
    const san = [...(req.dnsNames ?? []).map((d) => `DNS:${d}`), ...(req.ipAddresses ?? []).map((i) => `IP:${i}`)];
    if (req.usage === 'server' && san.length === 0) throw new Error(`pki: server certificate ${req.name} needs SANs`);
    writeFileSync(extFile, [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      `extendedKeyUsage=${req.usage === 'server' ? 'serverAuth' : 'clientAuth'}`,
      ...(san.length > 0 ? [`subjectAltName=${san.join(',')}`] : []),
      '',
    ].join('\n'));
    await $({ quiet: true })`openssl x509 -req -in ${csrFile} -CA ${this.ca.certFile} -CAkey ${this.ca.keyFile} -set_serial ${String(++this.serial)} -days ${VALID_DAYS} -sha256 -extfile ${extFile} -out ${certFile}`;
    return { certFile, keyFile, certPem: readFileSync(certFile, 'utf8'), keyPem: readFileSync(keyFile, 'utf8') };
  }
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
