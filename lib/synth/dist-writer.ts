/**
 * Writes an app to `dist/`: one folder per Flux stage, one file per object, a `kustomization.yaml` per
 * folder. Everything is validated, rendered and checked by the change guard (./change-guard.ts: changes the
 * cluster refuses, data lost without an acknowledgement) before anything is written, so
 * any error leaves `dist/` as it was; changed Flux paths are then swapped in folder by folder (see writeDist).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { ApiObject, App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { withDataProtection } from '../shared/data-bearing';
import { assertValid, MiniAtlasValidationError } from '../shared/validation-error';
import { FluxStage, requirePlacement } from '../gitops/flux-stage';
import { DistFile, listDist, parseDistFile } from './dist-model';
import { toYaml } from './kubernetes-yaml';
import { changeRulesOf, guardChanges, RemovalGuardError } from './change-guard';
import { objectFileName, objectKey, RenderedFile, RenderedObject } from '../shared/rendered';

export { objectKey, type RenderedFile, type RenderedObject } from '../shared/rendered';
export { RemovalGuardError } from './change-guard';

/** Options of {@link writeDist}. */
export interface WriteDistOptions {
  /**
   * Changes that lose data, acknowledged (the change guard, lib/synth/change-guard.ts, refuses them
   * otherwise): a stateful object (annotated `kustomize.toolkit.fluxcd.io/prune: disabled`) or an RGD removed
   * from `dist/`, as `Kind/namespace/name` (or `Kind/name` when cluster-scoped); a data-holding child of an RGD
   * renamed, removed or made conditional, as `ResourceGraphDefinition/<name>#<resource id>`. Changes the
   * cluster refuses (an immutable field, a shrinking partition count) cannot be acknowledged. @default none
   */
  readonly allowRemoval?: readonly string[];
  /**
   * How messages name the output folder (the change guard's "Refusing to write deploy/production/: …"); the
   * synth command passes `--out` as typed. @default `outdir` as given to {@link writeDist}
   */
  readonly outputName?: string;
}

/** What {@link writeDist} did. */
export interface WriteDistResult {
  readonly files: number;
  readonly folders: number;
  /** The `allowRemoval` keys that took effect: objects removed and data-losing RGD changes made on purpose. */
  readonly removed: readonly string[];
}

/**
 * Renders the app into files (validating it first). Pure: writes nothing. Every data-bearing object and every
 * Namespace holding one gets `kustomize.toolkit.fluxcd.io/prune: disabled` (`withDataProtection`,
 * lib/shared/data-bearing.ts), whichever construct created it.
 * @throws MiniAtlasValidationError listing every problem of the app — the same error plain `app.synth()` throws,
 * objects outside any FluxStage and objects defined twice included (`requirePlacement`, registered by every
 * FluxStage; here too, for an app without one).
 */
export function renderApp(app: App): RenderedFile[] {
  requirePlacement(app);
  assertValid(app);
  const files: RenderedFile[] = [];
  for (const c of app.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    const object = c.toJson() as RenderedObject;
    files.push({ path: `${FluxStage.of(c)!.path}/${objectFileName(object)}`, object });
  }
  const protectedObjects = withDataProtection(files.map((f) => f.object));
  return files.map((f, i) => ({ path: f.path, object: protectedObjects[i]! })).sort((a, b) => a.path.localeCompare(b.path));
}

/** The folders (relative paths) of the dist directory `dir` that hold files, with their files. */
function listFolders(dir: string): Map<string, readonly DistFile[]> {
  if (!existsSync(dir)) return new Map();
  return new Map([...listDist(dir).folders.values()].filter((f) => f.files.length > 0).map((f) => [f.path, f.files]));
}

/**
 * The text of every output file, by folder: the objects plus a `kustomization.yaml` per folder. Every stage's
 * folder is written, an empty stage's too (its `kustomization.yaml` lists no resources): a Flux Kustomization
 * exists for every stage, and one whose path is missing from Git fails with "path not found" — a workspace
 * created before its first app, or a platform with no teams yet, is an empty stage, not an error.
 */
function layout(files: readonly RenderedFile[], stagePaths: readonly string[]): Map<string, Map<string, string>> {
  const folders = new Map<string, Map<string, string>>(stagePaths.map((p) => [p, new Map<string, string>()]));
  for (const f of files) {
    const folder = dirname(f.path);
    let entries = folders.get(folder);
    if (!entries) folders.set(folder, (entries = new Map()));
    entries.set(basename(f.path), toYaml(f.object));
  }
  for (const entries of folders.values()) {
    const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...entries.keys()].sort() };
    entries.set('kustomization.yaml', toYaml(kustomization));
  }
  return folders;
}

