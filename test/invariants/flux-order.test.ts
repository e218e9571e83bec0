/** The Flux graph of the whole platform: one Kustomization per folder, applied in layer order. */
import { RenderedFile } from '../../lib';
import { Json, ofKind, render } from '../helpers/platform';

const files = render();
const ks = ofKind(files, 'Kustomization').filter((k) => k.apiVersion.startsWith('kustomize.toolkit')) as Json[];
const byName = new Map(ks.map((k) => [k.metadata.name, k]));

test('one Kustomization per dist path, each pointing at an existing folder', () => {
  const folders = new Set(files.map((f: RenderedFile) => `./dist/${f.path.split('/').slice(0, -1).join('/')}`));
  const paths = ks.filter((k) => k.spec.sourceRef.name === 'mini-atlas').map((k) => k.spec.path);
  expect(new Set(paths)).toEqual(folders);
});

test('dependsOn is complete and acyclic: CRDs → operators → shared services → foundation → workspaces → teams', () => {
  expect(ks.flatMap((k) => (k.spec.dependsOn ?? []).map((d: Json) => `${k.metadata.name} → ${d.name}`)).sort()).toEqual([
    'core-operators → gateway-api-crds',
    'core-shared-services → core-operators',
    'delivery-team-a → delivery-workspaces',
    'delivery-workspaces → foundation',
    'foundation → core-shared-services',
  ]);
  const order = (name: string): number => {
    const deps = byName.get(name).spec.dependsOn ?? [];
    return deps.length === 0 ? 0 : 1 + Math.max(...deps.map((d: Json) => order(d.name)));
  };
  expect(['gateway-api-crds', 'core-operators', 'core-shared-services', 'foundation', 'delivery-workspaces', 'delivery-team-a'].map(order))
    .toEqual([0, 1, 2, 3, 4, 5]);
});

test('Workspaces (which create namespaces) are applied one step before the objects that live in them', () => {
  // kustomize-controller dry-runs a whole stage first: an object in a namespace created by the same stage never applies.
  const workspaces = files.filter((f) => f.object.kind === 'Workspace').map((f) => f.path);
  expect(workspaces).toEqual(['delivery/workspaces/workspace-team-a.yaml']);
  expect(byName.get('delivery-team-a').spec.dependsOn).toEqual([{ name: 'delivery-workspaces' }]);
  expect(byName.get('delivery-workspaces').spec.wait).toBe(true);
});

test('the Gateway API CRDs are never pruned', () => {
  expect(byName.get('gateway-api-crds').spec.prune).toBe(false);
});
