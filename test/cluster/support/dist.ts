/**
 * Reads `dist/` the way Flux applies it: `dist/flux-system` holds the Flux Kustomizations; each one's
 * `spec.path` is a folder whose `kustomization.yaml` lists the objects, and `dependsOn` orders them.
 * Nothing about the order or the content is hard-coded here.
 *
 * `$MINI_ATLAS_DIST_DIR` points the suite at another copy of `dist/` (used to prove that a broken RGD or
 * policy makes the suite fail).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../../../scripts/lib/schema-store';
import type { KubeObject } from './kube-client';

/** An object of `dist/` and the file it came from (relative to the dist directory). */
export interface DistObject {
  readonly file: string;
  readonly object: KubeObject;
}

/** One Flux Kustomization and what it applies. */
export interface FluxStage {
  /** `namespace/name` of the Kustomization. */
  readonly key: string;
  readonly name: string;
  /** `spec.path` as written. */
  readonly path: string;
  /** `namespace/name` keys of the Kustomizations it depends on. */
  readonly dependsOn: readonly string[];
  /** `Kind/namespace/name` of its source. */
  readonly source: string;
  /** True when the source is not the platform's own repository (e.g. upstream Gateway API CRDs). */
  readonly external: boolean;
  /** The folder in the dist directory (undefined for external sources). */
  readonly dir?: string;
  /** The objects it applies, in Flux's order (CRDs and Namespaces first, then the rest in listed order). */
  readonly objects: readonly DistObject[];
  /** The Kustomization object itself. */
  readonly kustomization: KubeObject;
}

/** `dist/` read in Flux order. */
export interface Dist {
  /** The dist directory. */
  readonly dir: string;
  /** The objects of `flux-system/` (the bootstrap: sources and Kustomizations). */
  readonly fluxSystem: readonly DistObject[];
  /** The Kustomizations, dependencies first (Kahn's algorithm, ties broken by name). */
  readonly stages: readonly FluxStage[];
  /** Every object in the dist directory, by file. */
  readonly all: readonly DistObject[];
}

/** The dist directory: `$MINI_ATLAS_DIST_DIR`, else `<project>/dist`. */
export function distDir(): string {
  return resolve(process.env.MINI_ATLAS_DIST_DIR ?? join(PROJECT_ROOT, 'dist'));
}

function readObjects(dist: string, file: string): DistObject[] {
  const rel = relative(dist, file);
  return parseAllDocuments(readFileSync(file, 'utf8')).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${rel}: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as KubeObject | null;
    if (value === null || value === undefined) return [];
    if (typeof value.apiVersion !== 'string' || typeof value.kind !== 'string' || !value.metadata?.name) {
      throw new Error(`${rel}: a document is not a Kubernetes object with apiVersion, kind and metadata.name`);
    }
    return [{ file: rel, object: value }];
  });
}

/** Every YAML file under `dir` except kustomization files. */
function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(e.name) && !/^kustomization\.ya?ml$/.test(e.name) ? [full] : [];
  }).sort();
}

const SUPPORTED_KUSTOMIZE_FIELDS = new Set(['apiVersion', 'kind', 'resources']);

/** The files a folder's kustomization applies (its `resources`, recursively); without one, every YAML file. */
function kustomizeFiles(dir: string): string[] {
  const kfile = ['kustomization.yaml', 'kustomization.yml'].map((f) => join(dir, f)).find(existsSync);
  if (!kfile) return yamlFiles(dir);
  const k = parse(readFileSync(kfile, 'utf8')) as Record<string, unknown>;
  const unsupported = Object.keys(k).filter((f) => !SUPPORTED_KUSTOMIZE_FIELDS.has(f));
  if (unsupported.length > 0) {
    // Transformers would change the objects; applying the files as they are would test something else.
    throw new Error(`${kfile}: kustomize fields ${unsupported.join(', ')} are not supported by the control-plane suite`);
  }
  const resources = (k.resources ?? []) as string[];
  return resources.flatMap((r) => {
    const full = resolve(dir, r);
    if (!existsSync(full)) throw new Error(`${kfile} lists ${r}, which does not exist`);
    return statSync(full).isDirectory() ? kustomizeFiles(full) : [full];
  });
}