/**
 * Renders `app` and replaces `outdir` with the result.
 *
 * Nothing is written until the whole app has validated, rendered and passed the change guard
 * (the change guard, `guardChanges`: against the committed `outdir`, changes the cluster refuses and data lost without
 * `allowRemoval` throw one {@link RemovalGuardError} listing them all). Then each
 * Flux path whose content changed is written to a temporary folder and swapped in with a rename, so every
 * path Flux reads is always complete; paths that did not change are not touched (a re-synth of 1,000
 * workspaces with no change writes nothing), and paths no longer synthesized are removed.
 */
export function writeDist(app: App, outdir: string, options: WriteDistOptions = {}): WriteDistResult {
  const files = renderApp(app);
  const next = layout(files, stagesOf(app).map((s) => s.path));
  const previous = listFolders(outdir);

  // The change guard needs the previous objects; an unchanged file holds the same objects as the new one,
  // except that a changed RGD concerns every instance of its kind, changed or not.
  const before: RenderedObject[] = [];
  const unchangedFiles: [DistFile, string][] = [];
  const unchanged = new Set<string>();
  for (const [folder, previousFiles] of previous) {
    const entries = next.get(folder);
    let same = !!entries && entries.size === previousFiles.length;
    for (const f of previousFiles) {
      if (f.kind !== 'objects') {
        if (entries?.get(f.name) !== readFileSync(f.file, 'utf8')) same = false;
        continue;
      }
      const text = readFileSync(f.file, 'utf8');
      if (entries?.get(f.name) === text) {
        unchangedFiles.push([f, text]);
        continue;
      }
      same = false;
      before.push(...objectsOf(f, text));
    }
    if (same) unchanged.add(folder);
  }
  if (before.some((o) => o.kind === 'ResourceGraphDefinition')) {
    for (const [f, text] of unchangedFiles) before.push(...objectsOf(f, text));
  }
  const after = files.map((f) => f.object);
  const guard = guardChanges(before, after, changeRulesOf(app), options.allowRemoval ?? []);
  if (guard.blocked.length) throw new RemovalGuardError(guard.blocked, options.outputName ?? outdir);

  mkdirSync(outdir, { recursive: true });
  const tmp = join(outdir, `.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    for (const [folder, entries] of next) {
      if (unchanged.has(folder)) continue;
      const staged = join(tmp, folder);
      mkdirSync(staged, { recursive: true });
      for (const [name, text] of entries) writeFileSync(join(staged, name), text);
      const target = join(outdir, folder);
      mkdirSync(dirname(target), { recursive: true });
      if (previous.has(folder)) {
        const old = join(tmp, `${folder}.old`);
        mkdirSync(dirname(old), { recursive: true });
        moveFilesOut(target, old);
        for (const name of entries.keys()) renameSync(join(staged, name), join(target, name));
      } else if (existsSync(target)) {
        for (const name of entries.keys()) renameSync(join(staged, name), join(target, name));
      } else {
        renameSync(staged, target);
      }
    }
    for (const folder of previous.keys()) {
      if (!next.has(folder)) moveFilesOut(join(outdir, folder), join(tmp, `${folder}.removed`));
    }
    removeEmptyFolders(outdir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const currentKeys = new Set(after.map(objectKey));
  const removed = (options.allowRemoval ?? []).filter((k) =>
    guard.acknowledged.includes(k) || (before.some((o) => objectKey(o) === k) && !currentKeys.has(k)));
  return { files: files.length, folders: next.size, removed };
}

/** The objects of a `dist/` file. */
function objectsOf(file: DistFile, text: string): RenderedObject[] {
  return parseDistFile(file, text).documents.map((d) => d.object as unknown as RenderedObject);
}

/** Moves the files (not sub-folders, which are other Flux paths) of `from` into a new folder `to`. */
function moveFilesOut(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    if (!e.isDirectory()) renameSync(join(from, e.name), join(to, e.name));
  }
}

/** Removes folders left empty below `dir` (not `dir` itself). */
function removeEmptyFolders(dir: string): boolean {
  let empty = true;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory() && removeEmptyFolders(p)) rmSync(p, { recursive: true, force: true });
    else empty = false;
  }
  return empty;
}

/** True for errors that are the user's configuration, not a bug (printed without a stack). */
export function isConfigurationError(e: unknown): e is Error {
  return e instanceof MiniAtlasValidationError || e instanceof RemovalGuardError;
}

/** Relative display path. */
export function display(path: string): string {
  return relative(process.cwd(), path) || '.';
}

/** Every stage in the app. */
export function stagesOf(root: IConstruct): FluxStage[] {
  return root.node.findAll().filter(FluxStage.isFluxStage);
}
