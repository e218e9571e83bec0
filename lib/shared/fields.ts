/**
 * A small schema language for the platform's abstractions: each abstraction's fields are declared once,
 * and from that one declaration come
 *  - the KRO SimpleSchema of its ResourceGraphDefinition (`toSimpleSchema`, and `simpleSchemaTypes` for the
 *    named item types of list and map fields),
 *  - the defaults the API server applies (`applyDefaults`, `ResolvedSpecOf`),
 *  - the synth-time checks of the library constructs (`checkFields`),
 *  - the TypeScript type of the instance spec (`SpecOf`), which the props interfaces are proven against,
 *  - the README tables (lib/shared/schema-docs.ts) and the change guard's field rules (lib/synth/change-guard.ts).
 *
 * The SimpleSchema syntax is KRO v0.9.3's (kubernetes-sigs/kro pkg/simpleschema: parse.go for types, markers.go
 * for markers, transform.go for `spec.schema.types`; kro.run/docs "Simple Schema").
 */
import { JsonValue } from './json';
import { show, ValidationIssue } from './validation-error';

/** What every field declares. */
export interface FieldBase {
  /** Human-readable description; becomes the CRD field description. */
  readonly description: string;
  /** The instance must set it (no default). */
  readonly required?: boolean;
  /**
   * Cannot change after creation: the RGD marks it `immutable=true` (KRO turns that into a CRD
   * `self == oldSelf` rule, so the API server refuses a change), and the change guard of `writeDist` refuses
   * a `dist/` that would change it — also through a changed default. @default false
   */
  readonly immutable?: boolean;
}

/** A string field. (`BYTES_PATTERN`: lib/shared/patterns.ts.) */
export interface StringField extends FieldBase {
  readonly type: 'string';
  readonly default?: string;
  /** RE2/ECMA pattern without backslashes (usable inside a SimpleSchema marker). */
  readonly pattern?: string;
  /** Human wording of the pattern, for error messages. */
  readonly patternHint?: string;
  readonly enum?: readonly string[];
  readonly minLength?: number;
  readonly maxLength?: number;
  /**
   * A quantity of {@link BYTES_PATTERN} that may grow but never shrink (e.g. a volume size): the change guard
   * of `writeDist` refuses a `dist/` that would lower it. @default false
   */
  readonly growOnly?: boolean;
}

/** An integer field. */
export interface IntegerField extends FieldBase {
  readonly type: 'integer';
  readonly default?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  /**
   * May grow but never shrink (e.g. Kafka partitions): the change guard of `writeDist` refuses a `dist/`
   * that would lower it. @default false
   */
  readonly growOnly?: boolean;
}

/** A boolean field. */
export interface BooleanField extends FieldBase {
  readonly type: 'boolean';
  readonly default?: boolean;
}

/** A nested object with its own fields. */
export interface ObjectField extends FieldBase {
  readonly type: 'object';
  readonly fields: Fields;
}

/**
 * The declaration of one item of a {@link ListField} or one value of a {@link MapField}: a scalar, or an object
 * with its own fields. KRO v0.9.3's SimpleSchema puts markers of `[]T`/`map[string]T` on the collection, never on
 * its items (kubernetes-sigs/kro pkg/simpleschema/parse.go `parseTypeWithDepth`, types/collection.go), so an item
 * with rules of its own (an object, or a scalar with a pattern, enum, bounds) is a named custom type in the RGD's
 * `spec.schema.types` (`typeName`), referenced as `[]<typeName>` or `map[string]<typeName>`
 * (pkg/simpleschema/transform.go `loadCustomTypes`; kro.run/docs "Simple Schema", "Custom Types").
 */
export type ElementField = ScalarElement | ObjectElement;

/** A scalar item: a string, integer or boolean with the same rules as the field of that type (no default). */
export type ScalarElement =
  | (Omit<StringField, keyof FieldBase | 'default' | 'growOnly'> & ElementName)
  | (Omit<IntegerField, keyof FieldBase | 'default' | 'growOnly'> & ElementName)
  | (Omit<BooleanField, keyof FieldBase | 'default'> & ElementName);

/** The named type of a list item or map value with rules of its own. */
export interface ElementName {
  /**
   * Name of the custom type in `spec.schema.types` (a Go-style identifier, e.g. `EnvName`). Required when the
   * item has a rule (pattern, enum, lengths, bounds), since SimpleSchema has no inline item markers.
   * @default none: the item is the plain `string`, `integer` or `boolean`
   */
  readonly typeName?: string;
}

