/**
 * KRO v0.9 SimpleSchema → OpenAPI v3 (the schema of the CRD that KRO generates for an RGD), with every
 * syntax error reported at its JSON path instead of thrown.
 *
 * Grammar: a field is either a nested map (a structure) or a string `TYPE [| MARKERS]` where TYPE is
 * `string`, `integer`, `boolean`, `float`, `object` (unstructured), `[]TYPE`, `map[string]TYPE` or the name
 * of a custom type from `spec.schema.types`; MARKERS are whitespace-separated `key=value` pairs, values
 * optionally double-quoted with backslash escapes.
 */
import { RE2JS } from '@bufbuild/re2';
import { JsonObject, JsonValue } from 'mini-atlas';
import { parseCel } from './cel-ast';
import { childPath } from './json-path';
import { RawSchema } from './schema-node';
import type { Violation } from './model';

/** The markers KRO v0.9 understands. */
export const SIMPLE_SCHEMA_MARKERS: ReadonlySet<string> = new Set([
  'required', 'default', 'description', 'minimum', 'maximum', 'validation', 'enum', 'immutable', 'pattern',
  'uniqueItems', 'minLength', 'maxLength', 'minItems', 'maxItems', 'listType', 'listMapKey',
]);

const MAX_TYPE_DEPTH = 16;

/** One parsed marker. */
export interface Marker {
  readonly key: string;
  readonly value: string;
}

/** Parses the marker part of a field string (after the first `|`). Throws with a message on bad syntax. */
export function parseMarkers(text: string): Marker[] {
  const out: Marker[] = [];
  let key: string | undefined;
  let buffer = '';
  let inQuotes = false;
  let escaped = false;
  let brackets = 0;
  const finish = (): void => {
    out.push({ key: key!, value: processValue(buffer) });
    key = undefined;
    buffer = '';
  };
  for (const ch of text) {
    if (ch === '=' && key === undefined && !inQuotes && brackets === 0) {
      const k = buffer.trim();
      if (k === '') throw new Error('empty marker key');
      if (!SIMPLE_SCHEMA_MARKERS.has(k)) throw new Error(`unknown marker ${JSON.stringify(k)} (known: ${[...SIMPLE_SCHEMA_MARKERS].join(', ')})`);
      key = k;
      buffer = '';
    } else if (ch === '"' && !escaped) {
      inQuotes = !inQuotes;
      buffer += ch;
    } else if (ch === '\\' && inQuotes && !escaped) {
      escaped = true;
      buffer += ch;
    } else if ((ch === '{' || ch === '[') && !inQuotes) {
      brackets++;
      buffer += ch;
    } else if ((ch === '}' || ch === ']') && !inQuotes) {
      brackets--;
      buffer += ch;
      if (brackets < 0) throw new Error('unmatched closing bracket/brace');
    } else if (/\s/.test(ch) && !inQuotes && brackets === 0) {
      if (key !== undefined) finish();
    } else {
      if (escaped && inQuotes) escaped = false;
      buffer += ch;
    }
  }
  if (key !== undefined) finish();
  else throw new Error(`marker ${JSON.stringify(buffer.trim())} has no value (expected key=value)`);
  if (inQuotes) throw new Error('unclosed quote');
  if (brackets > 0) throw new Error('unclosed bracket/brace');
  return out;
}

function processValue(v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    let out = '';
    let escaped = false;
    for (const ch of v.slice(1, -1)) {
      if (escaped) {
        if (ch !== '"' && ch !== '\\') out += '\\';
        out += ch;
        escaped = false;
      } else if (ch === '\\') escaped = true;
      else out += ch;
    }
    return out;
  }
  return v.trim();
}

function parseBool(v: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw new Error(`${JSON.stringify(v)} is not a boolean`);
}

function parseInteger(v: string, what: string): number {
  if (!/^[+-]?\d+$/.test(v)) throw new Error(`${what} ${JSON.stringify(v)} is not an integer`);
  return Number(v);
}

function parseFloatStrict(v: string, what: string): number {
  const n = Number(v);
  if (v.trim() === '' || Number.isNaN(n)) throw new Error(`${what} ${JSON.stringify(v)} is not a number`);
  return n;
}

type Mutable = { [key: string]: unknown };

/** The result of converting a SimpleSchema. */
export interface SimpleSchemaResult {
  /** OpenAPI v3 schema of the structure. */
  readonly schema: RawSchema;
  readonly issues: readonly Pick<Violation, 'path' | 'message'>[];
}

