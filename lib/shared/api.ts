/** The Mini-Atlas platform API: group, version, kinds and the labels every layer agrees on. */

/** API group of the five abstractions (the CRDs KRO generates from the RGDs). */
export const PLATFORM_GROUP = 'platform.mini-atlas.io';
/** API version of the five abstractions. */
export const PLATFORM_VERSION = 'v1alpha1';
/** `apiVersion` of every instance. */
export const PLATFORM_API_VERSION = `${PLATFORM_GROUP}/${PLATFORM_VERSION}`;

/** Labels and annotations set by the platform. */
export const LABELS = {
  /** On a workspace namespace (value: workspace name) and on every workload in it. */
  workspace: `${PLATFORM_GROUP}/workspace`,
  /** The owning team (value: team name). */
  team: `${PLATFORM_GROUP}/team`,
  /** Marks the platform's own components. */
  managedBy: 'app.kubernetes.io/managed-by',
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
} as const;

/** Annotations the platform reads or writes. */
export const ANNOTATIONS = {
  /** Flux: never prune this object when it disappears from Git (stateful data). */
  fluxPrune: 'kustomize.toolkit.fluxcd.io/prune',
  /** Set to "true" on a stateful instance to allow deleting it (checked by a Kyverno policy). */
  allowDelete: `${PLATFORM_GROUP}/allow-delete`,
  /**
   * On a chart source (HelmRepository/OCIRepository) that serves a mirror: the pinned upstream repository it
   * mirrors. The offline validator accepts the mirror's URL only with it (the chart version stays checked).
   */
  mirrorOf: `${PLATFORM_GROUP}/mirror-of`,
  /** On a cache Service: the Secret that Kyverno generates with a random password. */
  generatePassword: `${PLATFORM_GROUP}/generate-password-secret`,
} as const;

/**
 * Namespaces a workspace may not take: Kubernetes' own, Flux's, and every platform component's.
 * A test checks that every non-workspace namespace in `dist/` is listed here.
 */
export const RESERVED_NAMESPACES: readonly string[] = [
  'default', 'kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage',
  'flux-system', 'kyverno', 'kro-system', 'cnpg-system', 'strimzi-system', 'kafka', 'gateway-system',
];

/** Prefixes no workspace name may start with (Kubernetes reserves `kube-` for its own namespaces). */
export const RESERVED_NAMESPACE_PREFIXES: readonly string[] = ['kube-'];

/**
 * Whether a workspace may not take this name: one of {@link RESERVED_NAMESPACES} or starting with one of
 * {@link RESERVED_NAMESPACE_PREFIXES}. The TypeScript check and the `reserved-workspaces` admission policy
 * both read these two lists.
 */
export function isReservedNamespace(name: string): boolean {
  return RESERVED_NAMESPACES.includes(name) || RESERVED_NAMESPACE_PREFIXES.some((p) => name.startsWith(p));
}

/** The API group of an `apiVersion` (`''` for the core group's `v1`). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