/** An object item: a named custom type with its own fields (e.g. `EnvVar` with `name` and `value`). */
export interface ObjectElement {
  readonly type: 'object';
  /** Name of the custom type in `spec.schema.types`, e.g. `EnvVar`; one name, one declaration per RGD. */
  readonly typeName: string;
  /** Description of the type (documentation only: SimpleSchema types carry none). */
  readonly description: string;
  readonly fields: Fields;
}

/**
 * A list of items (`[]T` in SimpleSchema): e.g. command arguments (`[]string`) or environment variables
 * (`[]EnvVar`). Bounds become `minItems`/`maxItems` (OpenAPI `minItems`/`maxItems`, enforced by the API server).
 */
export interface ListField extends FieldBase {
  readonly type: 'list';
  readonly items: ElementField;
  /** Fewest items. @default none */
  readonly minItems?: number;
  /** Most items. @default none */
  readonly maxItems?: number;
  /** The list when the instance sets none (`default=[...]`, JSON). @default none: the field stays absent */
  readonly default?: readonly (string | number | boolean)[];
}

/**
 * A map from string keys to values (`map[string]T` in SimpleSchema): e.g. environment variables by name.
 * SimpleSchema of KRO v0.9.3 has no marker for the keys or the number of entries (pkg/simpleschema/markers.go
 * lists every marker; no `propertyNames`/`maxProperties`), and a CEL rule over every key of an unbounded map
 * exceeds the API server's cost budget: `keyPattern` is therefore checked at synth (and by nothing in the
 * cluster).
 */
export interface MapField extends FieldBase {
  readonly type: 'map';
  readonly values: ElementField;
  /** RE2/ECMA pattern every key must match. @default none: any key */
  readonly keyPattern?: string;
  /** Human wording of the key pattern, for error messages and the README. @default the pattern */
  readonly keyPatternHint?: string;
  /** The map when the instance sets none (`default={...}`, JSON). @default none: the field stays absent */
  readonly default?: Readonly<Record<string, string | number | boolean>>;
}

/** Any field. */
export type Field = StringField | IntegerField | BooleanField | ObjectField | ListField | MapField;
/** A field with a single SimpleSchema marker string (not a nested structure). */
export type MarkerField = Exclude<Field, ObjectField>;
/** A set of named fields. */
export type Fields = { readonly [name: string]: Field };

/** The TypeScript value type of one item of a list or value of a map. */
export type ElementValueOf<E extends ElementField> = E extends ObjectElement
  ? SpecOf<E['fields']>
  : E extends { readonly type: 'string' }
    ? E extends { readonly enum: readonly (infer V extends string)[] } ? V : string
    : E extends { readonly type: 'integer' }
      ? number
      : E extends { readonly type: 'boolean' } ? boolean : never;

/** The TypeScript value type of one field. */
export type ValueOf<F extends Field> = F extends StringField
  ? F extends { readonly enum: readonly (infer E extends string)[] } ? E : string
  : F extends IntegerField
    ? number
    : F extends BooleanField
      ? boolean
      : F extends ObjectField
        ? SpecOf<F['fields']>
        : F extends ListField
          ? ElementValueOf<F['items']>[]
          : F extends MapField
            ? Record<string, ElementValueOf<F['values']>>
            : never;

/** The keys of `T` whose field is `required: true`. */
export type RequiredKeys<T extends Fields> = { [K in keyof T]: T[K] extends { required: true } ? K : never }[keyof T];
/** The keys of `T` whose field is optional. */
export type OptionalKeys<T extends Fields> = Exclude<keyof T, RequiredKeys<T>>;

/** The TypeScript type of an instance spec with these fields (fields with defaults are optional). */
export type SpecOf<T extends Fields> = { -readonly [K in RequiredKeys<T>]: ValueOf<T[K]> } & {
  -readonly [K in OptionalKeys<T>]?: ValueOf<T[K]>;
};

/** The spec with every default applied, in nested objects too (what KRO sees after the API server defaulted it). */
export type ResolvedSpecOf<T extends Fields> = { -readonly [K in keyof T]-?: ResolvedValueOf<T[K]> };
/**
 * The value type of one field once defaults are applied (nested objects resolved too). A list or map without a
 * default stays absent when the instance does not set it (the API server adds nothing), hence `| undefined`.
 */
