/**
 * The one model of dist/ (lib/synth/dist-model.ts) on a small fixture (test/fixtures/dist-model/dist): the
 * files and folders, the documents with their indices, the Flux Kustomizations, what a folder's kustomization
 * applies, the Flux order; and each problem with its exact message.
 */
import { join } from 'node:path';
import {
  DistFile, distFolderOf, fluxKustomizationOf, fluxOrder, formatDistProblem, formatFluxOrderProblems, kustomizeResources,
  parseDistFile, readDist,
} from '../../../lib/synth/dist-model';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');
const DIST = join(FIXTURES, 'dist-model', 'dist');

describe('readDist', () => {
  const model = readDist(DIST);

  test('lists every file depth first (names in localeCompare order), skipping hidden entries', () => {
    expect(model.tree.files.map((f) => `${f.path} ${f.kind}`)).toEqual([
      'apps/objects.yaml objects',
      'apps/README.txt other',
      'base/kustomization.yaml kustomization',
      'base/namespace.yaml objects',
      'base/sub/configmap.yaml objects',
      'flux-system/kustomization.yaml kustomization',
      'flux-system/sync.yaml objects',
    ]);
    expect([...model.tree.folders.values()].map((f) => [f.path, f.files.map((x) => x.name)])).toEqual([
      ['', []],
      ['apps', ['objects.yaml', 'README.txt']],
      ['base', ['kustomization.yaml', 'namespace.yaml']],
      ['base/sub', ['configmap.yaml']],
      ['flux-system', ['kustomization.yaml', 'sync.yaml']],
    ]);
    expect(model.files.map((f) => f.path)).toEqual(model.tree.files.filter((f) => f.kind !== 'other').map((f) => f.path));
    expect(model.problems).toEqual([]);
  });

  test('each object with its file, relative path and document index (an empty document counts)', () => {
    expect(model.documents.map((d) => `${d.path}#${d.index} ${String(d.object.kind)}/${String((d.object.metadata as { name: string }).name)}`)).toEqual([
      'apps/objects.yaml#0 ConfigMap/first',
      'apps/objects.yaml#2 ConfigMap/second',
      'base/namespace.yaml#0 Namespace/apps',
      'base/sub/configmap.yaml#0 ConfigMap/settings',
      'flux-system/sync.yaml#0 GitRepository/platform',
      'flux-system/sync.yaml#1 Kustomization/late',
      'flux-system/sync.yaml#2 Kustomization/apps',
      'flux-system/sync.yaml#3 Kustomization/base',
      'flux-system/sync.yaml#4 Kustomization/alpha',
    ]);
    expect(model.documents[0].file).toBe(join(DIST, 'apps', 'objects.yaml'));
    // YAML 1.2: a quoted "on" stays a string (and so does a plain one; the validator's hygiene check flags that).
    expect(model.documents[3].object.data).toEqual({ mode: 'on' });
  });

  test('kustomization.yaml resources, as written', () => {
    expect(model.kustomizeFiles.map((k) => [k.path, k.resources])).toEqual([
      ['base/kustomization.yaml', ['namespace.yaml', 'sub']],
      ['flux-system/kustomization.yaml', ['sync.yaml']],
    ]);
  });

  test('the Flux Kustomizations: path, folder in dist/, source, dependsOn, wait, healthCheckExprs', () => {
    const view = model.kustomizations.map(({ document, ...k }) => ({ ...k, document: `${document.path}#${document.index}` }));
    const platform = { kind: 'GitRepository', name: 'platform', namespace: 'flux-system' };
    const common = { namespace: 'flux-system', sourceRef: platform, wait: false, healthChecks: [], healthCheckExprs: [] };
    expect(view).toEqual([
      { ...common, key: 'flux-system/late', name: 'late', path: './upstream/late', dependsOn: ['flux-system/apps', 'flux-system/base'], document: 'flux-system/sync.yaml#1' },
      { ...common, key: 'flux-system/apps', name: 'apps', path: './dist/apps', folder: 'apps', dependsOn: ['flux-system/base'], targetNamespace: 'apps', document: 'flux-system/sync.yaml#2' },
      {
        ...common, key: 'flux-system/base', name: 'base', path: './dist/base/', folder: 'base', dependsOn: [], wait: true,
        healthCheckExprs: [{ apiVersion: 'example.com/v1', kind: 'Widget', current: 'status.ready == true' }], document: 'flux-system/sync.yaml#3',
      },
      { ...common, key: 'flux-system/alpha', name: 'alpha', path: './dist/flux-system', folder: 'flux-system', dependsOn: [], document: 'flux-system/sync.yaml#4' },
    ]);
  });

  test('what a folder applies: its kustomization resources in order (a listed folder recursively); without one, every object file below it', () => {
    expect(kustomizeResources(model, 'base')).toEqual({ files: [expect.objectContaining({ path: 'base/namespace.yaml' }), expect.objectContaining({ path: 'base/sub/configmap.yaml' })], problems: [] });
    expect(kustomizeResources(model, 'apps').files.map((f) => f.path)).toEqual(['apps/objects.yaml']);
    expect(kustomizeResources(model, 'flux-system').files.map((f) => f.path)).toEqual(['flux-system/sync.yaml']);
  });

  test('one folder only', () => {
    const flux = readDist(DIST, { folder: 'flux-system' });
    expect(flux.files.map((f) => f.path)).toEqual(['flux-system/kustomization.yaml', 'flux-system/sync.yaml']);
    expect(flux.kustomizations.map((k) => k.name)).toEqual(['late', 'apps', 'base', 'alpha']);
    expect(readDist(DIST, { folder: 'base' }).documents.map((d) => d.path)).toEqual(['base/namespace.yaml']);
  });

  test('a listed resource that does not exist, and an object file the kustomization does not list', () => {
    const broken = readDist(join(FIXTURES, 'broken', 'flux-kustomization-file', 'dist'));
    expect(kustomizeResources(broken, 'flux-system').problems.map(formatDistProblem)).toEqual([
      'flux-system/kustomization.yaml: $.resources[1]: resource "missing.yaml" does not exist',
      'flux-system/kustomization.yaml: $.resources: dist/flux-system/extra.yaml is not listed, so Flux does not apply it',
    ]);
  });
});

