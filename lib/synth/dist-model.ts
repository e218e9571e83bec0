/**
 * The one model of `dist/`, for every tool that reads it: the writer's change guard, the offline validator,
 * the Kind lifecycle CLI, the control-plane suite and the benchmark.
 *
 * `dist/` is a tree of folders; each Flux path is a folder of YAML files, one Kubernetes object per file, and
 * a `kustomization.yaml` listing them; `flux-system/` holds the Flux Kustomizations whose `spec.path` names
 * the folders and whose `dependsOn` orders them. This module reads that tree ({@link listDist},
 * {@link readDist}), resolves what a folder's kustomization applies ({@link kustomizeResources}), reads Flux
 * Kustomizations ({@link fluxKustomizationOf}) and orders them ({@link fluxOrder}: the one cycle check).
 *
 * It never throws on content: every file or document that is not a Kubernetes object, every kustomization
 * resource that does not exist and every broken `dependsOn` is a problem with its file, document index and
 * JSON path. The validator reports them; the CLI and the suite refuse to go on.
 *
 * YAML is read as YAML 1.2 (core schema, as kustomize reads it) with `yaml`, the project's one YAML library:
 * duplicate keys, unresolved tags and other parser warnings are problems.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, resolve, sep } from 'node:path';
import { Document } from 'yaml';
import { dependencyLayers, findCycles } from '../shared/graph';
import { isJsonObject, JsonObject, JsonValue } from '../shared/json';
import { parseYamlDocuments } from './kubernetes-yaml';

/** What a file of `dist/` is: Kubernetes objects (`*.yaml`, `*.yml`), a kustomize configuration, or neither. */
export type DistFileKind = 'objects' | 'kustomization' | 'other';

/** One file of `dist/`. */
export interface DistFile {
  /** Absolute path. */
  readonly file: string;
  /** Path relative to the dist directory, `/`-separated: `core/operators/helmrelease-kube-system-cilium.yaml`. */
  readonly path: string;
  /** Its folder relative to the dist directory (`''` for the directory itself). */
  readonly folder: string;
  readonly name: string;
  readonly kind: DistFileKind;
}

/** One folder of `dist/` (a Flux path when it holds files). */
export interface DistFolder {
  /** Relative to the dist directory, `/`-separated (`''` for the directory itself). */
  readonly path: string;
  /** The files directly in it. */
  readonly files: readonly DistFile[];
}

/** The files and folders of a dist directory, without their content. */
export interface DistTree {
  /** Absolute path of the dist directory. */
  readonly dir: string;
  /**
   * Every file, depth first, the entries of each folder by name (`localeCompare`). Entries whose name starts
   * with a dot (the writer's temporary folders) are not part of `dist/`.
   */
  readonly files: readonly DistFile[];
  /** Every folder, by relative path, the directory itself (`''`) included. */
  readonly folders: ReadonlyMap<string, DistFolder>;
}

/** One YAML document of a `dist/` file that is a Kubernetes object (string `apiVersion` and `kind`). */
export interface DistDocument<O extends object = JsonObject> {
  /** Absolute path of the file. */
  readonly file: string;
  /** Path of the file relative to the dist directory, `/`-separated. */
  readonly path: string;
  /** Index of the document in its file (0 for the first; empty documents count). */
  readonly index: number;
  /** The object. */
  readonly object: O;
}

/** Something in `dist/` that is not what its place says it must be. */
export interface DistProblem {
  /** Absolute path of the file. */
  readonly file: string;
  /** Path relative to the dist directory. */
  readonly path: string;
  /** Index of the document in the file. */
  readonly index: number;
  /** JSON path inside the document (`$` for the whole document). */
  readonly at: string;
  readonly message: string;
}

/** A kustomize configuration file (`kustomization.yaml`). */
export interface KustomizeFile extends DistFile {
  /** Its `resources` entries, as written (an entry that is not a string stays, so indices match the file). */
  readonly resources: readonly JsonValue[];
  /** The whole file. */
  readonly config: JsonObject;
}

/** A YAML file of `dist/`, read. */
export interface ParsedDistFile extends DistFile {
  readonly text: string;
  /** Every document as YAML 1.2 reads it (nodes with their source positions). */
  readonly yaml: readonly Document[];
  /** The Kubernetes objects (none for a kustomize file). */
  readonly documents: readonly DistDocument[];
  /** The configuration, for a kustomize file that is one object. */
  readonly kustomization?: KustomizeFile;
  readonly problems: readonly DistProblem[];
}

