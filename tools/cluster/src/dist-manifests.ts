/**
 * Reads Flux paths of the synthesized `dist/` through the one dist model (`lib/synth/dist-model.ts`), and
 * refuses what `kubectl apply` could not apply: a file that does not parse, a document that is not a
 * Kubernetes object with a name.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DistDocument, formatDistProblem, readDist } from 'mini-atlas';
import { ClusterError } from './cluster-error';
import { isKubeObject, KubeObject } from './kube-object';

const SYNTH_FIX = 'run `npm run synth` to (re)generate dist/';

/** Fails with a clear message when `dist/` (or a folder of it) is missing. */
export function requireDistFolder(distDir: string, folder = ''): string {
  const dir = join(distDir, folder);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ClusterError(`${folder ? `${folder}/ is missing in ${distDir}` : `${distDir} does not exist`}`, SYNTH_FIX);
  }
  return dir;
}

/** The objects of one Flux path of `dist/` (its files, not its subfolders), in file order. */
export function readDistFolder(distDir: string, folder: string): DistDocument<KubeObject>[] {
  requireDistFolder(distDir, folder);
  const model = readDist(distDir, { folder });
  if (model.problems.length > 0) throw new ClusterError(model.problems.map(formatDistProblem).join('; '), SYNTH_FIX);
  return model.documents.map((d) => {
    const { object } = d;
    if (!isKubeObject(object)) throw new ClusterError(`${d.path}${d.index > 0 ? `#${d.index}` : ''}: document has no metadata.name`, SYNTH_FIX);
    return { ...d, object };
  });
}
