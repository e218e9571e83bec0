/**
 * A small schema language for the platform's abstractions: each abstraction's fields are declared once,
 * and from that one declaration come
 *  - the KRO SimpleSchema of its ResourceGraphDefinition (`toSimpleSchema`),
 *  - the synth-time checks of the library constructs (`checkFields`),
 *  - the TypeScript type of the instance spec (`SpecOf`), which the props interfaces are proven against.
 */

interface FieldBase {
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

/** Any field. */
export type Field = StringField | IntegerField | BooleanField | ObjectField;
/** A set of named fields. */
export type Fields = { readonly [name: string]: Field };

/** The TypeScript value type of one field. */
export type ValueOf<F extends Field> = F extends StringField
  ? F extends { readonly enum: readonly (infer E extends string)[] } ? E : string
  : F extends IntegerField
    ? number
    : F extends BooleanField
      ? boolean
      : F extends ObjectField
        ? SpecOf<F['fields']>
        : never;

type RequiredKeys<T extends Fields> = { [K in keyof T]: T[K] extends { required: true } ? K : never }[keyof T];
type OptionalKeys<T extends Fields> = Exclude<keyof T, RequiredKeys<T>>;

/** The TypeScript type of an instance spec with these fields (fields with defaults are optional). */
export type SpecOf<T extends Fields> = { -readonly [K in RequiredKeys<T>]: ValueOf<T[K]> } & {
  -readonly [K in OptionalKeys<T>]?: ValueOf<T[K]>;
};

/** The spec with every default applied, in nested objects too (what KRO sees after the API server defaulted it). */
export type ResolvedSpecOf<T extends Fields> = { -readonly [K in keyof T]-?: ResolvedValueOf<T[K]> };
/** The value type of one field once defaults are applied (nested objects resolved too). */
export type ResolvedValueOf<F extends Field> = F extends ObjectField ? ResolvedSpecOf<F['fields']> : ValueOf<F>;

/** Declares fields; the identity function, typed so that literal types (e.g. `required: true`) survive. */
export function fields<const T extends Fields>(f: T): T {
  return f;
}

const quote = (s: string): string => {
  if (s.includes('"')) throw new Error(`SimpleSchema marker values cannot contain '"': ${s}`);
  return `"${s}"`;
};

/** The SimpleSchema string of one scalar field, e.g. `integer | default=1 minimum=1 maximum=10 description="…"`. */
export function simpleSchemaMarker(field: Exclude<Field, ObjectField>): string {
  const m: string[] = [];
  if (field.required) m.push('required=true');
  if (field.default !== undefined) {
    m.push(`default=${field.type === 'string' ? quote(field.default as string) : String(field.default)}`);
  }
  if (field.type === 'string') {
    if (field.enum) m.push(`enum=${quote(field.enum.join(','))}`);
    if (field.pattern) m.push(`pattern=${quote(field.pattern)}`);
    if (field.minLength !== undefined) m.push(`minLength=${field.minLength}`);
    if (field.maxLength !== undefined) m.push(`maxLength=${field.maxLength}`);
  }
  if (field.type === 'integer') {
    if (field.minimum !== undefined) m.push(`minimum=${field.minimum}`);
    if (field.maximum !== undefined) m.push(`maximum=${field.maximum}`);
  }
  if (field.immutable) m.push('immutable=true');
  m.push(`description=${quote(field.description)}`);
  return `${field.type} | ${m.join(' ')}`;
}

/**
 * The default a SimpleSchema marker declares (the inverse of {@link simpleSchemaMarker} for `default=`), e.g.
 * `3` for `integer | default=3 …` and `"app"` for `string | default="app" …`; undefined when it has none.
 */
export function markerDefault(marker: string): string | number | boolean | undefined {
  // simpleSchemaMarker writes `default=` first, after `required=true` at most: never read one in a description.
  const m = /^(\w+) \| (?:required=true )?default=("[^"]*"|\S+)/.exec(marker);
  if (!m) return undefined;
  const [, type, raw] = m;
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

/** Applies defaults (recursively; objects are always materialised, as the API server does for KRO). */
export function applyDefaults<T extends Fields>(f: T, value: SpecOf<T> | undefined): ResolvedSpecOf<T> {
  const input = (value ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(f)) {
    const v = input[name];
    if (field.type === 'object') out[name] = applyDefaults(field.fields, v as SpecOf<Fields> | undefined);
    else out[name] = v !== undefined ? v : field.default;
  }
  return out as ResolvedSpecOf<T>;
}

/**
 * The declared defaults that break their own field's constraints (bounds, enum, pattern, lengths), e.g.
 * `default=5` with `maximum=3`. The API server refuses such a CRD (a default must validate against its own
 * schema: Kubernetes "Defaulting" in the CRD documentation, apiextensions' structural-schema validation), so
 * a profile-dependent default that breaks it must fail at synth. Problems carry the field's dotted path.
 */
export function defaultProblems(f: Fields): FieldProblem[] {
  return checkFields(f, applyDefaults(f, undefined) as Record<string, unknown>).filter((p) => p.value !== undefined);
}

/** One problem found by {@link checkFields}. */
export interface FieldProblem {
  /** Dotted path of the field, e.g. `postgres.instances`. */
  readonly field: string;
  readonly value: unknown;
  /** The rule, in words. */
  readonly rule: string;
}

/** Checks a value against the declared fields: types, required, enum, pattern, lengths and bounds. */
export function checkFields(f: Fields, value: Record<string, unknown> | undefined, prefix = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const input = value ?? {};
  for (const name of Object.keys(input)) {
    if (!(name in f)) problems.push({ field: prefix + name, value: input[name], rule: `is not a known field (known: ${Object.keys(f).join(', ')})` });
  }
  for (const [name, field] of Object.entries(f)) {
    const path = prefix + name;
    const v = input[name];
    if (v === undefined) {
      if (field.required) problems.push({ field: path, value: v, rule: 'is required' });
      continue;
    }
    switch (field.type) {
      case 'object':
        if (typeof v !== 'object' || v === null || Array.isArray(v)) problems.push({ field: path, value: v, rule: 'must be an object' });
        else problems.push(...checkFields(field.fields, v as Record<string, unknown>, `${path}.`));
        break;
      case 'boolean':
        if (typeof v !== 'boolean') problems.push({ field: path, value: v, rule: 'must be true or false' });
        break;
      case 'integer':
        if (typeof v !== 'number' || !Number.isInteger(v)) problems.push({ field: path, value: v, rule: 'must be a whole number' });
        else if ((field.minimum !== undefined && v < field.minimum) || (field.maximum !== undefined && v > field.maximum)) {
          problems.push({ field: path, value: v, rule: `must be between ${field.minimum ?? '-∞'} and ${field.maximum ?? '∞'}` });
        }
        break;
      case 'string':
        if (typeof v !== 'string') problems.push({ field: path, value: v, rule: 'must be a string' });
        else if (field.enum && !field.enum.includes(v)) problems.push({ field: path, value: v, rule: `must be one of ${field.enum.join(', ')}` });
        else if (field.minLength !== undefined && v.length < field.minLength) problems.push({ field: path, value: v, rule: `must be at least ${field.minLength} characters long` });
        else if (field.maxLength !== undefined && v.length > field.maxLength) problems.push({ field: path, value: v, rule: `must be at most ${field.maxLength} characters long` });
        else if (field.pattern && !new RegExp(field.pattern).test(v)) problems.push({ field: path, value: v, rule: `must match ${field.patternHint ?? field.pattern}` });
        break;
    }
  }
  return problems;
}
