/**
 * The `dist/flux-system` objects (GitRepositories and Kustomizations) as `cluster:up` applies them: the
 * platform's GitRepository re-pointed at the chosen repository URL and branch, everything else unchanged.
 *
 * When `dist/flux-system` is itself reconciled by a Kustomization (Flux managing its own sync objects), that
 * Kustomization would reset the GitRepository to the URL committed in `dist/` within one interval. So when
 * Flux is pointed elsewhere, the self-managing Kustomization is left out (and reported): Flux then follows
 * the chosen repository, and changes to `dist/flux-system` take effect on the next `cluster:up`.
 */
import { distFolderOf, FluxKustomization } from 'mini-atlas';
import { ClusterError } from './cluster-error';
import { readDistFolder } from './dist-manifests';
import { fluxKustomizations } from './flux-layers';
import { repoIdentity } from './git-source';
import { apiGroup, getString, KubeObject, objectRef } from './kube-object';

/** Folder of `dist/` with the Flux sync objects. */
export const FLUX_SYSTEM_FOLDER = 'flux-system';

/** The Flux sync objects of `dist/flux-system`. */
export interface FluxSync {
  readonly objects: readonly KubeObject[];
  readonly kustomizations: readonly FluxKustomization[];
  /** The GitRepository that serves `dist/` (the one `--repo`/`--branch` re-point). */
  readonly platformSource: KubeObject;
  /** The Kustomization that applies `dist/flux-system` itself, if any. */
  readonly selfManaging?: FluxKustomization;
}

/** What `cluster:up` applies and waits for. */
export interface SyncPlan {
  readonly objects: readonly KubeObject[];
  readonly kustomizations: readonly FluxKustomization[];
  /** The self-managing Kustomization, when it is left out because Flux is pointed away from dist/'s URL. */
  readonly leftOut?: FluxKustomization;
}

const FIX = 'check the flux-system chart and run `npm run synth`';

function isGitRepository(o: KubeObject): boolean {
  return o.kind === 'GitRepository' && apiGroup(o.apiVersion) === 'source.toolkit.fluxcd.io';
}

/** True for a Kustomization path inside `dist/` (`./dist/core/operators`, `dist/foundation`, …). */
export function isDistPath(path: string): boolean {
  return distFolderOf(path) !== undefined;
}

/** Splits the flux-system objects; finds the GitRepository behind the Kustomizations of `dist/` paths. */
export function fluxSyncOf(objects: readonly KubeObject[]): FluxSync {
  const kustomizations = fluxKustomizations(objects);
  if (kustomizations.length === 0) throw new ClusterError(`no Flux Kustomization in dist/${FLUX_SYSTEM_FOLDER}`, FIX);
  const sources = new Set(
    kustomizations
      .filter((k) => isDistPath(k.path) && k.sourceRef.kind === 'GitRepository')
      .map((k) => `${k.sourceRef.namespace}/${k.sourceRef.name}`),
  );
  if (sources.size !== 1) {
    throw new ClusterError(
      sources.size === 0
        ? `no Kustomization in dist/${FLUX_SYSTEM_FOLDER} reads a dist/ path from a GitRepository`
        : `the dist/ Kustomizations read from ${sources.size} GitRepositories (${[...sources].join(', ')}); expected one`,
      FIX,
    );
  }
  const [key] = [...sources];
  const platformSource = objects.find((o) => isGitRepository(o) && `${o.metadata.namespace ?? 'flux-system'}/${o.metadata.name}` === key);
  if (!platformSource) throw new ClusterError(`GitRepository ${key} is referenced but not in dist/${FLUX_SYSTEM_FOLDER}`, FIX);
  const selfManaging = kustomizations.find(
    (k) => distFolderOf(k.path) === FLUX_SYSTEM_FOLDER,
  );
  return { objects, kustomizations, platformSource, ...(selfManaging ? { selfManaging } : {}) };
}

/** URL and branch the platform GitRepository has in dist/. */
export function committedSource(sync: FluxSync): { url: string; branch: string | undefined } {
  return {
    url: getString(sync.platformSource.spec, ['url']) ?? '',
    branch: getString(sync.platformSource.spec, ['ref', 'branch']),
  };
}

/** The objects to apply for `url`/`branch`: retargeted, without the self-managing Kustomization if it would undo that. */
export function planSync(sync: FluxSync, url: string, branch: string): SyncPlan {
  const committed = committedSource(sync);
  const same = repoIdentity(committed.url) === repoIdentity(url) && committed.branch === branch;
  const leftOut = same ? undefined : sync.selfManaging;
  const objects = retargetedObjects(sync, url, branch).filter(
    (o) => !(leftOut && o.kind === 'Kustomization' && apiGroup(o.apiVersion) === 'kustomize.toolkit.fluxcd.io'
      && `${o.metadata.namespace ?? 'flux-system'}/${o.metadata.name}` === leftOut.key),
  );
  const kustomizations = leftOut ? sync.kustomizations.filter((k) => k !== leftOut) : sync.kustomizations;
  return { objects, kustomizations, ...(leftOut ? { leftOut } : {}) };
}

/** Reads `dist/flux-system`. */
export function readFluxSync(distDir: string): FluxSync {
  return fluxSyncOf(readDistFolder(distDir, FLUX_SYSTEM_FOLDER).map((d) => d.object));
}

/** True when the platform GitRepository carries credentials (`spec.secretRef`). */
export function hasSecretRef(sync: FluxSync): boolean {
  return typeof sync.platformSource.spec?.secretRef === 'object' && sync.platformSource.spec.secretRef !== null;
}

/** The sync objects with the platform GitRepository pointing at `url` and `branch`. */
export function retargetedObjects(sync: FluxSync, url: string, branch: string): KubeObject[] {
  return sync.objects.map((o) =>
    o === sync.platformSource ? { ...o, spec: { ...(o.spec ?? {}), url, ref: { branch } } } : o,
  );
}

/** `GitRepository/flux-system/mini-atlas`, for messages. */
export function platformSourceRef(sync: FluxSync): string {
  return objectRef(sync.platformSource);
}
