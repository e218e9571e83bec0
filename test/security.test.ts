/** Secure by default and no data lost: what must hold for every synthesized platform. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlatform } from '../lib/build-platform';
import { addTeamA } from '../teams/team-a';
import { ANNOTATIONS, RemovalGuardError, RenderedObject, RESERVED_NAMESPACES, Topic, writeDist } from '../lib';
import { parseDistFile, readDist } from '../lib/synth/dist-model';
import { checkSecrets } from '../scripts/validate/hygiene';
import { find, Json, ofKind, render, rgdResources } from './helpers/platform';

const files = render();
const objects = files.map((f) => f.object);

/** The one secret scanner (the validator's), over YAML texts named like files; findings as `file path: message`. */
function secretFindings(texts: ReadonlyArray<[string, string]>): string[] {
  const files = texts.map(([name, text]) => parseDistFile({ file: `/scan/${name}`, path: name, folder: '', name, kind: 'objects' }, text));
  return checkSecrets(files).map((v) => `${v.file.slice('/scan/'.length)} ${v.path}: ${v.message.split(';')[0]}`);
}

describe('no secrets in Git', () => {
  test('dist/ holds no Secret data, no password-like literal and no private key', () => {
    expect(checkSecrets(readDist(join(__dirname, '..', 'dist')).files)).toEqual([]);
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

  test('generators, KRO expressions, references by name and booleans are not secrets', () => {
    expect(secretFindings([['e.yaml', [
      'password: "{{ random(\'[a-z]{32}\') }}"', 'databaseSecret: ${database.metadata.name + "-app"}', 'passwordSecretRef: db-auth',
      'automountServiceAccountToken: false', 'secretKeyRef:', '  name: x', 'token: {}', '',
    ].join('\n')]])).toEqual([]);
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

describe('containers the platform creates are restricted', () => {
  /** The RGD's Deployment resources, by id. */
  const deployments = (kind: string): Record<string, Json> => Object.fromEntries(Object.entries(rgdResources(files, kind))
    .filter(([, r]) => r.template.kind === 'Deployment'));

  test.each([
    ['WebApplication', 'deployment', 'app'],
    ['Infrastructure', 'cache', 'valkey'],
  ])('%s pods (%s, container %s): non-root, no escalation, no capabilities, RuntimeDefault, read-only root, requests and limits', (kind, id, container) => {
    const found = deployments(kind);
    expect(Object.keys(found)).toEqual([id]);
    const pod = found[id].template.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers.map((c: Json) => c.name)).toEqual([container]);
    const [c] = pod.containers;
    expect(c.securityContext).toEqual(expect.objectContaining({
      runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] },
    }));
    expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory']);
  });

  test('every workspace gets a ResourceQuota and a LimitRange', () => {
    const ws = rgdResources(files, 'Workspace');
    expect(ws.quota.template.spec.hard).toEqual(expect.objectContaining({ 'limits.cpu': '${schema.spec.quota.cpu}', pods: '${string(schema.spec.quota.pods)}' }));
    expect(ws.limits.template.spec.limits[0].type).toBe('Container');
  });
});

describe('no data lost', () => {
  test('stateful instances and the shared Kafka carry the Flux annotation that stops pruning', () => {
    const stateful = objects.filter((o) => ['Workspace', 'Infrastructure', 'Topic', 'Kafka', 'KafkaNodePool'].includes(o.kind));
    expect(stateful.length).toBe(5);
    for (const o of stateful) expect(o.metadata.annotations?.[ANNOTATIONS.fluxPrune]).toBe('disabled');
    expect((find(files, 'WebApplication', 'team-a-web') as Json).metadata.annotations).toBeUndefined();
  });

  test('databases use the Retain StorageClass; broker volumes are never deleted with the cluster', () => {
    const sc = find(files, 'StorageClass', 'retained') as Json;
    expect(sc.reclaimPolicy).toBe('Retain');
    expect(rgdResources(files, 'Infrastructure').database.template.spec.storage.storageClass).toBe('retained');
    expect((ofKind(files, 'KafkaNodePool')[0] as Json).spec.storage.deleteClaim).toBe(false);
  });

  test('deleting a Workspace, Infrastructure or Topic needs an explicit annotation (Kyverno)', () => {
    const p = find(files, 'ValidatingPolicy', 'stateful-deletion') as Json;
    expect(p.spec.matchConstraints.resourceRules[0]).toMatchObject({ operations: ['DELETE'], resources: ['workspaces', 'infrastructures', 'topics'] });
    expect(p.spec.validations[0].expression).toContain(`oldObject.metadata.annotations["${ANNOTATIONS.allowDelete}"] == "true"`);
  });

  describe('removal guard', () => {
    const synth = (withTopic: boolean, out: string, allowRemoval: string[] = []) => {
      const p = buildPlatform({ teams: (d) => { const ws = addTeamA(d); if (withTopic) new Topic(ws, 'audit'); } });
      return writeDist(p.app, out, { allowRemoval });
    };
    const out = join(mkdtempSync(join(tmpdir(), 'mini-atlas-guard-')), 'dist');

    test('refuses to drop a stateful object, naming it, and leaves dist/ as it was', () => {
      synth(true, out);
      const before = readFileSync(join(out, 'delivery/team-a/topic-team-a-team-a-audit.yaml'), 'utf8');
      expect(() => synth(false, out)).toThrow(RemovalGuardError);
      expect(() => synth(false, out)).toThrow('  - Topic/team-a/team-a-audit\nIf this is intended, re-run with --allow-removal Topic/team-a/team-a-audit');
      expect(readFileSync(join(out, 'delivery/team-a/topic-team-a-team-a-audit.yaml'), 'utf8')).toBe(before);
    });

    test('accepts the removal once acknowledged', () => {
      expect(synth(false, out, ['Topic/team-a/team-a-audit']).removed).toEqual(['Topic/team-a/team-a-audit']);
    });
  });
});

test('every non-workspace namespace in dist/ is reserved (no workspace can take it)', () => {
  const workspaces = new Set(ofKind(files, 'Workspace').map((w) => w.metadata.name));
  const namespaces = [...new Set(objects.map((o: RenderedObject) => o.metadata.namespace).filter((n): n is string => !!n))].sort();
  const platform = namespaces.filter((ns) => !workspaces.has(ns));
  expect(platform).toEqual(['cnpg-system', 'flux-system', 'gateway-system', 'kafka', 'kro-system', 'kube-system', 'kyverno', 'strimzi-system']);
  expect(platform.filter((ns) => !RESERVED_NAMESPACES.includes(ns))).toEqual([]);
});
