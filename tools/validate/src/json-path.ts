/**
 * JSON paths as printed in violations: `$.spec.containers[0].image`, `$.metadata.labels['app.kubernetes.io/name']`.
 */

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Appends an object key to a path. */
export function childPath(path: string, key: string): string {
  return PLAIN_KEY.test(key) ? `${path}.${key}` : `${path}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

/** Appends an array index to a path. */
export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** Builds a path from segments (strings are keys, numbers indexes). */
export function pathOf(segments: readonly (string | number)[], root = '$'): string {
  return segments.reduce<string>((p, s) => (typeof s === 'number' ? indexPath(p, s) : childPath(p, s)), root);
}