export type ResolvedValueOf<F extends Field> = F extends ObjectField
  ? ResolvedSpecOf<F['fields']>
  : F extends ListField | MapField
    ? F extends { readonly default: object } ? ValueOf<F> : ValueOf<F> | undefined
    : ValueOf<F>;

/** Declares fields; the identity function, typed so that literal types (e.g. `required: true`) survive. */
export function fields<const T extends Fields>(f: T): T {
  return f;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const quote = (s: string): string => {
  if (s.includes('"')) throw new Error(`SimpleSchema marker values cannot contain '"': ${s}`);
  return `"${s}"`;
};

/** SimpleSchema's built-in type names, which a custom type cannot take (pkg/simpleschema/types/atomic.go). */
const BUILT_IN_TYPES: ReadonlySet<string> = new Set(['string', 'integer', 'boolean', 'float', 'object']);
const TYPE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The rule-bearing properties of a scalar item (what only a named custom type can hold). */
const ITEM_RULES = ['enum', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum'] as const;

/** True when a scalar item carries a rule of its own. */
const elementHasRules = (e: ScalarElement): boolean => ITEM_RULES.some((k) => (e as unknown as Record<string, unknown>)[k] !== undefined);

/**
 * The SimpleSchema type of an item or map value: `string`, `integer`, `boolean`, or the name of its custom type.
 * Throws for a declaration KRO could not express (an item with rules but no `typeName`, a bad type name).
 */
export function elementType(e: ElementField): string {
  if (e.typeName !== undefined) {
    if (!TYPE_NAME.test(e.typeName) || BUILT_IN_TYPES.has(e.typeName)) {
      throw new Error(`SimpleSchema type name ${JSON.stringify(e.typeName)} must be an identifier other than ${[...BUILT_IN_TYPES].join(', ')}`);
    }
    return e.typeName;
  }
  if (e.type === 'object' || elementHasRules(e)) {
    throw new Error(`a ${e.type} item with rules needs a typeName: SimpleSchema puts markers on the list or map, not on its items`);
  }
  return e.type;
}

/** The SimpleSchema type string of a field, e.g. `integer`, `[]string`, `map[string]EnvVar`. */
function typeString(field: MarkerField): string {
  if (field.type === 'list') return `[]${elementType(field.items)}`;
  if (field.type === 'map') return `map[string]${elementType(field.values)}`;
  return field.type;
}

/** The markers of a scalar's own rules (no `description`), e.g. `pattern="^a$" maxLength=63`. */
function ruleMarkers(field: Omit<StringField, keyof FieldBase> | Omit<IntegerField, keyof FieldBase> | { readonly type: string }): string[] {
  const m: string[] = [];
  if (field.type === 'string') {
    const f = field as StringField;
    if (f.enum) m.push(`enum=${quote(f.enum.join(','))}`);
    if (f.pattern) m.push(`pattern=${quote(f.pattern)}`);
    if (f.minLength !== undefined) m.push(`minLength=${f.minLength}`);
    if (f.maxLength !== undefined) m.push(`maxLength=${f.maxLength}`);
  }
  if (field.type === 'integer') {
    const f = field as IntegerField;
    if (f.minimum !== undefined) m.push(`minimum=${f.minimum}`);
    if (f.maximum !== undefined) m.push(`maximum=${f.maximum}`);
  }
  return m;
}

/**
 * The SimpleSchema string of one field that is not a nested structure, e.g.
 * `integer | default=1 minimum=1 maximum=10 description="…"` or `[]string | default=[] maxItems=8 description="…"`.
 * A list's or map's default is written as JSON (`default=["a"]`, `default={"A":"1"}`): KRO copies a default of a
 * non-scalar type verbatim into the CRD (pkg/simpleschema/markers.go `applyDefaultMarker`), and its marker
 * parser keeps brackets and quotes together (`ParseMarkers`).
 */
export function simpleSchemaMarker(field: MarkerField): string {
  const m: string[] = [];
  if (field.required) m.push('required=true');
  if (field.default !== undefined) {
    m.push(`default=${field.type === 'string' ? quote(field.default) : field.type === 'list' || field.type === 'map' ? JSON.stringify(field.default) : String(field.default)}`);
  }
  if (field.type === 'list') {
    if (field.minItems !== undefined) m.push(`minItems=${field.minItems}`);
    if (field.maxItems !== undefined) m.push(`maxItems=${field.maxItems}`);
  } else if (field.type !== 'map') m.push(...ruleMarkers(field));
  if (field.immutable) m.push('immutable=true');
  m.push(`description=${quote(field.description)}`);
  return `${typeString(field)} | ${m.join(' ')}`;
}

/** The end (exclusive) of the JSON value that starts at `start` (a `[` or `{`), by bracket count outside strings. */
function jsonEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') depth++;
    else if ((ch === ']' || ch === '}') && --depth === 0) return i + 1;
  }
  return text.length;
}

