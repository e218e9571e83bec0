/**
 * Reads the synthesized manifests in `dist/`: one folder per Flux Kustomization path, one object per file,
 * plus a `kustomization.yaml` listing them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ClusterError } from './cluster-error';
import { isKubeObject, KubeObject } from './kube-object';

/** An object of `dist/` and the file it came from (relative to `dist/`). */
export interface DistObject {
  readonly object: KubeObject;
  readonly file: string;
}

const SYNTH_FIX = 'run `npm run synth` to (re)generate dist/';

/** Fails with a clear message when `dist/` (or a folder of it) is missing. */
export function requireDistFolder(distDir: string, folder = ''): string {
  const dir = join(distDir, folder);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ClusterError(`${folder ? `${folder}/ is missing in ${distDir}` : `${distDir} does not exist`}`, SYNTH_FIX);
  }
  return dir;
}

/** Parses one YAML file into the Kubernetes objects it holds (empty documents are skipped). */
export function readManifestFile(file: string, distDir: string): DistObject[] {
  const rel = relative(distDir, file);
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const out: DistObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      throw new ClusterError(`${rel} is not valid YAML: ${doc.errors[0].message}`, SYNTH_FIX);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (!isKubeObject(value)) {
      throw new ClusterError(`${rel} holds a document that is not a Kubernetes object`, SYNTH_FIX);
    }
    out.push({ object: value, file: rel });
  }
  return out;
}

/**
 * Every object in `distDir/folder` and below, in a stable order (sorted by path). `kustomization.yaml`
 * files (kustomize configuration, not objects) are skipped.
 */
export function readDistObjects(distDir: string, folder = ''): DistObject[] {
  const root = requireDistFolder(distDir, folder);
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry.name) && entry.name !== 'kustomization.yaml' && entry.name !== 'kustomization.yml') {
        files.push(full);
      }
    }
  };
  walk(root);
  return files.flatMap((f) => readManifestFile(f, distDir));
}

/** The objects of one Kustomization folder only (not its subfolders). */
export function readDistFolder(distDir: string, folder: string): DistObject[] {
  const dir = requireDistFolder(distDir, folder);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name) && !/^kustomization\.ya?ml$/.test(e.name))
    .map((e) => e.name)
    .sort()
    .flatMap((name) => readManifestFile(join(dir, name), distDir));
}
