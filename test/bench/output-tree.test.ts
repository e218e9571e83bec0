/** Output-tree helpers: comparison with the fast path, combined kustomizations, document counting. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { combinedKustomization, compareTrees, countDocuments, countObjectFiles, listFiles, workspaceFolders, writeCombinedKustomization } from '../../tools/bench/src/output-tree';
import { parseMaxRss } from '../../tools/bench/src/process-timer';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bench-tree-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

describe('compareTrees', () => {
  test('equal trees: no difference; otherwise each missing or changed file is named', () => {
    write('a/x/one.yaml', 'a: 1\n');
    write('a/two.yaml', 'b: 2\n');
    write('b/x/one.yaml', 'a: 1\n');
    write('b/two.yaml', 'b: 2\n');
    expect(compareTrees(join(dir, 'a'), join(dir, 'b'))).toEqual([]);
    write('b/two.yaml', 'b: 3\n');
    write('b/extra.yaml', '');
    rmSync(join(dir, 'b/x/one.yaml'));
    expect(compareTrees(join(dir, 'a'), join(dir, 'b'))).toEqual([
      `extra.yaml (only in ${join(dir, 'b')})`,
      'two.yaml (content differs)',
      `x/one.yaml (only in ${join(dir, 'a')})`,
    ]);
  });
  test('listFiles gives sorted, /-separated relative paths', () => {
    write('z.yaml', '');
    write('d/e/f.yaml', '');
    expect(listFiles(dir)).toEqual(['d/e/f.yaml', 'z.yaml']);
  });
  test('countObjectFiles counts the object files, not kustomization.yaml or other files', () => {
    write('a/kustomization.yaml', 'resources: []\n');
    write('a/x.yaml', 'kind: X\n');
    write('a/b/y.yml', 'kind: Y\n');
    write('a/README.md', '');
    expect(countObjectFiles(join(dir, 'a'))).toBe(2);
  });
});

describe('combined delivery kustomization', () => {
  const folders = new Map([['ws-b', ['workspace-ws-b.yaml', 'topic-ws-b-t.yaml']], ['ws-a', ['workspace-ws-a.yaml']]]);
  test('files layout lists every object file under its workspace folder, sorted', () => {
    const { yaml, objects } = combinedKustomization(folders, 'files');
    expect(objects).toBe(3);
    expect(parse(yaml)).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['ws-a/workspace-ws-a.yaml', 'ws-b/topic-ws-b-t.yaml', 'ws-b/workspace-ws-b.yaml'],
    });
  });
  test('dirs layout lists the workspace folders', () => {
    const { yaml, objects } = combinedKustomization(folders, 'dirs');
    expect(objects).toBe(3);
    expect(parse(yaml).resources).toEqual(['ws-a', 'ws-b']);
  });
  test('reads the workspace folders of a delivery directory (kustomization.yaml not counted)', () => {
    write('delivery/ws-a/workspace-ws-a.yaml', 'kind: Workspace\n');
    write('delivery/ws-a/kustomization.yaml', 'resources: []\n');
    write('delivery/ws-b/topic-ws-b-t.yaml', 'kind: Topic\n');
    expect(workspaceFolders(join(dir, 'delivery'))).toEqual(new Map([['ws-a', ['workspace-ws-a.yaml']], ['ws-b', ['topic-ws-b-t.yaml']]]));
    expect(writeCombinedKustomization(join(dir, 'delivery'), 'files')).toBe(2);
    expect(parse(readFileSync(join(dir, 'delivery/kustomization.yaml'), 'utf8')).resources).toEqual(['ws-a/workspace-ws-a.yaml', 'ws-b/topic-ws-b-t.yaml']);
  });
});

describe('countDocuments', () => {
  test('counts the documents of a kustomize stream, ignoring empty ones', () => {
    expect(countDocuments('a: 1\n---\nb: 2\n---\nc: 3\n')).toBe(3);
    expect(countDocuments('---\na: 1\n---\n\n')).toBe(1);
    expect(countDocuments('')).toBe(0);
    // "---" inside a value is not a separator.
    expect(countDocuments('a: "---"\nb: |\n  x---y\n')).toBe(1);
  });
});

describe('parseMaxRss', () => {
  test('reads the %M line GNU time writes, also after a non-zero-status note', () => {
    expect(parseMaxRss('123456\n')).toBe(123456);
    expect(parseMaxRss('Command exited with non-zero status 1\n98765\n')).toBe(98765);
    expect(parseMaxRss('')).toBeUndefined();
    expect(parseMaxRss('garbage')).toBeUndefined();
  });
});