/**
 * The default a SimpleSchema marker declares (the inverse of {@link simpleSchemaMarker} for `default=`), e.g.
 * `3` for `integer | default=3 …`, `"app"` for `string | default="app" …` and `["a"]` for
 * `[]string | default=["a"] …`; undefined when it has none.
 */
export function markerDefault(marker: string): JsonValue | undefined {
  // simpleSchemaMarker writes `default=` first, after `required=true` at most: never read one in a description.
  const m = /^(\S+) \| (?:required=true )?default=/.exec(marker);
  if (!m) return undefined;
  const type = m[1];
  const rest = marker.slice(m[0].length);
  if (rest.startsWith('[') || rest.startsWith('{')) return JSON.parse(rest.slice(0, jsonEnd(rest, 0))) as JsonValue;
  const raw = /^("[^"]*"|\S+)/.exec(rest)![1];
  if (type === 'string') return raw.slice(1, -1);
  if (type === 'boolean') return raw === 'true';
  return Number(raw);
}

/** A KRO SimpleSchema value: a marker string, or a nested map of them. */
export type SimpleSchema = { [name: string]: string | SimpleSchema };

/** The SimpleSchema (`spec.schema.spec` of an RGD) for these fields. */
export function toSimpleSchema(f: Fields): SimpleSchema {
  const out: SimpleSchema = {};
  for (const [name, field] of Object.entries(f)) {
    out[name] = field.type === 'object' ? toSimpleSchema(field.fields) : simpleSchemaMarker(field);
  }
  return out;
}

/**
 * The custom types (`spec.schema.types` of an RGD) the lists and maps of these fields refer to, by name: an
 * object item as a structure of its fields, a scalar item with rules as a marker string (`string | pattern=…`).
 * Empty when no list or map needs one. Throws when two declarations give one name different definitions.
 */
export function simpleSchemaTypes(f: Fields): SimpleSchema {
  const out: SimpleSchema = {};
  const collect = (fs: Fields): void => {
    for (const field of Object.values(fs)) {
      if (field.type === 'object') collect(field.fields);
      const e = field.type === 'list' ? field.items : field.type === 'map' ? field.values : undefined;
      if (e?.typeName === undefined) continue;
      const name = elementType(e);
      const definition = e.type === 'object' ? toSimpleSchema(e.fields) : [e.type, ...ruleMarkers(e)].join(' ').replace(' ', ' | ');
      if (name in out && JSON.stringify(out[name]) !== JSON.stringify(definition)) {
        throw new Error(`SimpleSchema type ${JSON.stringify(name)} is declared twice with different definitions`);
      }
      out[name] = definition;
      if (e.type === 'object') collect(e.fields);
    }
  };
  collect(f);
  return out;
}

/** Applies defaults (recursively; objects are always materialised, as the API server does for KRO). */
export function applyDefaults<T extends Fields>(f: T, value: SpecOf<T> | undefined): ResolvedSpecOf<T> {
  const input = (value ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(f)) {
    const v = input[name];
    if (field.type === 'object') out[name] = applyDefaults(field.fields, v as SpecOf<Fields> | undefined);
    else if (field.type === 'list' || field.type === 'map') out[name] = defaultItems(field, v ?? field.default);
    else out[name] = v !== undefined ? v : field.default;
  }
  return out as ResolvedSpecOf<T>;
}

/** A list's or map's value with the defaults of its object items applied (the API server defaults inside items too). */
function defaultItems(field: ListField | MapField, value: unknown): unknown {
  const e = field.type === 'list' ? field.items : field.values;
  if (e.type !== 'object') return value;
  const apply = (item: unknown): unknown => (isPlainObject(item) ? applyDefaults(e.fields, item as SpecOf<Fields>) : item);
  if (Array.isArray(value)) return value.map(apply);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, apply(v)]));
  return value;
}

