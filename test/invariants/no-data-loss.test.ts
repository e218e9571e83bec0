/** No data lost: stateful objects are never pruned, volumes are retained, deletion needs an explicit annotation. */
import { ANNOTATIONS } from '../../lib';
import { find, Json, ofKind, render, rgdResources } from '../helpers/platform';

const files = render();
const objects = files.map((f) => f.object);

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
});
