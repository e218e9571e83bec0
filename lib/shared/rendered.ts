/** The rendered objects of an app, and their identity in `dist/`. */

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

/** `Kind/namespace/name`, the identity used by the change guard and `allowRemoval`. */
export function objectKey(o: RenderedObject): string {
  return [o.kind, o.metadata.namespace, o.metadata.name].filter(Boolean).join('/');
}


/**
 * The file an object is written to inside its stage's folder: `<kind>-<namespace>-<name>.yaml` (no namespace
 * segment for a cluster-scoped object), lowercase, every character outside `[a-z0-9.-]` replaced by `-`.
 */
export function objectFileName(o: RenderedObject): string {
  return `${[o.kind, o.metadata.namespace, o.metadata.name].filter(Boolean).join('-').toLowerCase().replace(/[^a-z0-9.-]/g, '-')}.yaml`;
}