/** A Flux Kustomization (`kustomize.toolkit.fluxcd.io`), as read from `dist/` or from a cluster. */
export interface FluxKustomization {
  /** `namespace/name`. */
  readonly key: string;
  readonly name: string;
  /** `metadata.namespace`, `flux-system` when unset. */
  readonly namespace: string;
  /** `spec.path` as written (`./` when unset). */
  readonly path: string;
  /** `spec.sourceRef`; its namespace defaults to the Kustomization's. */
  readonly sourceRef: { readonly kind: string; readonly name: string; readonly namespace: string };
  /** `namespace/name` of each `spec.dependsOn` entry, in order (the namespace defaults to the Kustomization's). */
  readonly dependsOn: readonly string[];
  readonly targetNamespace?: string;
  /** `spec.wait === true`. */
  readonly wait: boolean;
  /** `spec.healthChecks` entries (object references). */
  readonly healthChecks: readonly JsonObject[];
  /** `spec.healthCheckExprs` entries (`apiVersion`, `kind`, `current`, `failed`, `inProgress`). */
  readonly healthCheckExprs: readonly JsonObject[];
}

/** A Flux Kustomization of `dist/`. */
export interface DistKustomization extends FluxKustomization {
  readonly document: DistDocument;
  /**
   * The folder of the dist directory that `spec.path` names (`./dist/core/operators` → `core/operators`),
   * whether or not it exists; undefined for a path outside `dist/` (e.g. in an upstream repository).
   */
  readonly folder?: string;
}

/** A dist directory, read. */
export interface DistModel {
  /** Absolute path of the dist directory. */
  readonly dir: string;
  /** Where the dist directory lies in the Git repository Flux reads (`dist`): Kustomization paths name it. */
  readonly repoPath: string;
  readonly tree: DistTree;
  /** The YAML files (objects and kustomize files), read, in tree order. */
  readonly files: readonly ParsedDistFile[];
  /** Every Kubernetes object, in tree order. */
  readonly documents: readonly DistDocument[];
  readonly kustomizeFiles: readonly KustomizeFile[];
  /** The Flux Kustomizations among the documents, in tree order. */
  readonly kustomizations: readonly DistKustomization[];
  /** Files and documents that are not Kubernetes objects (or, for a kustomize file, not one object). */
  readonly problems: readonly DistProblem[];
}

/** Options of {@link readDist}. */
export interface ReadDistOptions {
  /**
   * Path of the dist directory inside the Git repository Flux reads: a Kustomization path `./<repoPath>/x`
   * is the folder `x`. @default 'dist'
   */
  readonly repoPath?: string;
  /** Read only the files directly in this folder (relative path). @default every file */
  readonly folder?: string;
}

const KUSTOMIZE_FILE_NAMES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);
const FLUX_KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io';

function kindOf(name: string): DistFileKind {
  if (KUSTOMIZE_FILE_NAMES.has(name)) return 'kustomization';
  return /\.ya?ml$/.test(name) ? 'objects' : 'other';
}

