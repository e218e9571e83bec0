/** StatefulDeletionPolicy: the `stateful-deletion` policy, generated from the data-bearing kinds. */
import { DATA_BEARING_KINDS, DataBearingKind } from '../../../../lib';
import { celVerifiedOwner, StatefulDeletionPolicy } from '../../../../lib/foundation/policies/stateful-deletion-policy';
import { renderConstruct } from '../../../helpers/construct';
import { find, Json, render } from '../../../helpers/platform';

const OWNERS = [{ kind: 'Infrastructure', resource: 'infrastructures' }, { kind: 'Topic', resource: 'topics' }];
const policyOf = (kinds?: readonly DataBearingKind[]): Json =>
  renderConstruct(({ stage }) => { new StatefulDeletionPolicy(stage, 'stateful-deletion', { ownerKinds: OWNERS, kinds }); })[0];
const variable = (p: Json, name: string): string => p.spec.variables.find((v: Json) => v.name === name).expression;
const matched = (p: Json): string[] => p.spec.matchConstraints.resourceRules.flatMap((r: Json) => r.resources.map((x: string) => `${r.apiGroups[0]}/${r.apiVersions.join()}/${x} ${r.operations.join()}`));

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new StatefulDeletionPolicy(stage, 'stateful-deletion', { ownerKinds: OWNERS }); })).toMatchSnapshot();
});

