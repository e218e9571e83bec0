/**
 * A scratch copy of the committed `dist/` for tests of `npm run validate` on hand-edited YAML: each test gets a
 * fresh copy (`beforeEach`) that {@link DistCopy.edit} changes in place, and it is removed afterwards.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';
import { readDist } from '../../lib/synth/dist-model';
import { toYamlDocuments } from '../../lib/synth/kubernetes-yaml';

/** A JSON object of a YAML document, edited in place. */
export type Obj = Record<string, unknown>;

/** The current copy: `tmp` holds `dist` (violations are reported relative to `tmp`). */
export interface DistCopy {
  tmp: string;
  dir: string;
  /** Edits the object of `kind` named `name` in the copy; throws when there is none. */
  edit(kind: string, name: string, change: (o: Obj) => void): void;
}

/** Registers the per-test copy (beforeEach/afterEach); `prefix` names its temporary directory. */
export function useDistCopy(prefix: string): DistCopy {
  const copy: DistCopy = {
    tmp: '',
    dir: '',
    edit(kind, name, change) {
      for (const file of readDist(copy.dir).files) {
        if (file.kind !== 'objects') continue;
        const docs = file.documents.map((d) => d.object as Obj);
        const target = docs.find((d) => d.kind === kind && (d.metadata as Obj).name === name);
        if (!target) continue;
        change(target);
        writeFileSync(file.file, toYamlDocuments(docs));
        return;
      }
      throw new Error(`no ${kind} ${name} in the copy`);
    },
  };
  beforeEach(() => {
    copy.tmp = mkdtempSync(join(tmpdir(), prefix));
    copy.dir = join(copy.tmp, 'dist');
    cpSync(join(PROJECT_ROOT, 'dist'), copy.dir, { recursive: true });
  });
  afterEach(() => rmSync(copy.tmp, { recursive: true, force: true }));
  return copy;
}
