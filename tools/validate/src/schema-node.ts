/**
 * Compiles OpenAPI schemas (the Kubernetes `_definitions.json` with `$ref`s, and CRD `openAPIV3Schema`s)
 * into {@link SchemaNode} trees that the structural validator walks. Compiling resolves references once,
 * pre-compiles patterns (RE2, as the API server uses Go's regexp) and records the Kubernetes extensions.
 */
import { RE2JS } from '@bufbuild/re2';
import { JsonValue } from 'mini-atlas';

/** JSON types a schema may name. */
export type SchemaType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';

/** One `x-kubernetes-validations` entry. */
export interface ValidationRuleSpec {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly fieldPath?: string;
  readonly reason?: string;
  /** The rule reads `oldSelf`: it applies on update only. */
  readonly transition: boolean;
}

/** A pattern, compiled (as RE2, like the API server's Go regexp) on first use and shared by source. */
export class CompiledPattern {
  private compiled?: RE2JS;
  private failure?: string;

  constructor(readonly source: string) {}

  /** The compiled expression, or undefined when the pattern is not valid RE2 (see {@link error}). */
  get re(): RE2JS | undefined {
    if (!this.compiled && this.failure === undefined) {
      try {
        this.compiled = RE2JS.compile(this.source);
      } catch (e) {
        this.failure = (e as Error).message;
      }
    }
    return this.compiled;
  }

  /** Why the pattern does not compile, if it does not. */
  get error(): string | undefined {
    void this.re;
    return this.failure;
  }
}

/** How unknown object fields are treated. */
export type UnknownFields = 'reject' | 'allow';

/** A compiled schema node. Nodes are shared (a `$ref` compiles once) and may be cyclic. */
export interface SchemaNode {
  /** Where the node came from, e.g. `io.k8s.api.core.v1.Container` or `#/properties/spec`. */
  origin: string;
  /** Allowed JSON types; undefined means any type. */
  types?: ReadonlySet<SchemaType>;
  intOrString: boolean;
  /** A `resource.Quantity` (string in quantity syntax, or a number). */
  quantity: boolean;
  nullable: boolean;
  format?: string;
  enum?: readonly JsonValue[];
  pattern?: CompiledPattern;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum: boolean;
  exclusiveMaximum: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems: boolean;
  minProperties?: number;
  maxProperties?: number;
  properties?: Map<string, SchemaNode>;
  required: readonly string[];
  /** Schema of keys not in `properties` (a map), when given. */
  additionalProperties?: SchemaNode;
  /** What happens to keys that are neither in `properties` nor covered by `additionalProperties`. */
  unknownFields: UnknownFields;
  preserveUnknownFields: boolean;
  embeddedResource: boolean;
  items?: SchemaNode;
  allOf: readonly SchemaNode[];
  anyOf: readonly SchemaNode[];
  oneOf: readonly SchemaNode[];
  not?: SchemaNode;
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys: readonly string[];
  default?: JsonValue;
  rules: readonly ValidationRuleSpec[];
}

/** A raw OpenAPI schema object. */
export type RawSchema = { readonly [key: string]: unknown };

/**
 * - `crd`: a structural CRD schema; objects prune (reject) every field they do not declare unless
 *   `x-kubernetes-preserve-unknown-fields` or `additionalProperties` says otherwise.
 * - `definitions`: the built-in API; objects that declare `properties` reject other fields (strict field
 *   validation), objects without `properties` or `additionalProperties` are free-form (e.g. RawExtension).
 * - `branch`: inside `allOf`/`anyOf`/`oneOf`/`not`, which only validate values and never prune.
 */
export type CompileMode = 'crd' | 'definitions' | 'branch';

/** Compiled patterns by source, shared by every compiler of the process. */
const PATTERNS = new Map<string, CompiledPattern>();

/** Compiles schemas of one source; holds the `$ref` cache. */
export class SchemaCompiler {
  private readonly refCache = new Map<string, SchemaNode>();
  /** @param definitions the `definitions` map that `#/definitions/…` references resolve against */
  constructor(private readonly definitions: { readonly [name: string]: RawSchema } = {}) {}