test('today: guards every data-bearing kind and namespaces, and lists the namespaced ones in a namespace', () => {
  const p = policyOf();
  expect(matched(p)).toEqual([
    'platform.mini-atlas.io/v1alpha1/workspaces DELETE', 'platform.mini-atlas.io/v1alpha1/infrastructures DELETE', 'platform.mini-atlas.io/v1alpha1/topics DELETE',
    'postgresql.cnpg.io/v1/clusters DELETE',
    'kafka.strimzi.io/v1/kafkatopics DELETE', 'kafka.strimzi.io/v1/kafkas DELETE', 'kafka.strimzi.io/v1/kafkanodepools DELETE',
    'kro.run/v1alpha1/resourcegraphdefinitions DELETE',
    '/v1/namespaces DELETE',
  ]);
  expect(p.spec.matchConstraints.namespaceSelector).toBeUndefined();
  expect(variable(p, 'ownerResources')).toBe('{"Infrastructure": "infrastructures", "Topic": "topics"}');
  expect(variable(p, 'namespacedKinds')).toBe('[["platform.mini-atlas.io/v1alpha1", "infrastructures", "Infrastructure"], ["platform.mini-atlas.io/v1alpha1", "topics", "Topic"], ' +
    '["postgresql.cnpg.io/v1", "clusters", "Cluster"], ["kafka.strimzi.io/v1", "kafkatopics", "KafkaTopic"], ["kafka.strimzi.io/v1", "kafkas", "Kafka"], ' +
    '["kafka.strimzi.io/v1", "kafkanodepools", "KafkaNodePool"]]');
  expect(variable(p, 'decider')).toBe('variables.owner != null ? variables.owner : oldObject');
  expect(p.spec.validations.map((v: Json) => v.expression)).toEqual([
    'oldObject.kind == "Namespace" || variables.decider.metadata.?annotations[?"platform.mini-atlas.io/allow-delete"].orValue("") == "true"',
    '!(oldObject.kind == "Namespace") || size(variables.unreleased) == 0',
    'oldObject.kind == "Namespace" || size(variables.ownedUnreleased) == 0',
  ]);
  const REF = (x: string): string => `(${x}.metadata.?namespace.orValue("") != "" ? ${x}.metadata.namespace + "/" : "") + ${x}.metadata.name`;
  expect(p.spec.validations.map((v: Json) => v.messageExpression)).toEqual([
    `oldObject.kind + " " + ${REF('oldObject')} + " holds " + variables.holds[?oldObject.kind].orValue("data") + ` +
      `(variables.owner != null ? " and belongs to " + variables.owner.kind + " " + ${REF('variables.owner')} + ": annotate that " + variables.owner.kind : ": annotate it") + ` +
      '" platform.mini-atlas.io/allow-delete=true to delete it"',
    '"Namespace " + oldObject.metadata.name + " holds data whose owner does not allow deleting it: " + variables.unreleased.join(", ") + ' +
      '"; annotate each owner platform.mini-atlas.io/allow-delete=true first"',
    `oldObject.kind + " " + ${REF('oldObject')} + " owns a namespace holding data whose owner does not allow deleting it: " + ` +
      'variables.ownedUnreleased.join(", ") + "; annotate each owner platform.mini-atlas.io/allow-delete=true first"',
  ]);
  // The namespaces the deleted object owns are found by KRO's instance-id label.
  expect(variable(p, 'ownedUnreleased')).toMatch(/^oldObject\.kind == "Namespace" \? \[\] : dyn\(resource\.List\("v1", "namespaces", "", \{"kro\.run\/instance-id": oldObject\.metadata\.\?uid\.orValue\(""\)\}\)\.items\)\.map\(n, variables\.namespacedKinds\.map\(k, dyn\(resource\.List\(k\[0\], k\[1\], n\.metadata\.name\)\.items\)/);
});

test('the owner is looked up from KRO\'s labels and accepted only with the UID KRO recorded', () => {
  expect(celVerifiedOwner('x', 'v')).toBe(
    'cel.bind(vLabels, x.metadata.?labels.orValue({}), cel.bind(vOwner, vLabels[?"kro.run/instance-group"].orValue("") == "platform.mini-atlas.io" && ' +
    'vLabels[?"kro.run/instance-kind"].orValue("") in variables.ownerResources ? dyn(resource.Get(vLabels[?"kro.run/instance-group"].orValue("") + "/" + ' +
    'vLabels[?"kro.run/instance-version"].orValue(""), variables.ownerResources[vLabels[?"kro.run/instance-kind"].orValue("")], ' +
    'vLabels[?"kro.run/instance-namespace"].orValue(""), vLabels[?"kro.run/instance-name"].orValue(""))) : dyn(null), ' +
    'vOwner != null && vOwner.metadata.uid == vLabels[?"kro.run/instance-id"].orValue("") ? vOwner : dyn(null)))');
});

test('made-up kind of the same shape: guarded and listed in its namespace, its phrase in the messages', () => {
  const vault: DataBearingKind = { group: 'example.com', version: 'v2', kind: 'Vault', resource: 'vaults', namespaced: true, holds: 'every stored secret' };
  const realm: DataBearingKind = { group: 'example.com', version: 'v2', kind: 'Realm', resource: 'realms', namespaced: false, holds: 'every vault' };
  const p = policyOf([vault, realm]);
  expect(matched(p)).toEqual(['example.com/v2/vaults DELETE', 'example.com/v2/realms DELETE', '/v1/namespaces DELETE']);
  expect(variable(p, 'namespacedKinds')).toBe('[["example.com/v2", "vaults", "Vault"]]');
  expect(variable(p, 'holds')).toBe('{"Vault": "every stored secret", "Realm": "every vault"}');
  expect(p.metadata.annotations['policies.kyverno.io/description'])
    .toBe('Objects that hold data (Vault, Realm) and the namespaces holding them are deleted only when their owner is annotated platform.mini-atlas.io/allow-delete=true.');
});

test('in the platform: owners are the Foundation\'s RGD kinds, and Kyverno may read everything the policy looks up', () => {
  const files = render();
  const p = find(files, 'ValidatingPolicy', 'stateful-deletion') as Json;
  expect(variable(p, 'ownerResources'))
    .toBe('{"Workspace": "workspaces", "WebApplication": "webapplications", "Workload": "workloads", "Infrastructure": "infrastructures", "Topic": "topics"}');
  expect(variable(p, 'holds').split('", "').length).toBe(DATA_BEARING_KINDS.length);
  const role = find(files, 'ClusterRole', 'mini-atlas:kyverno:stateful-deletion') as Json;
  expect(role.metadata.labels).toEqual({ 'rbac.kyverno.io/aggregate-to-admission-controller': 'true', 'app.kubernetes.io/part-of': 'mini-atlas' });
  expect(role.rules).toEqual([
    { apiGroups: ['platform.mini-atlas.io'], resources: ['workspaces', 'infrastructures', 'topics'], verbs: ['get', 'list'] },
    { apiGroups: ['postgresql.cnpg.io'], resources: ['clusters'], verbs: ['get', 'list'] },
    { apiGroups: ['kafka.strimzi.io'], resources: ['kafkatopics', 'kafkas', 'kafkanodepools'], verbs: ['get', 'list'] },
    { apiGroups: ['kro.run'], resources: ['resourcegraphdefinitions'], verbs: ['get', 'list'] },
    { apiGroups: ['platform.mini-atlas.io'], resources: ['workspaces', 'webapplications', 'workloads', 'infrastructures', 'topics'], verbs: ['get', 'list'] },
  ]);
});
