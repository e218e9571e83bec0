/** No secrets in Git: dist/ holds none, the one scanner (the validator's) catches each kind, the cache password is generated in the cluster. */
import { join } from 'node:path';
import { ANNOTATIONS } from '../../lib';
import { parseDistFile, readDist } from '../../lib/synth/dist-model';
import { checkSecrets } from '../../tools/validate/src/hygiene';
import { find, Json, render, rgdResources } from '../helpers/platform';

const files = render();

/** The one secret scanner (the validator's), over YAML texts named like files; findings as `file path: message`. */
function secretFindings(texts: ReadonlyArray<[string, string]>): string[] {
  const files = texts.map(([name, text]) => parseDistFile({ file: `/scan/${name}`, path: name, folder: '', name, kind: 'objects' }, text));
  return checkSecrets(files).map((v) => `${v.file.slice('/scan/'.length)} ${v.path}: ${v.message.split(';')[0]}`);
}

describe('no secrets in Git', () => {
  test('dist/ holds no Secret data, no password-like literal and no private key', () => {
    expect(checkSecrets(readDist(join(__dirname, '..', '..', 'dist')).files)).toEqual([]);
  });

  test('the scanner catches each kind of leak', () => {
    expect(secretFindings([
      ['a.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\nstringData:\n  password: hunter2\n'],
      ['b.yaml', 'spec:\n  values:\n    adminPassword: s3cr3t-value\n'],
      ['c.yaml', 'key: |\n  -----BEGIN RSA PRIVATE KEY-----\n'],
      ['d.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  values.yaml: |\n    auth:\n      apiKey: abc123\n'],
    ])).toEqual([
      'a.yaml $.stringData: Secret carries stringData (password)',
      'b.yaml $.spec.values.adminPassword: adminPassword has a literal value that looks like a secret',
      'c.yaml $.key: holds a private key',
      "d.yaml $.data['values.yaml']: apiKey has a literal value that looks like a secret",
    ]);
  });

  test('generators, KRO expressions, references by name, booleans and SimpleSchema declarations are not secrets', () => {
    expect(secretFindings([['e.yaml', [
      'password: "{{ random(\'[a-z]{32}\') }}"', 'databaseSecret: ${database.metadata.name + "-app"}', 'passwordSecretRef: db-auth',
      'automountServiceAccountToken: false', 'secretKeyRef:', '  name: x', 'token: {}', 'secretPrefix: kafka-user-',
      'secretEnv: "[]SecretEnvVar | default=[] maxItems=64 description=\\"From a Secret\\""', 'secret: string | required=true maxLength=253 description="A Secret"',
      '',
    ].join('\n')]])).toEqual([]);
  });

  test('a name prefix is not a secret only while it looks like the start of a DNS name', () => {
    expect(secretFindings([['f.yaml', 'secretPrefix: "S3cr3t!"\ntokenPrefix: ab_cd\n']])).toEqual([
      'f.yaml $.secretPrefix: secretPrefix has a literal value that looks like a secret',
      'f.yaml $.tokenPrefix: tokenPrefix has a literal value that looks like a secret',
    ]);
  });

  test('a secret-looking value that merely contains a "|" is still one', () => {
    expect(secretFindings([['f.yaml', 'apiToken: abc | def\nsecret: "hunter2 | x"\n']])).toEqual([
      'f.yaml $.apiToken: apiToken has a literal value that looks like a secret',
      'f.yaml $.secret: secret has a literal value that looks like a secret',
    ]);
  });

  test('the cache password is generated in the cluster by Kyverno, once, from a random source', () => {
    const policy = find(files, 'ClusterPolicy', 'cache-password') as Json;
    const gen = policy.spec.rules[0].generate;
    expect(gen.kind).toBe('Secret');
    expect(gen.synchronize).toBe(false);
    expect(gen.data.stringData.password).toMatch(/^\{\{ random\('\[a-zA-Z0-9\]\{32\}'\) \}\}$/);
    const { cache, cacheService } = rgdResources(files, 'Infrastructure');
    expect(cacheService.template.metadata.annotations[ANNOTATIONS.generatePassword]).toBe('${schema.metadata.name + "-cache-auth"}');
    expect(cache.template.spec.template.spec.containers[0].env).toEqual([
      { name: 'VALKEY_PASSWORD', valueFrom: { secretKeyRef: { name: '${schema.metadata.name + "-cache-auth"}', key: 'password' } } },
    ]);
  });
});