/** Flux applies CustomResourceDefinitions and Namespaces before anything else in a Kustomization. */
function fluxApplyOrder(objects: readonly DistObject[]): DistObject[] {
  const first = (o: DistObject): boolean =>
    o.object.kind === 'CustomResourceDefinition' || (o.object.kind === 'Namespace' && o.object.apiVersion === 'v1');
  return [...objects.filter(first), ...objects.filter((o) => !first(o))];
}

const isFluxKustomization = (o: KubeObject): boolean =>
  o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/');

/** Reads the dist directory in Flux order. Throws on a missing folder, an unknown dependency or a cycle. */
export function readDist(dir = distDir()): Dist {
  const fluxDir = join(dir, 'flux-system');
  if (!existsSync(fluxDir)) throw new Error(`${fluxDir} does not exist; run \`npm run synth\``);
  const fluxSystem = kustomizeFiles(fluxDir).flatMap((f) => readObjects(dir, f));
  const all = yamlFiles(dir).flatMap((f) => readObjects(dir, f));

  // The platform's own repository: the GitRepository the flux-system Kustomizations mostly point at is the one
  // whose Kustomization paths lie in dist/; any other source is external.
  const kustomizations = fluxSystem.map((o) => o.object).filter(isFluxKustomization);
  const stages: FluxStage[] = kustomizations.map((k) => {
    const spec = (k.spec ?? {}) as {
      path?: string; dependsOn?: { name: string; namespace?: string }[];
      sourceRef?: { kind: string; name: string; namespace?: string };
    };
    const namespace = k.metadata.namespace ?? 'flux-system';
    const path = spec.path ?? './';
    const source = `${spec.sourceRef?.kind}/${spec.sourceRef?.namespace ?? namespace}/${spec.sourceRef?.name}`;
    const normalized = posix.normalize(path.replace(/^\.\//, ''));
    const inDist = normalized === 'dist' || normalized.startsWith('dist/');
    const folder = inDist ? join(dir, normalized.replace(/^dist\/?/, '')) : undefined;
    if (folder && !existsSync(folder)) {
      throw new Error(`Kustomization ${namespace}/${k.metadata.name} has spec.path ${path}, which does not exist in ${dir}`);
    }
    return {
      key: `${namespace}/${k.metadata.name}`,
      name: k.metadata.name!,
      path,
      dependsOn: (spec.dependsOn ?? []).map((d) => `${d.namespace ?? namespace}/${d.name}`),
      source,
      external: !folder,
      ...(folder ? { dir: folder } : {}),
      objects: folder ? fluxApplyOrder(kustomizeFiles(folder).flatMap((f) => readObjects(dir, f))) : [],
      kustomization: k,
    };
  });

  const byKey = new Map(stages.map((s) => [s.key, s]));
  for (const s of stages) {
    for (const d of s.dependsOn) if (!byKey.has(d)) throw new Error(`Kustomization ${s.key} depends on ${d}, which is not in flux-system`);
  }
  const ordered: FluxStage[] = [];
  const done = new Set<string>();
  let remaining = [...stages];
  while (remaining.length > 0) {
    const ready = remaining.filter((s) => s.dependsOn.every((d) => done.has(d))).sort((a, b) => a.name.localeCompare(b.name));
    if (ready.length === 0) throw new Error(`Kustomizations ${remaining.map((s) => s.key).join(', ')} depend on each other in a cycle`);
    for (const s of ready) {
      ordered.push(s);
      done.add(s.key);
    }
    remaining = remaining.filter((s) => !done.has(s.key));
  }
  return { dir, fluxSystem, stages: ordered, all };
}

/** `apiVersion` group (empty for the core group). */
export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
}
