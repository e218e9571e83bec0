/**
 * Helpers over a synthesized output tree, read with the dist model (`lib/synth/dist-model.ts`): listing,
 * counting and comparing it (the references must produce the same output as the fast path) and laying out the
 * delivery folders for `kubectl kustomize`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listDist, toYaml } from 'mini-atlas';

/** Every file below `dir`, as sorted `/`-separated relative paths. */
export function listFiles(dir: string): string[] {
  return listDist(dir).files.map((f) => f.path).sort();
}

/** The object files (not kustomization files) below `dir`. */
export function countObjectFiles(dir: string): number {
  return listDist(dir).files.filter((f) => f.kind === 'objects').length;
}

/** Files that differ between two trees (missing on one side or with other content), sorted. */
export function compareTrees(a: string, b: string): string[] {
  const left = listFiles(a);
  const right = new Set(listFiles(b));
  const diff: string[] = [];
  for (const f of left) {
    if (!right.has(f)) diff.push(`${f} (only in ${a})`);
    else if (!readFileSync(join(a, f)).equals(readFileSync(join(b, f)))) diff.push(`${f} (content differs)`);
    right.delete(f);
  }
  for (const f of right) diff.push(`${f} (only in ${b})`);
  return diff.sort();
}

/** How a single Kustomization over the whole delivery folder would list the workspaces. */
export type CombinedLayout = 'files' | 'dirs';

/**
 * The `kustomization.yaml` of one folder holding every workspace: `files` lists each workspace's object
 * files directly (one flat build), `dirs` lists each workspace folder (its own kustomization.yaml nested).
 */
export function combinedKustomization(workspaceFolders: ReadonlyMap<string, readonly string[]>, layout: CombinedLayout): { yaml: string; objects: number } {
  const folders = [...workspaceFolders.keys()].sort();
  const resources = layout === 'dirs'
    ? folders
    : folders.flatMap((f) => [...workspaceFolders.get(f)!].sort().map((file) => `${f}/${file}`));
  const objects = folders.reduce((n, f) => n + workspaceFolders.get(f)!.length, 0);
  return { yaml: toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }), objects };
}

/** The folder holding every Workspace instance (a Flux path of its own, applied before the teams'). */
export const WORKSPACES_FOLDER = 'workspaces';

/**
 * The object files (not `kustomization.yaml`) of each team folder of `deliveryDir` (one Flux path per
 * workspace), by folder name; the shared `workspaces` folder is not a team folder.
 */
export function workspaceFolders(deliveryDir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const folder of listDist(deliveryDir).folders.values()) {
    if (folder.path === '' || folder.path.includes('/') || folder.path === WORKSPACES_FOLDER) continue;
    out.set(folder.path, folder.files.filter((f) => f.kind === 'objects').map((f) => f.name).sort());
  }
  return out;
}

/** Writes the combined `kustomization.yaml` into `deliveryDir`; returns the objects it should build. */
export function writeCombinedKustomization(deliveryDir: string, layout: CombinedLayout): number {
  const { yaml, objects } = combinedKustomization(workspaceFolders(deliveryDir), layout);
  writeFileSync(join(deliveryDir, 'kustomization.yaml'), yaml);
  return objects;
}

/** Number of YAML documents in a multi-document stream (as `kubectl kustomize` prints it). */
export function countDocuments(stream: string): number {
  return stream.split(/^---[ \t]*$/m).filter((doc) => doc.trim() !== '').length;
}