/**
 * The declared defaults that break their own field's constraints (bounds, enum, pattern, lengths), e.g.
 * `default=5` with `maximum=3`. The API server refuses such a CRD (a default must validate against its own
 * schema: Kubernetes "Defaulting" in the CRD documentation, apiextensions' structural-schema validation), so
 * a profile-dependent default that breaks it must fail at synth. Problems carry the field's dotted path.
 */
export function defaultProblems(f: Fields): Omit<ValidationIssue, 'path'>[] {
  return checkFields(f, applyDefaults(f, undefined) as Record<string, unknown>).filter((p) => p.value !== show(undefined));
}

/**
 * Checks a value against the declared fields: types, required, enum, pattern, lengths, bounds, list items and
 * map keys. Each problem is a {@link ValidationIssue} without its path (the construct adds it): `field` is the
 * field's dotted path below `prefix` (e.g. `postgres.instances`, `hosts[1]`), `value` the bad value as JSON.
 */
export function checkFields(f: Fields, value: Record<string, unknown> | undefined, prefix = ''): Omit<ValidationIssue, 'path'>[] {
  const problems: Omit<ValidationIssue, 'path'>[] = [];
  const input = value ?? {};
  for (const name of Object.keys(input)) {
    if (!(name in f)) problems.push({ field: prefix + name, value: show(input[name]), rule: `is not a known field (known: ${Object.keys(f).join(', ')})` });
  }
  for (const [name, field] of Object.entries(f)) {
    const path = prefix + name;
    const v = input[name];
    if (v === undefined) {
      if (field.required) problems.push({ field: path, value: show(v), rule: 'is required' });
      continue;
    }
    problems.push(...checkValue(field, v, path));
  }
  return problems;
}

/** Checks one value (of a field, a list item or a map value) against its declaration. */
function checkValue(field: Field | ElementField, v: unknown, path: string): Omit<ValidationIssue, 'path'>[] {
  const problem = (rule: string): Omit<ValidationIssue, 'path'>[] => [{ field: path, value: show(v), rule }];
  switch (field.type) {
    case 'object':
      return isPlainObject(v) ? checkFields(field.fields, v, `${path}.`) : problem('must be an object');
    case 'list': {
      if (!Array.isArray(v)) return problem('must be a list');
      if (field.minItems !== undefined && v.length < field.minItems) return problem(`must have at least ${field.minItems} items, has ${v.length}`);
      if (field.maxItems !== undefined && v.length > field.maxItems) return problem(`must have at most ${field.maxItems} items, has ${v.length}`);
      return v.flatMap((item, i) => checkValue(field.items, item, `${path}[${i}]`));
    }
    case 'map': {
      if (!isPlainObject(v)) return problem('must be a map of keys to values');
      const keyRule = field.keyPattern === undefined ? undefined : new RegExp(field.keyPattern);
      return Object.entries(v).flatMap(([key, item]) => {
        const at = `${path}[${JSON.stringify(key)}]`;
        if (keyRule && !keyRule.test(key)) return [{ field: at, value: show(key), rule: `is not an allowed key: must match ${field.keyPatternHint ?? field.keyPattern}` }];
        return checkValue(field.values, item, at);
      });
    }
    case 'boolean':
      return typeof v === 'boolean' ? [] : problem('must be true or false');
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) return problem('must be a whole number');
      if ((field.minimum !== undefined && v < field.minimum) || (field.maximum !== undefined && v > field.maximum)) {
        return problem(`must be between ${field.minimum ?? '-∞'} and ${field.maximum ?? '∞'}`);
      }
      return [];
    case 'string':
      if (typeof v !== 'string') return problem('must be a string');
      if (field.enum && !field.enum.includes(v)) return problem(`must be one of ${field.enum.join(', ')}`);
      if (field.minLength !== undefined && v.length < field.minLength) return problem(`must be at least ${field.minLength} characters long`);
      if (field.maxLength !== undefined && v.length > field.maxLength) return problem(`must be at most ${field.maxLength} characters long`);
      if (field.pattern && !new RegExp(field.pattern).test(v)) return problem(`must match ${field.patternHint ?? field.pattern}`);
      return [];
  }
}
