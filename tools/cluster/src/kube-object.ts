/** The minimal shape of a Kubernetes object as read from `dist/` or from `kubectl get -o json`. */

/** Object metadata (only the fields the cluster scripts read). */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly generation?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A status condition (`metav1.Condition`). */
export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown' | string;
  readonly reason?: string;
  readonly message?: string;
  readonly observedGeneration?: number;
  readonly lastTransitionTime?: string;
}

/** A Kubernetes object. `spec` and `status` are left open; readers narrow what they use. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly spec?: Readonly<Record<string, unknown>>;
  readonly status?: Readonly<Record<string, unknown>> & {
    readonly conditions?: readonly Condition[];
    readonly observedGeneration?: number;
  };
}

/** A `kubectl get … -o json` list. */
export interface KubeList {
  readonly items: readonly KubeObject[];
}

/** True when `x` looks like a Kubernetes object (apiVersion, kind and metadata.name are strings). */
export function isKubeObject(x: unknown): x is KubeObject {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
  return typeof o.apiVersion === 'string' && typeof o.kind === 'string' && typeof o.metadata?.name === 'string';
}

/** The API group of an apiVersion (`''` for the core group). */
export function apiGroup(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** `Kind/namespace/name` or `Kind/name`, for messages. */
export function objectRef(o: KubeObject): string {
  return o.metadata.namespace ? `${o.kind}/${o.metadata.namespace}/${o.metadata.name}` : `${o.kind}/${o.metadata.name}`;
}

/** Reads a nested value by path, or undefined when any step is missing or not an object. */
export function getPath(root: unknown, path: readonly string[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** A string at `path`, or undefined. */
export function getString(root: unknown, path: readonly string[]): string | undefined {
  const v = getPath(root, path);
  return typeof v === 'string' ? v : undefined;
}
