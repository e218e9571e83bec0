/** The data-bearing kinds, declared once: the Flux annotation they get and the checks of `dist/`. */
import { Cluster } from '../../../imports/postgresql.cnpg.io';
import { Kafka, KafkaNodePool, KafkaTopic } from '../../../imports/kafka.strimzi.io';
import { ResourceGraphDefinition } from '../../../imports/kro.run';
import { DATA_BEARING_KINDS, DataBearingKind, dataBearingKindOf, dataProtectionProblems, JsonObject, ObjectIdentity } from '../../../lib';
import { withDataProtection } from '../../../lib/shared/data-bearing';
import { kroPlural } from '../../../lib/foundation/resource-graph';
import { render } from '../../helpers/platform';

const key = (o: { kind: string; metadata: { name: string; namespace?: string } }): string =>
  [o.kind, o.metadata.namespace, o.metadata.name].filter(Boolean).join('/');
const PRUNE = 'kustomize.toolkit.fluxcd.io/prune';

describe('the declaration', () => {
  test('names each kind with the group, version and plural its API serves', () => {
    expect(DATA_BEARING_KINDS.map((k) => `${k.group ? `${k.group}/` : ''}${k.version} ${k.kind} ${k.resource}`)).toEqual([
      'platform.mini-atlas.io/v1alpha1 Workspace workspaces',
      'platform.mini-atlas.io/v1alpha1 Infrastructure infrastructures',
      'platform.mini-atlas.io/v1alpha1 Topic topics',
      'postgresql.cnpg.io/v1 Cluster clusters',
      'kafka.strimzi.io/v1 KafkaTopic kafkatopics',
      'kafka.strimzi.io/v1 Kafka kafkas',
      'kafka.strimzi.io/v1 KafkaNodePool kafkanodepools',
      'kro.run/v1alpha1 ResourceGraphDefinition resourcegraphdefinitions',
    ]);
    // The versions are those of the generated classes the platform writes; the platform kinds' plurals are KRO's.
    for (const gvk of [Cluster.GVK, KafkaTopic.GVK, Kafka.GVK, KafkaNodePool.GVK, ResourceGraphDefinition.GVK]) {
      const k = dataBearingKindOf(gvk.apiVersion, gvk.kind)!;
      expect(`${k.group}/${k.version}`).toBe(gvk.apiVersion);
    }
    for (const k of DATA_BEARING_KINDS.filter((x) => x.group === 'platform.mini-atlas.io')) expect(kroPlural(k.kind)).toBe(k.resource);
    // The policy's messages key the kinds by name: no two share one.
    expect(new Set(DATA_BEARING_KINDS.map((k) => k.kind)).size).toBe(DATA_BEARING_KINDS.length);
  });

  test('KRO plurals: flect\'s rules for the endings generated kinds have', () => {
    expect(['WebApplication', 'Policy', 'Gateway', 'Mailbox', 'Index', 'Batch', 'Status'].map(kroPlural))
      .toEqual(['webapplications', 'policies', 'gateways', 'mailboxes', 'indexes', 'batches', 'statuses']);
  });
});

