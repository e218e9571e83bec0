/** JSON values, as YAML 1.2 and `JSON.parse` read them: the shape of every object in `dist/`. */

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** True for a JSON object (not null, not a list). */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * JSON with every object's keys sorted: two values have the same canonical JSON exactly when they are equal as
 * the API server compares them (CEL `==` on maps ignores key order; lists keep their order).
 */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isJsonObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** The value at `path` (field names) inside `root`, or undefined when a step is missing or not an object. */
export function jsonAt(root: unknown, path: readonly string[]): JsonValue | undefined {
  let v: unknown = root;
  for (const key of path) {
    if (!isJsonObject(v)) return undefined;
    v = v[key];
  }
  return v as JsonValue | undefined;
}