describe('fluxOrder', () => {
  test('layers by dependsOn, names sorted within a layer', () => {
    const order = fluxOrder(readDist(DIST).kustomizations);
    expect(order.layers.map((l) => l.map((k) => k.name))).toEqual([['alpha', 'base'], ['apps'], ['late']]);
    expect(order.problems).toEqual([]);
  });

  test('a missing dependsOn target and a cycle: each reported once, with its path and the one message; neither is ordered', () => {
    const order = fluxOrder(readDist(join(FIXTURES, 'broken', 'flux-depends-on', 'dist')).kustomizations);
    expect(order.problems.map((p) => [p.kustomization.key, p.at, p.message])).toEqual([
      ['flux-system/a', '$.spec.dependsOn[0]', 'dependsOn target Kustomization flux-system/x does not exist'],
      ['flux-system/b', '$.spec.dependsOn', 'dependsOn cycle: flux-system/b → flux-system/c → flux-system/b'],
    ]);
    expect(order.layers).toEqual([]);
    expect(formatFluxOrderProblems(order.problems)).toBe(
      'Kustomization flux-system/a: dependsOn target Kustomization flux-system/x does not exist; ' +
      'Kustomization flux-system/b: dependsOn cycle: flux-system/b → flux-system/c → flux-system/b',
    );
  });

  test('Kustomizations from a cluster: namespaces default to the Kustomization\'s; what depends on a cycle is not ordered', () => {
    const k = (name: string, deps: readonly string[], namespace?: string) => fluxKustomizationOf({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, ...(namespace ? { namespace } : {}) },
      spec: { dependsOn: deps.map((d) => (d.includes('/') ? { namespace: d.split('/')[0], name: d.split('/')[1] } : { name: d })) },
    })!;
    const order = fluxOrder([k('z', []), k('y', ['x']), k('x', ['y']), k('w', ['y']), k('v', ['flux-system/z'], 'apps')]);
    expect(order.layers.map((l) => l.map((x) => x.key))).toEqual([['flux-system/z'], ['apps/v']]);
    expect(order.problems.map((p) => p.message)).toEqual(['dependsOn cycle: flux-system/x → flux-system/y → flux-system/x']);
    expect(fluxKustomizationOf({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' })).toBeUndefined();
  });
});

describe('parseDistFile', () => {
  const objects: DistFile = { file: '/x/a.yaml', path: 'a.yaml', folder: '', name: 'a.yaml', kind: 'objects' };
  const kustomization: DistFile = { ...objects, file: '/x/kustomization.yaml', path: 'kustomization.yaml', name: 'kustomization.yaml', kind: 'kustomization' };
  const problems = (file: DistFile, text: string): string[] => parseDistFile(file, text).problems.map(formatDistProblem);

  test('duplicate keys, unresolved tags and syntax errors do not parse; the other documents of the file still do', () => {
    expect(problems(objects, 'a: 1\na: 2\n')).toEqual(['a.yaml: YAML does not parse: Map keys must be unique at line 2, column 1']);
    const tagged = '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nx: !foo 1\n';
    expect(problems(objects, tagged)).toEqual(['a.yaml#1: YAML does not parse: Unresolved tag: !foo at line 6, column 4']);
    expect(parseDistFile(objects, tagged).documents.map((d) => d.index)).toEqual([0]);
    expect(problems(objects, 'apiVersion: v1\nkind: A\n---\n[1, 2\n')).toEqual(['a.yaml#1: YAML does not parse: Flow sequence must end with a ] at line 5, column 1']);
  });

  test('a document that is not a Kubernetes object', () => {
    expect(problems(objects, '- 1\n')).toEqual(['a.yaml: document is a list, not an object']);
    expect(problems(objects, 'kind: X\n')).toEqual(['a.yaml: document has no string apiVersion and kind']);
  });

  test('a kustomization file is one object', () => {
    expect(problems(kustomization, '')).toEqual(['kustomization.yaml: kustomization file is not an object']);
    expect(problems(kustomization, '- a\n')).toEqual(['kustomization.yaml: kustomization file is not an object']);
    expect(problems(kustomization, 'resources: [a]\n---\nresources: [b]\n')).toEqual(['kustomization.yaml#1: kustomization file holds 2 documents; kustomize reads one']);
  });
});

test('distFolderOf: the dist folder a Flux path names', () => {
  expect(['./dist/core/operators', 'dist/foundation/', './dist', './upstream/crds', '../dist/x'].map((p) => distFolderOf(p))).toEqual(
    ['core/operators', 'foundation', '', undefined, undefined],
  );
  expect(distFolderOf('./out/a', 'out')).toBe('a');
  expect(distFolderOf('./a/b', '')).toBe('a/b');
});