  /** Compiles the definition `name` (cached). */
  definition(name: string): SchemaNode {
    const cached = this.refCache.get(name);
    if (cached) return cached;
    const raw = this.definitions[name];
    if (!raw) throw new Error(`schema reference to unknown definition ${name}`);
    const node = emptyNode(name);
    this.refCache.set(name, node);
    this.fill(node, raw, 'definitions', name);
    if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity') {
      node.quantity = true;
      node.types = new Set<SchemaType>(['string', 'number']);
      node.oneOf = [];
    }
    return node;
  }

  /** Compiles a raw schema. */
  compile(raw: RawSchema, mode: CompileMode, origin: string): SchemaNode {
    const ref = raw.$ref;
    if (typeof ref === 'string') {
      const m = /^#\/definitions\/(.+)$/.exec(ref);
      if (!m) throw new Error(`unsupported $ref ${ref} at ${origin}`);
      return this.definition(m[1]);
    }
    const node = emptyNode(origin);
    this.fill(node, raw, mode, origin);
    return node;
  }

  private fill(node: SchemaNode, raw: RawSchema, mode: CompileMode, origin: string): void {
    const branchMode: CompileMode = 'branch';
    const type = raw.type;
    if (typeof type === 'string' && type !== '') node.types = new Set([type as SchemaType]);
    if (raw['x-kubernetes-int-or-string'] === true || raw.format === 'int-or-string') {
      node.intOrString = true;
      node.types = new Set<SchemaType>(['integer', 'string']);
    }
    node.nullable = raw.nullable === true;
    if (typeof raw.format === 'string' && raw.format !== 'int-or-string') node.format = raw.format;
    if (Array.isArray(raw.enum)) node.enum = raw.enum as JsonValue[];
    if (typeof raw.pattern === 'string') node.pattern = this.compilePattern(raw.pattern);
    const num = (k: string): number | undefined => (typeof raw[k] === 'number' ? (raw[k] as number) : undefined);
    node.minimum = num('minimum');
    node.maximum = num('maximum');
    node.exclusiveMinimum = raw.exclusiveMinimum === true;
    node.exclusiveMaximum = raw.exclusiveMaximum === true;
    node.multipleOf = num('multipleOf');
    node.minLength = num('minLength');
    node.maxLength = num('maxLength');
    node.minItems = num('minItems');
    node.maxItems = num('maxItems');
    node.minProperties = num('minProperties');
    node.maxProperties = num('maxProperties');
    node.uniqueItems = raw.uniqueItems === true;
    if (Array.isArray(raw.required)) node.required = raw.required.filter((r): r is string => typeof r === 'string');
    node.preserveUnknownFields = raw['x-kubernetes-preserve-unknown-fields'] === true;
    node.embeddedResource = raw['x-kubernetes-embedded-resource'] === true;
    const listType = raw['x-kubernetes-list-type'];
    if (listType === 'atomic' || listType === 'set' || listType === 'map') node.listType = listType;
    if (Array.isArray(raw['x-kubernetes-list-map-keys'])) {
      node.listMapKeys = (raw['x-kubernetes-list-map-keys'] as unknown[]).filter((k): k is string => typeof k === 'string');
    }
    if ('default' in raw) node.default = raw.default as JsonValue;

    const childMode: CompileMode = mode === 'branch' ? 'branch' : mode;
    const props = raw.properties;
    if (props && typeof props === 'object') {
      node.properties = new Map();
      for (const [key, child] of Object.entries(props as Record<string, RawSchema>)) {
        node.properties.set(key, this.compile(child, childMode, `${origin}.${key}`));
      }
    }
    const additional = raw.additionalProperties;
    if (additional && typeof additional === 'object') {
      node.additionalProperties = this.compile(additional as RawSchema, childMode, `${origin}[*]`);
      node.unknownFields = 'allow';
    } else if (additional === true) {
      node.unknownFields = 'allow';
    } else if (additional === false) {
      node.unknownFields = 'reject';
    } else if (node.preserveUnknownFields || mode === 'branch') {
      node.unknownFields = 'allow';
    } else if (mode === 'crd') {
      node.unknownFields = 'reject';
    } else {
      node.unknownFields = node.properties ? 'reject' : 'allow';
    }
    const items = raw.items;
    if (items && typeof items === 'object' && !Array.isArray(items)) {
      node.items = this.compile(items as RawSchema, childMode, `${origin}[]`);
    }
    const list = (k: string): SchemaNode[] =>
      Array.isArray(raw[k]) ? (raw[k] as RawSchema[]).map((b, i) => this.compile(b, branchMode, `${origin}/${k}[${i}]`)) : [];
    node.allOf = list('allOf');
    node.anyOf = list('anyOf');
    const oneOf = Array.isArray(raw.oneOf) ? (raw.oneOf as RawSchema[]) : [];
    // The built-in definitions spell type unions as `oneOf: [{type: string}, {type: integer}]`.
    if (oneOf.length > 0 && !node.types && oneOf.every((b) => typeof b.type === 'string' && Object.keys(b).length === 1)) {
      node.types = new Set(oneOf.map((b) => b.type as SchemaType));
      if (node.types.has('string') && node.types.has('integer') && node.types.size === 2) node.intOrString = true;
    } else {
      node.oneOf = oneOf.map((b, i) => this.compile(b, branchMode, `${origin}/oneOf[${i}]`));
    }
    if (raw.not && typeof raw.not === 'object') node.not = this.compile(raw.not as RawSchema, branchMode, `${origin}/not`);
    const rules = raw['x-kubernetes-validations'];
    if (Array.isArray(rules)) {
      node.rules = (rules as RawSchema[])
        .filter((r) => typeof r.rule === 'string')
        .map((r) => ({
          rule: r.rule as string,
          message: typeof r.message === 'string' ? r.message : undefined,
          messageExpression: typeof r.messageExpression === 'string' ? r.messageExpression : undefined,
          fieldPath: typeof r.fieldPath === 'string' ? r.fieldPath : undefined,
          reason: typeof r.reason === 'string' ? r.reason : undefined,
          transition: /\boldSelf\b/.test(r.rule as string),
        }));
    }
  }

  private compilePattern(source: string): CompiledPattern {
    let compiled = PATTERNS.get(source);
    if (!compiled) PATTERNS.set(source, (compiled = new CompiledPattern(source)));
    return compiled;
  }
}

/** A node that accepts nothing in particular; filled by the compiler. */
export function emptyNode(origin: string): SchemaNode {
  return {
    origin,
    intOrString: false,
    quantity: false,
    nullable: false,
    exclusiveMinimum: false,
    exclusiveMaximum: false,
    uniqueItems: false,
    required: [],
    unknownFields: 'allow',
    preserveUnknownFields: false,
    embeddedResource: false,
    allOf: [],
    anyOf: [],
    oneOf: [],
    listMapKeys: [],
    rules: [],
  };
}

/** Whether the node accepts values of this JSON type. */
export function acceptsType(node: SchemaNode, t: SchemaType): boolean {
  if (!node.types) return true;
  if (node.types.has(t)) return true;
  return t === 'integer' && node.types.has('number');
}