/** Converts SimpleSchema structures, resolving custom types; collects issues instead of throwing. */
export class SimpleSchemaConverter {
  private readonly issues: Pick<Violation, 'path' | 'message'>[] = [];
  private readonly resolved = new Map<string, RawSchema>();
  private readonly resolving = new Set<string>();

  /**
   * @param types the `spec.schema.types` map
   * @param typesPath JSON path of that map (for messages)
   */
  constructor(private readonly types: JsonObject = {}, private readonly typesPath = '$.spec.schema.types') {}

  /** Converts a structure (a map of field name → field) at `path`. */
  convert(structure: JsonValue | undefined, path: string): SimpleSchemaResult {
    const schema = structure === undefined ? { type: 'object' } : this.struct(structure, path);
    for (const name of Object.keys(this.types)) this.resolveCustom(name, childPath(this.typesPath, name)); // report unused broken types too
    return { schema, issues: this.issues };
  }

  private struct(value: JsonValue, path: string): RawSchema {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      this.issues.push({ path, message: `a SimpleSchema structure must be a map of fields, got ${Array.isArray(value) ? 'list' : typeof value}` });
      return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    }
    const schema: Mutable = { type: 'object', properties: {} as Mutable };
    const required: string[] = [];
    let childDefault = false;
    for (const [name, field] of Object.entries(value)) {
      const p = childPath(path, name);
      let child: RawSchema;
      if (typeof field === 'string') {
        const r = this.field(field, p);
        child = r.schema;
        if (r.required) required.push(name);
      } else if (field && typeof field === 'object' && !Array.isArray(field)) {
        child = this.struct(field, p);
      } else {
        this.issues.push({ path: p, message: `a SimpleSchema field must be a type string or a nested map, got ${JSON.stringify(field)}` });
        continue;
      }
      if (child.default !== undefined) childDefault = true;
      (schema.properties as Mutable)[name] = child;
    }
    if (required.length > 0) schema.required = required;
    // KRO defaults a structure to {} when a child has a default and none is required, so nested defaults apply.
    if (childDefault && required.length === 0) schema.default = {};
    return schema;
  }

  /** Parses a `TYPE | markers` field string. */
  private field(text: string, path: string): { schema: RawSchema; required: boolean } {
    const bar = text.indexOf('|');
    const typeText = (bar < 0 ? text : text.slice(0, bar)).trim();
    if (typeText === '') {
      this.issues.push({ path, message: `field ${JSON.stringify(text)} has an empty type` });
      return { schema: {}, required: false };
    }
    let schema: Mutable;
    try {
      schema = { ...this.type(typeText, 0, path) };
    } catch (e) {
      this.issues.push({ path, message: `type ${JSON.stringify(typeText)}: ${(e as Error).message}` });
      return { schema: {}, required: false };
    }
    let required = false;
    if (bar >= 0) {
      let markers: Marker[];
      try {
        markers = parseMarkers(text.slice(bar + 1));
      } catch (e) {
        this.issues.push({ path, message: `markers of ${JSON.stringify(text)}: ${(e as Error).message}` });
        return { schema, required };
      }
      for (const m of markers) {
        try {
          if (m.key === 'required') required = parseBool(m.value);
          else this.applyMarker(schema, m);
        } catch (e) {
          this.issues.push({ path, message: `marker ${m.key}=${JSON.stringify(m.value)}: ${(e as Error).message}` });
        }
      }
      if (schema.listMapKey !== undefined) {
        const keys = schema.listMapKey as string[];
        delete schema.listMapKey;
        if (schema['x-kubernetes-list-type'] !== 'map') this.issues.push({ path, message: 'marker listMapKey needs listType=map' });
        else schema['x-kubernetes-list-map-keys'] = keys;
      }
    }
    return { schema, required };
  }

  private type(t: string, depth: number, path: string): RawSchema {
    if (depth > MAX_TYPE_DEPTH) throw new Error(`nesting deeper than ${MAX_TYPE_DEPTH}`);
    const s = t.trim();
    switch (s) {
      case 'string':
      case 'integer':
      case 'boolean':
        return { type: s };
      case 'float':
        return { type: 'number' };
      case 'object':
        return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    }
    if (s.startsWith('[]')) {
      if (s.length === 2) throw new Error('empty slice element type');
      return { type: 'array', items: this.type(s.slice(2), depth + 1, path) };
    }
    if (s.startsWith('map[')) {
      if (!s.startsWith('map[string]')) throw new Error('map key must be string');
      const rest = s.slice('map[string]'.length).trim();
      if (rest === '') throw new Error('map value type is required');
      return { type: 'object', additionalProperties: this.type(rest, depth + 1, path) };
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) throw new Error(`${JSON.stringify(s)} is not a type name`);
    if (!(s in this.types)) throw new Error(`unknown type ${JSON.stringify(s)} (not a built-in type and not in spec.schema.types)`);
    const resolved = this.resolveCustom(s, childPath(this.typesPath, s));
    if (!resolved) throw new Error(`custom type ${JSON.stringify(s)} is invalid or cyclic`);
    return resolved;
  }

  private resolveCustom(name: string, path: string): RawSchema | undefined {
    const hit = this.resolved.get(name);
    if (hit) return hit;
    if (this.resolving.has(name)) {
      this.issues.push({ path, message: `custom type ${JSON.stringify(name)} refers to itself` });
      return undefined;
    }
    this.resolving.add(name);
    const def = this.types[name];
    let schema: RawSchema | undefined;
    if (typeof def === 'string') {
      const r = this.field(def, path);
      schema = r.schema;
    } else {
      schema = this.struct(def, path);
    }
    this.resolving.delete(name);
    this.resolved.set(name, schema);
    return schema;
  }

  private applyMarker(schema: Mutable, m: Marker): void {
    const type = schema.type as string | undefined;
    const needs = (t: string): void => {
      if (type !== t) throw new Error(`only valid for ${t} fields, this field is ${type ?? 'untyped'}`);
    };
    switch (m.key) {
      case 'default': {
        if (type === 'string') schema.default = m.value;
        else {
          let v: unknown;
          try {
            v = JSON.parse(m.value);
          } catch {
            throw new Error(`not a valid ${type ?? 'JSON'} default`);
          }
          const ok = type === 'integer' ? Number.isInteger(v) : type === 'number' ? typeof v === 'number'
            : type === 'boolean' ? typeof v === 'boolean' : type === 'array' ? Array.isArray(v)
              : type === 'object' ? v !== null && typeof v === 'object' && !Array.isArray(v) : true;
          if (!ok) throw new Error(`default does not have the field's type ${type}`);
          schema.default = v;
        }
        return;
      }
      case 'description':
        schema.description = m.value;
        return;
      case 'minimum':
        schema.minimum = parseFloatStrict(m.value, 'minimum');
        return;
      case 'maximum':
        schema.maximum = parseFloatStrict(m.value, 'maximum');
        return;
      case 'validation': {
        if (m.value.trim() === '') throw new Error('empty validation rule');
        const parsed = parseCel(m.value);
        if (!parsed.ok) throw new Error(`CEL does not parse: ${parsed.error}`);
        schema['x-kubernetes-validations'] = [...((schema['x-kubernetes-validations'] as unknown[]) ?? []), { rule: m.value, message: 'validation failed' }];
        return;
      }
      case 'immutable':
        if (parseBool(m.value)) {
          schema['x-kubernetes-validations'] = [...((schema['x-kubernetes-validations'] as unknown[]) ?? []), { rule: 'self == oldSelf', message: 'field is immutable' }];
        }
        return;
      case 'enum': {
        const values = m.value.split(',').map((v) => v.trim());
        if (values.some((v) => v === '')) throw new Error('empty enum values are not allowed');
        if (type === 'string') schema.enum = values;
        else if (type === 'integer') schema.enum = values.map((v) => parseInteger(v, 'enum value'));
        else throw new Error(`enum is only supported for string and integer fields, this field is ${type ?? 'untyped'}`);
        return;
      }
      case 'minLength':
      case 'maxLength':
        needs('string');
        schema[m.key] = parseInteger(m.value, m.key);
        return;
      case 'pattern':
        if (m.value === '') throw new Error('pattern cannot be empty');
        needs('string');
        try {
          RE2JS.compile(m.value);
        } catch (e) {
          throw new Error(`invalid RE2 pattern: ${(e as Error).message}`);
        }
        schema.pattern = m.value;
        return;
      case 'uniqueItems':
        needs('array');
        if (parseBool(m.value)) schema['x-kubernetes-list-type'] = 'set';
        return;
      case 'minItems':
      case 'maxItems':
        needs('array');
        schema[m.key] = parseInteger(m.value, m.key);
        return;
      case 'listType':
        needs('array');
        if (!['atomic', 'set', 'map'].includes(m.value)) throw new Error('listType must be atomic, set or map');
        schema['x-kubernetes-list-type'] = m.value;
        return;
      case 'listMapKey':
        needs('array');
        schema.listMapKey = [...((schema.listMapKey as string[]) ?? []), m.value];
        return;
      default:
        throw new Error('unknown marker');
    }
  }
}
