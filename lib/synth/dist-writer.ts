/**
 * Writes an app to `dist/`: one folder per Flux stage, one file per object, a `kustomization.yaml` per
 * folder. Everything is validated, rendered and checked by the removal guard before anything is written, so
 * any error leaves `dist/` as it was; changed Flux paths are then swapped in folder by folder (see writeDist).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { ApiObject, App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ANNOTATIONS } from '../shared/api';
import { withDataProtection } from '../shared/data-bearing';
import { assertValid, MiniAtlasValidationError } from '../shared/validation-error';
import { FluxStage } from '../gitops/flux-stage';
import { DistFile, listDist, parseDistFile } from './dist-model';
import { toYaml } from './kubernetes-yaml';

/** A rendered Kubernetes object. */
export interface RenderedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly annotations?: Record<string, string> };
  readonly [key: string]: unknown;
}

/** One output file. */
export interface RenderedFile {
  /** Path relative to the output directory. */
  readonly path: string;
  readonly object: RenderedObject;
}

/** Options of {@link writeDist}. */
export interface WriteDistOptions {
  /**
   * Stateful objects (annotated `kustomize.toolkit.fluxcd.io/prune: disabled`) whose removal from `dist/` is
   * intended, as `Kind/namespace/name` (or `Kind/name` when cluster-scoped). @default none
   */
  readonly allowRemoval?: readonly string[];
}

/** What {@link writeDist} did. */
export interface WriteDistResult {
  readonly files: number;
  readonly folders: number;
  /** Stateful objects removed on purpose. */
  readonly removed: readonly string[];
}

/** Thrown when a synth would drop stateful objects that nobody acknowledged. */
export class RemovalGuardError extends Error {
  public constructor(public readonly objects: readonly string[]) {
    super(
      `Refusing to write dist/: ${objects.length} stateful object${objects.length === 1 ? '' : 's'} would disappear and Flux ` +
        'would stop managing them (data is kept only because they are not pruned):\n' +
        objects.map((o) => `  - ${o}`).join('\n') +
        '\nIf this is intended, re-run with ' + objects.map((o) => `--allow-removal ${o}`).join(' ') +
        ' and then delete the objects explicitly (see README, "Deleting data").',
    );
    this.name = 'RemovalGuardError';
  }
}

/** `Kind/namespace/name`, the identity used by the removal guard. */
export function objectKey(o: RenderedObject): string {
  return [o.kind, o.metadata.namespace, o.metadata.name].filter(Boolean).join('/');
}

/**
 * Renders the app into files (validating it first). Pure: writes nothing. Every data-bearing object and every
 * Namespace holding one gets `kustomize.toolkit.fluxcd.io/prune: disabled` (`withDataProtection`,
 * lib/shared/data-bearing.ts), whichever construct created it.
 */
export function renderApp(app: App): RenderedFile[] {
  assertValid(app);
  const files: RenderedFile[] = [];
  const seen = new Map<string, string>();
  const outside: string[] = [];
  for (const c of app.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    const stage = FluxStage.of(c);
    if (!stage) {
      outside.push(c.node.path);
      continue;
    }
    const object = c.toJson() as RenderedObject;
    const { kind, metadata } = object;
    const file = [kind, metadata.namespace, metadata.name].filter(Boolean).join('-').toLowerCase().replace(/[^a-z0-9.-]/g, '-');
    const path = `${stage.path}/${file}.yaml`;
    const prev = seen.get(path);
    if (prev) throw new Error(`${c.node.path}: ${objectKey(object)} is defined twice (also at ${prev})`);
    seen.set(path, c.node.path);
    files.push({ path, object });
  }
  if (outside.length) {
    throw new Error(`objects outside any FluxStage cannot be placed in dist/: ${outside.join(', ')}`);
  }
  const protectedObjects = withDataProtection(files.map((f) => f.object));
  return files.map((f, i) => ({ path: f.path, object: protectedObjects[i]! })).sort((a, b) => a.path.localeCompare(b.path));
}

/** The folders (relative paths) of the dist directory `dir` that hold files, with their files. */
function listFolders(dir: string): Map<string, readonly DistFile[]> {
  if (!existsSync(dir)) return new Map();
  return new Map([...listDist(dir).folders.values()].filter((f) => f.files.length > 0).map((f) => [f.path, f.files]));
}

/** Stateful objects in `before` that are missing from `after` and not in `allowed`. */
export function unacknowledgedRemovals(before: readonly RenderedObject[], after: readonly RenderedObject[], allowed: readonly string[]): string[] {
  const stateful = (o: RenderedObject) => o.metadata.annotations?.[ANNOTATIONS.fluxPrune] === 'disabled';
  const kept = new Set(after.map(objectKey));
  return before.filter(stateful).map(objectKey).filter((k) => !kept.has(k) && !allowed.includes(k)).sort();
}

/** The text of every output file, by folder: the objects plus a `kustomization.yaml` per folder. */
function layout(files: readonly RenderedFile[]): Map<string, Map<string, string>> {
  const folders = new Map<string, Map<string, string>>();
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
 * Nothing is written until the whole app has validated, rendered and passed the removal guard. Then each
 * Flux path whose content changed is written to a temporary folder and swapped in with a rename, so every
 * path Flux reads is always complete; paths that did not change are not touched (a re-synth of 1,000
 * workspaces with no change writes nothing), and paths no longer synthesized are removed.
 */
export function writeDist(app: App, outdir: string, options: WriteDistOptions = {}): WriteDistResult {
  const files = renderApp(app);
  const next = layout(files);
  const previous = listFolders(outdir);

  // The removal guard needs the previous objects; an unchanged file holds the same objects as the new one.
  const before: RenderedObject[] = [];
  const unchanged = new Set<string>();
  for (const [folder, previousFiles] of previous) {
    const entries = next.get(folder);
    let same = !!entries && entries.size === previousFiles.length;
    for (const f of previousFiles) {
      const text = readFileSync(f.file, 'utf8');
      if (entries?.get(f.name) === text) continue;
      same = false;
      if (f.kind === 'objects') before.push(...parseDistFile(f, text).documents.map((d) => d.object as unknown as RenderedObject));
    }
    if (same) unchanged.add(folder);
  }
  const after = files.map((f) => f.object);
  const blocked = unacknowledgedRemovals(before, after, options.allowRemoval ?? []);
  if (blocked.length) throw new RemovalGuardError(blocked);

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
  const removed = (options.allowRemoval ?? []).filter((k) => before.some((o) => objectKey(o) === k) && !currentKeys.has(k));
  return { files: files.length, folders: next.size, removed };
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
