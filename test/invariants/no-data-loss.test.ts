/** No data lost: data-bearing objects are never pruned, volumes are retained, deletion needs the owner's annotation. */
import { ANNOTATIONS, DATA_BEARING_KINDS, dataBearingKindOf } from '../../lib';
import { find, Json, ofKind, render, rgdResources } from '../helpers/platform';

const files = render();
const objects = files.map((f) => f.object);

describe('no data lost', () => {
  test('every data-bearing object and the namespace holding the shared Kafka carry the Flux annotation that stops pruning', () => {
    const dataBearing = objects.filter((o) => dataBearingKindOf(o.apiVersion, o.kind));
    expect(dataBearing.map((o) => o.kind).sort()).toEqual([
      'Infrastructure', 'Kafka', 'KafkaNodePool', 'ResourceGraphDefinition', 'ResourceGraphDefinition',
      'ResourceGraphDefinition', 'ResourceGraphDefinition', 'ResourceGraphDefinition', 'Topic', 'Workspace',
    ]);
    for (const o of [...dataBearing, find(files, 'Namespace', 'kafka')]) expect(o.metadata.annotations?.[ANNOTATIONS.fluxPrune]).toBe('disabled');
    expect((find(files, 'WebApplication', 'team-a-web') as Json).metadata.annotations).toBeUndefined();
  });

  test('databases and Kafka brokers use the Retain StorageClass; broker claims are never deleted with the cluster', () => {
    const sc = find(files, 'StorageClass', 'retained') as Json;
    expect(sc.reclaimPolicy).toBe('Retain');
    expect(rgdResources(files, 'Infrastructure').database.template.spec.storage.storageClass).toBe('retained');
    expect((ofKind(files, 'KafkaNodePool')[0] as Json).spec.storage).toMatchObject({ class: 'retained', deleteClaim: false });
  });

  test('deleting any data-bearing object or a namespace goes through the stateful-deletion policy (Kyverno)', () => {
    const p = find(files, 'ValidatingPolicy', 'stateful-deletion') as Json;
    const guarded = p.spec.matchConstraints.resourceRules.flatMap((r: Json) => r.resources.map((x: string) => `${r.apiGroups[0]}/${x}`));
    expect(guarded).toEqual([...DATA_BEARING_KINDS.map((k) => `${k.group}/${k.resource}`), '/namespaces']);
    expect(p.spec.matchConstraints.resourceRules.every((r: Json) => r.operations.join() === 'DELETE')).toBe(true);
    expect(p.spec.validations[0].expression).toContain(`variables.decider.metadata.?annotations[?"${ANNOTATIONS.allowDelete}"].orValue("") == "true"`);
  });
});
