/**
 * `dist/` as the suite applies it, read with the one dist model (lib/synth/dist-model.ts): `dist/flux-system`
 * holds the Flux Kustomizations; each one's `spec.path` is a folder whose `kustomization.yaml` lists the
 * objects, and `dependsOn` orders them (`fluxOrder`). Nothing about the order or the content is hard-coded here.
 *
 * `$MINI_ATLAS_DIST_DIR` points the suite at another copy of `dist/` (used to prove that a broken RGD or
 * policy makes the suite fail).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DistDocument, DistModel, fluxOrder, formatDistProblem, formatFluxOrderProblems, kustomizeResources, readDist as readDistModel,
} from '../../../lib/synth/dist-model';
import { PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';
import type { KubeObject } from '../../../tools/control-plane/src/kube-client';

/** An object of `dist/`: the dist model's document, typed as the suite's client takes it. */
export type DistObject = DistDocument<KubeObject>;

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
  /** The Kustomizations, dependencies first (the dist model's Flux order). */
  readonly stages: readonly FluxStage[];
  /** Every object in the dist directory, by file. */
  readonly all: readonly DistObject[];
}

/** The dist directory: `$MINI_ATLAS_DIST_DIR`, else `<project>/dist`. */
export function distDir(): string {
  return resolve(process.env.MINI_ATLAS_DIST_DIR ?? join(PROJECT_ROOT, 'dist'));
}

const SUPPORTED_KUSTOMIZE_FIELDS = new Set(['apiVersion', 'kind', 'resources']);

/** Throws the messages, one per line, if there are any. */
function refuse(messages: readonly string[]): void {
  if (messages.length > 0) throw new Error(messages.join('\n'));
}

/** The objects a folder's kustomization applies. */
function applied(model: DistModel, folder: string): DistObject[] {
  const { files, problems } = kustomizeResources(model, folder);
  refuse(problems.map(formatDistProblem));
  return files.flatMap((f) => f.documents) as DistObject[];
}

/** Flux applies CustomResourceDefinitions and Namespaces before anything else in a Kustomization. */
function fluxApplyOrder(objects: readonly DistObject[]): DistObject[] {
  const first = (o: DistObject): boolean =>
    o.object.kind === 'CustomResourceDefinition' || (o.object.kind === 'Namespace' && o.object.apiVersion === 'v1');
  return [...objects.filter(first), ...objects.filter((o) => !first(o))];
}

/**
 * Reads the dist directory in Flux order. Throws on whatever the dist model reports (a file that does not
 * parse, a missing kustomization resource, an unknown dependency or a cycle), on a document without
 * `metadata.name`, on a missing Kustomization folder, and on kustomize fields the suite does not apply.
 */
export function readDist(dir = distDir()): Dist {
  const fluxDir = join(dir, 'flux-system');
  if (!existsSync(fluxDir)) throw new Error(`${fluxDir} does not exist; run \`npm run synth\``);
  const model = readDistModel(dir);
  refuse(model.problems.map(formatDistProblem));
  refuse(model.documents
    .filter((d) => typeof (d.object.metadata as { name?: unknown } | null)?.name !== 'string')
    .map((d) => `${d.path}: a document is not a Kubernetes object with apiVersion, kind and metadata.name`));
  // Transformers would change the objects; applying the files as they are would test something else.
  refuse(model.kustomizeFiles.flatMap((k) => {
    const unsupported = Object.keys(k.config).filter((f) => !SUPPORTED_KUSTOMIZE_FIELDS.has(f));
    return unsupported.length > 0 ? [`${k.file}: kustomize fields ${unsupported.join(', ')} are not supported by the control-plane suite`] : [];
  }));

  const fluxSystem = applied(model, 'flux-system');
  const bootstrap = new Set<object>(fluxSystem);
  const order = fluxOrder(model.kustomizations.filter((k) => bootstrap.has(k.document)));
  refuse(order.problems.length > 0 ? [formatFluxOrderProblems(order.problems)] : []);
  const stages = order.layers.flat().map((k): FluxStage => {
    if (k.folder !== undefined && !model.tree.folders.has(k.folder)) {
      throw new Error(`Kustomization ${k.key} has spec.path ${k.path}, which does not exist in ${model.dir}`);
    }
    return {
      key: k.key,
      name: k.name,
      path: k.path,
      dependsOn: k.dependsOn,
      source: `${k.sourceRef.kind}/${k.sourceRef.namespace}/${k.sourceRef.name}`,
      external: k.folder === undefined,
      ...(k.folder !== undefined ? { dir: join(model.dir, k.folder) } : {}),
      objects: k.folder !== undefined ? fluxApplyOrder(applied(model, k.folder)) : [],
      kustomization: k.document.object as KubeObject,
    };
  });
  return { dir: model.dir, fluxSystem, stages, all: model.documents as DistObject[] };
}

/**
 * The shared Kafka's namespace as a bare Namespace object. The Workspace RGD creates each workspace's KafkaUser
 * there, while the Kafka itself (core/shared-services) does not run in the suites, so their harnesses create only
 * the namespace.
 */
export function kafkaNamespace(dist: Dist): KubeObject {
  const name = dist.all.map((o) => o.object).find((o) => o.kind === 'Kafka')?.metadata.namespace;
  if (!name) throw new Error('dist/ has no Kafka');
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

/** `apiVersion` group (empty for the core group). */
export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
}