describe('Flux never prunes data', () => {
  test('today: every data-bearing object of dist/ and the kafka namespace carry prune: disabled, nothing else', () => {
    const objects = render().map((f) => f.object);
    expect(objects.filter((o) => o.metadata.annotations?.[PRUNE] === 'disabled').map(key).sort()).toEqual([
      'Infrastructure/team-a/team-a-db',
      'Kafka/kafka/shared',
      'KafkaNodePool/kafka/dual-role',
      'Namespace/kafka',
      'ResourceGraphDefinition/infrastructure.platform.mini-atlas.io',
      'ResourceGraphDefinition/topic.platform.mini-atlas.io',
      'ResourceGraphDefinition/web-application.platform.mini-atlas.io',
      'ResourceGraphDefinition/workload.platform.mini-atlas.io',
      'ResourceGraphDefinition/workspace.platform.mini-atlas.io',
      'Topic/team-a/team-a-orders',
      'Workspace/team-a',
    ]);
    expect(dataProtectionProblems(objects as unknown as JsonObject[])).toEqual([]);
  });

  // A made-up kind of the same shape: a namespaced object holding data, with volumes of its own.
  const VAULT: DataBearingKind = {
    group: 'example.com', version: 'v1', kind: 'Vault', resource: 'vaults', namespaced: true, holds: 'every stored secret',
    storageClassPath: ['spec', 'volume', 'class'],
  };
  const kinds = [...DATA_BEARING_KINDS, VAULT];
  const ns: ObjectIdentity = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'secrets' } };
  const other: ObjectIdentity = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } };
  const cm: ObjectIdentity = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'secrets' } };
  const retained = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'kept' }, reclaimPolicy: 'Retain' };
  const deleting = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, reclaimPolicy: 'Delete' };
  const vault = (cls?: string): ObjectIdentity & { spec: object } => ({
    apiVersion: 'example.com/v2', kind: 'Vault', metadata: { name: 'v', namespace: 'secrets', annotations: { a: 'b' } },
    spec: { volume: cls === undefined ? {} : { class: cls } },
  });

  test('made-up kind: it and its namespace get the annotation (other annotations kept), nothing else does', () => {
    const out = withDataProtection([ns, other, cm, vault('kept')], kinds);
    expect(out.map((o) => [key(o), o.metadata.annotations ?? null])).toEqual([
      ['Namespace/secrets', { [PRUNE]: 'disabled' }],
      ['Namespace/web', null],
      ['ConfigMap/secrets/c', null],
      ['Vault/secrets/v', { a: 'b', [PRUNE]: 'disabled' }],
    ]);
    // Without the kind in the declaration, nothing is data-bearing.
    expect(withDataProtection([ns, vault('kept')]).map((o) => o.metadata.annotations?.[PRUNE] ?? null)).toEqual([null, null]);
  });

  test('made-up kind: dist/ without the annotation, or with volumes that are not retained, is reported', () => {
    const problems = (objects: object[]) => dataProtectionProblems(objects as JsonObject[], kinds);
    expect(problems([retained, ns, vault('kept')])).toEqual([
      { index: 1, path: '$.metadata.annotations', message: 'Namespace secrets holds data-bearing objects: Flux would delete it when it leaves Git; annotate it kustomize.toolkit.fluxcd.io/prune: disabled' },
      { index: 2, path: '$.metadata.annotations', message: 'Vault v holds every stored secret: Flux would delete it when it leaves Git; annotate it kustomize.toolkit.fluxcd.io/prune: disabled' },
    ]);
    const kept = withDataProtection([retained, deleting, ns, vault('fast'), vault()], kinds);
    expect(problems(kept)).toEqual([
      { index: 3, path: '$.spec.volume.class', message: 'Vault holds every stored secret: its volumes must use a StorageClass with reclaimPolicy Retain, not "fast"; set it to a retained class (kept)' },
      { index: 4, path: '$.spec.volume.class', message: 'Vault holds every stored secret: its volumes must use a StorageClass with reclaimPolicy Retain, not the cluster default; set it to a retained class (kept)' },
    ]);
    // The same rule reaches a Vault an RGD creates.
    const rgd = { apiVersion: 'kro.run/v1alpha1', kind: 'ResourceGraphDefinition', metadata: { name: 'r', annotations: { [PRUNE]: 'disabled' } }, spec: { resources: [{ id: 'v', template: vault('fast') }] } };
    expect(problems([retained, rgd])).toEqual([
      { index: 1, path: '$.spec.resources[0].template.spec.volume.class', message: 'Vault holds every stored secret: its volumes must use a StorageClass with reclaimPolicy Retain, not "fast"; set it to a retained class (kept)' },
    ]);
  });

  test('today\'s volumes: the KafkaNodePool on the cluster default (as before) is reported', () => {
    const objects = render().map((f) => f.object) as unknown as JsonObject[];
    const pool = objects.find((o) => o.kind === 'KafkaNodePool')!;
    const before = { ...pool, spec: { ...(pool.spec as JsonObject), storage: { ...((pool.spec as JsonObject).storage as JsonObject), class: undefined } } };
    expect(dataProtectionProblems(objects.map((o) => (o === pool ? JSON.parse(JSON.stringify(before)) as JsonObject : o)))).toEqual([
      { index: objects.indexOf(pool), path: '$.spec.storage.class', message: 'KafkaNodePool holds the brokers and their volumes: its volumes must use a StorageClass with reclaimPolicy Retain, not the cluster default; set it to a retained class (retained)' },
    ]);
  });
});