/** The files and folders under `dir` (not their content). Throws when `dir` cannot be read. */
export function listDist(dir: string): DistTree {
  const root = resolve(dir);
  const files: DistFile[] = [];
  const folders = new Map<string, DistFolder>();
  const walk = (folder: string): void => {
    const here: DistFile[] = [];
    folders.set(folder, { path: folder, files: here });
    const entries = readdirSync(join(root, folder), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = folder ? `${folder}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path);
      else {
        const f: DistFile = { file: join(root, folder, e.name), path, folder, name: e.name, kind: kindOf(e.name) };
        here.push(f);
        files.push(f);
      }
    }
  };
  walk('');
  return { dir: root, files, folders };
}

/** The first line of a parser message, without the source excerpt it introduces. */
const firstLine = (message: string): string => message.split('\n')[0].replace(/:$/, '');

/**
 * Reads the text of one YAML file of `dist/`: its objects, or its kustomize configuration, and the problems.
 * Each document is read on its own, so one broken document does not hide the others.
 */
export function parseDistFile(file: DistFile, text: string): ParsedDistFile {
  const yaml = parseYamlDocuments(text, '1.2');
  const problems: DistProblem[] = [];
  const problem = (index: number, message: string): void => {
    problems.push({ file: file.file, path: file.path, index, at: '$', message });
  };
  const values: { index: number; value: unknown }[] = [];
  yaml.forEach((doc, index) => {
    const broken = [...doc.errors, ...doc.warnings];
    if (broken.length > 0) {
      problem(index, `YAML does not parse: ${firstLine(broken[0].message)}`);
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (e) {
      problem(index, `YAML does not parse: ${firstLine((e as Error).message)}`);
      return;
    }
    if (value !== null && value !== undefined) values.push({ index, value });
  });
  const read = { ...file, text, yaml };
  if (file.kind === 'kustomization') {
    if (problems.length > 0) return { ...read, documents: [], problems };
    if (values.length > 1) problem(values[1].index, `kustomization file holds ${values.length} documents; kustomize reads one`);
    else if (!isJsonObject(values[0]?.value)) problem(0, 'kustomization file is not an object');
    else {
      const config = values[0].value;
      const resources = Array.isArray(config.resources) ? config.resources : [];
      return { ...read, documents: [], kustomization: { ...file, resources, config }, problems };
    }
    return { ...read, documents: [], problems };
  }
  const documents: DistDocument[] = [];
  for (const { index, value } of values) {
    if (!isJsonObject(value)) problem(index, `document is a ${Array.isArray(value) ? 'list' : typeof value}, not an object`);
    else if (typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') problem(index, 'document has no string apiVersion and kind');
    else documents.push({ file: file.file, path: file.path, index, object: value });
  }
  return { ...read, documents, problems };
}

/**
 * The folder of the dist directory a Flux path names, when it lies in `dist/`: `./dist/core/operators` →
 * `core/operators`, `./dist` → `''`; undefined otherwise.
 */
export function distFolderOf(path: string, repoPath = 'dist'): string | undefined {
  const clean = (p: string): string => {
    const n = posix.normalize(p.split(sep).join('/').replace(/^\.?\/+/, '')).replace(/\/+$/, '');
    return n === '.' ? '' : n;
  };
  const p = clean(path);
  const base = clean(repoPath);
  if (p === '..' || p.startsWith('../')) return undefined;
  if (base === '') return p;
  if (p === base) return '';
  return p.startsWith(`${base}/`) ? p.slice(base.length + 1) : undefined;
}

/** Reads every YAML file of a dist directory (or of one folder of it). Throws only when it cannot be read. */
export function readDist(dir: string, options: ReadDistOptions = {}): DistModel {
  const tree = listDist(dir);
  const repoPath = options.repoPath ?? 'dist';
  const scope = options.folder === undefined ? tree.files : (tree.folders.get(options.folder)?.files ?? []);
  const files = scope.filter((f) => f.kind !== 'other').map((f) => parseDistFile(f, readFileSync(f.file, 'utf8')));
  const documents = files.flatMap((f) => f.documents);
  const kustomizations = documents.flatMap((document): DistKustomization[] => {
    const k = fluxKustomizationOf(document.object);
    if (!k) return [];
    const folder = distFolderOf(k.path, repoPath);
    return [{ ...k, document, ...(folder !== undefined ? { folder } : {}) }];
  });
  return {
    dir: tree.dir,
    repoPath,
    tree,
    files,
    documents,
    kustomizeFiles: files.flatMap((f) => (f.kustomization ? [f.kustomization] : [])),
    kustomizations,
    problems: files.flatMap((f) => f.problems),
  };
}

/** What a folder's kustomization applies. */
export interface KustomizeResources {
  /** The files, in the order kustomize reads them. */
  readonly files: readonly ParsedDistFile[];
  /** Listed resources that do not exist; object files beside a kustomization that it does not list. */
  readonly problems: readonly DistProblem[];
}

/**
 * The files a folder applies: its kustomization's `resources` in order (a folder listed there recursively;
 * remote resources skipped); without a kustomization, every object file below it.
 */
export function kustomizeResources(model: DistModel, folder: string): KustomizeResources {
  const problems: DistProblem[] = [];
  const byPath = new Map(model.files.map((f) => [f.path, f]));
  const kustomizeByFolder = new Map(model.kustomizeFiles.map((k) => [k.folder, k]));
  const repoRelative = (f: DistFile): string => (model.repoPath ? posix.join(model.repoPath, f.path) : f.path);
  const filesOf = (d: string, seen: Set<string>): ParsedDistFile[] => {
    if (seen.has(d)) return [];
    seen.add(d);
    const k = kustomizeByFolder.get(d);
    if (!k) return model.files.filter((f) => f.kind === 'objects' && (d === '' || f.path.startsWith(`${d}/`)));
    const out: ParsedDistFile[] = [];
    const listed = new Set<string>();
    k.resources.forEach((entry, i) => {
      if (typeof entry !== 'string' || /^[a-z]+:\/\//.test(entry)) return;
      const abs = resolve(model.dir, d, entry);
      const rel = relative(model.dir, abs).split(sep).join('/');
      listed.add(rel);
      const inside = rel !== '..' && !rel.startsWith('../');
      const file = byPath.get(rel);
      if (inside && model.tree.folders.has(rel)) out.push(...filesOf(rel, seen));
      else if (file) out.push(file);
      else if (!existsSync(abs)) {
        problems.push({ file: k.file, path: k.path, index: 0, at: `$.resources[${i}]`, message: `resource ${JSON.stringify(entry)} does not exist` });
      }
      // Otherwise a file that is not part of the model (outside the directory, hidden, or not YAML): no objects.
    });
    for (const f of model.files) {
      if (f.folder === d && f.documents.length > 0 && !listed.has(f.path)) {
        problems.push({ file: k.file, path: k.path, index: 0, at: '$.resources', message: `${repoRelative(f)} is not listed, so Flux does not apply it` });
      }
    }
    return out;
  };
  return { files: filesOf(folder, new Set()), problems };
}

const asRecord = (v: unknown): Readonly<Record<string, unknown>> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const asText = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const objectsIn = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isJsonObject) : []);

/** The API group of an `apiVersion` (`''` for the core group). */
const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '');

/** The Flux Kustomization an object is, or undefined when it is none (any object: from `dist/` or a cluster). */
export function fluxKustomizationOf(object: object): FluxKustomization | undefined {
  const o = object as Readonly<Record<string, unknown>>;
  const apiVersion = asText(o.apiVersion);
  if (o.kind !== 'Kustomization' || apiVersion === undefined || groupOf(apiVersion) !== FLUX_KUSTOMIZE_GROUP) return undefined;
  const metadata = asRecord(o.metadata) ?? {};
  const spec = asRecord(o.spec) ?? {};
  const name = asText(metadata.name) ?? '';
  const namespace = asText(metadata.namespace) ?? 'flux-system';
  const sourceRef = asRecord(spec.sourceRef) ?? {};
  const targetNamespace = asText(spec.targetNamespace);
  return {
    key: `${namespace}/${name}`,
    name,
    namespace,
    path: asText(spec.path) ?? './',
    sourceRef: { kind: asText(sourceRef.kind) ?? '', name: asText(sourceRef.name) ?? '', namespace: asText(sourceRef.namespace) ?? namespace },
    dependsOn: (Array.isArray(spec.dependsOn) ? spec.dependsOn : []).map((d) => {
      const ref = asRecord(d) ?? {};
      return `${asText(ref.namespace) ?? namespace}/${asText(ref.name) ?? ''}`;
    }),
    ...(targetNamespace !== undefined ? { targetNamespace } : {}),
    wait: spec.wait === true,
    healthChecks: objectsIn(spec.healthChecks),
    healthCheckExprs: objectsIn(spec.healthCheckExprs),
  };
}

/** A `dependsOn` entry that names no Kustomization, or a cycle. */
export interface FluxOrderProblem<K extends FluxKustomization = FluxKustomization> {
  /** The Kustomization the problem is reported on (for a cycle: its smallest key). */
  readonly kustomization: K;
  /** JSON path in the Kustomization: `$.spec.dependsOn[i]` for a missing target, `$.spec.dependsOn` for a cycle. */
  readonly at: string;
  readonly message: string;
}

/** Kustomizations in the order Flux applies them. */
export interface FluxOrder<K extends FluxKustomization = FluxKustomization> {
  /**
   * Layers: the first depends on nothing, each later one only on earlier ones; names sorted in a layer.
   * Kustomizations on a cycle, or depending on a missing or cyclic one, are in none.
   */
  readonly layers: readonly (readonly K[])[];
  /** Missing targets (in Kustomization and entry order), then cycles. Empty when every Kustomization is ordered. */
  readonly problems: readonly FluxOrderProblem<K>[];
}

/** Orders Flux Kustomizations by `dependsOn` (Kahn's algorithm), reporting missing targets and every cycle. */
export function fluxOrder<K extends FluxKustomization>(kustomizations: readonly K[]): FluxOrder<K> {
  const byKey = new Map(kustomizations.map((k) => [k.key, k]));
  const problems: FluxOrderProblem<K>[] = [];
  const graph = new Map<string, Set<string>>();
  for (const k of kustomizations) {
    k.dependsOn.forEach((target, i) => {
      if (!byKey.has(target)) problems.push({ kustomization: k, at: `$.spec.dependsOn[${i}]`, message: `dependsOn target Kustomization ${target} does not exist` });
    });
    graph.set(k.key, new Set(k.dependsOn));
  }
  for (const cycle of findCycles(graph)) {
    problems.push({ kustomization: byKey.get(cycle[0])!, at: '$.spec.dependsOn', message: `dependsOn cycle: ${cycle.join(' → ')}` });
  }
  const layers = dependencyLayers(graph).map((layer) => layer.map((key) => byKey.get(key)!).sort((a, b) => a.name.localeCompare(b.name)));
  return { layers, problems };
}

/** The problems of a Flux order as one message: `Kustomization flux-system/a: dependsOn target …; …`. */
export function formatFluxOrderProblems(problems: readonly FluxOrderProblem[]): string {
  return problems.map((p) => `Kustomization ${p.kustomization.key}: ${p.message}`).join('; ');
}

/** One problem as a line: `core/x.yaml#1: document has no string apiVersion and kind`. */
export function formatDistProblem(p: DistProblem): string {
  return `${p.path}${p.index > 0 ? `#${p.index}` : ''}: ${p.at === '$' ? '' : `${p.at}: `}${p.message}`;
}
