/**
 * Small accessors for Kubernetes objects as parsed JSON, and the constructor of violations.
 */
import { JsonObject, JsonValue, DistDocument } from 'mini-atlas';
import { CheckName, Violation } from './model';

/** The value as an object, or undefined. */
export function asObject(v: JsonValue | undefined): JsonObject | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

/** The value as a list, or an empty list. */
export function asList(v: JsonValue | undefined): JsonValue[] {
  return Array.isArray(v) ? v : [];
}

/** The value as a string, or undefined. */
export function asString(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `metadata.name` and `metadata.namespace` of an object. */
export function metaOf(o: JsonObject): { name: string; namespace?: string } {
  const m = asObject(o.metadata);
  return { name: asString(m?.name) ?? '', namespace: asString(m?.namespace) };
}

/** `namespace/name`, or `name`. */
export function displayName(o: JsonObject): string {
  const { name, namespace } = metaOf(o);
  return namespace ? `${namespace}/${name}` : name;
}

/** A violation about a document. */
export function violation(doc: DistDocument, check: CheckName, path: string, message: string): Violation {
  return {
    check, file: doc.file, index: doc.index,
    apiVersion: asString(doc.object.apiVersion) ?? '', kind: asString(doc.object.kind) ?? '',
    name: displayName(doc.object), path, message,
  };
}
