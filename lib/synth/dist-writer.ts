/**
 * Writes an app to `dist/`: one folder per Flux stage, one file per object, a `kustomization.yaml` per
 * folder. The write is atomic: everything is validated and rendered into a temporary directory next to the
 * output, checked by the removal guard, and only then swapped in. Any error leaves `dist/` as it was.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { ApiObject, App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { parseAllDocuments, stringify } from 'yaml';
import { ANNOTATIONS } from '../core/api';
import { assertValid, MiniAtlasValidationError } from '../core/validation-error';
import { FluxStage } from '../platform/flux-stage';

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

/** Renders the app into files (validating it first). Pure: writes nothing. */
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
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** YAML of one object. */
export function toYaml(o: RenderedObject): string {
  return stringify(o, { lineWidth: 0 });
}

/** Reads every object of an existing output directory. */
export function readDist(dir: string): RenderedObject[] {
  if (!existsSync(dir)) return [];
  const out: RenderedObject[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.yaml') && e.name !== 'kustomization.yaml') {
        for (const doc of parseAllDocuments(readFileSync(p, 'utf8'))) {
          const o = doc.toJS() as RenderedObject | null;
          if (o?.kind) out.push(o);
        }
      }
    }
  };
  walk(dir);
  return out;
}

/** Stateful objects in `before` that are missing from `after` and not in `allowed`. */
export function unacknowledgedRemovals(before: readonly RenderedObject[], after: readonly RenderedObject[], allowed: readonly string[]): string[] {
  const stateful = (o: RenderedObject) => o.metadata.annotations?.[ANNOTATIONS.fluxPrune] === 'disabled';
  const kept = new Set(after.map(objectKey));
  return before.filter(stateful).map(objectKey).filter((k) => !kept.has(k) && !allowed.includes(k)).sort();
}

/** Renders `app` and atomically replaces `outdir` with the result. */
export function writeDist(app: App, outdir: string, options: WriteDistOptions = {}): WriteDistResult {
  const files = renderApp(app);
  const previous = readDist(outdir);
  const blocked = unacknowledgedRemovals(previous, files.map((f) => f.object), options.allowRemoval ?? []);
  if (blocked.length) throw new RemovalGuardError(blocked);

  const parent = dirname(outdir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(outdir)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const folders = new Map<string, string[]>();
  try {
    for (const f of files) {
      const target = join(tmp, f.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, toYaml(f.object));
      const folder = dirname(f.path);
      folders.set(folder, [...(folders.get(folder) ?? []), basename(f.path)]);
    }
    for (const [folder, names] of folders) {
      const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...names].sort() };
      writeFileSync(join(tmp, folder, 'kustomization.yaml'), stringify(kustomization));
    }
    const backup = join(parent, `.${basename(outdir)}.old-${process.pid}`);
    if (existsSync(outdir)) renameSync(outdir, backup);
    renameSync(tmp, outdir);
    rmSync(backup, { recursive: true, force: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const currentKeys = new Set(files.map((f) => objectKey(f.object)));
  const removed = (options.allowRemoval ?? []).filter((k) => previous.some((o) => objectKey(o) === k) && !currentKeys.has(k));
  return { files: files.length, folders: folders.size, removed };
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
