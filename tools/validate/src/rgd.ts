/**
 * KRO ResourceGraphDefinitions: the kinds they generate (schema from their SimpleSchema), and their static
 * checks: SimpleSchema well-formed and defaults valid, every `${…}` parses and reads only `schema.spec`,
 * `schema.metadata`, existing resource ids (or forEach iterators), along fields that exist; no dependency
 * cycles; each template, with expressions replaced by typed placeholders, valid against its kind's schema.
 */
import {
  readinessOf, NOT_AWAITED_ANNOTATION, notAwaitedProblem, findCycles, JsonObject, JsonValue, DistDocument,
} from 'mini-atlas';
import { CelExpr, CelReference, parseCel, referencesOf } from './cel-ast';
import { CelRuleEvaluator } from './cel-rules';
import { childPath, indexPath } from './json-path';
import { findExpressions, LocatedExpression, withPlaceholders } from './kro-expressions';
import { CelStatistics, Violation } from './model';
import { gvkId, KindResolver, KindSchema, SchemaRegistry } from './schema-registry';
import { RawSchema, SchemaNode } from './schema-node';
import { SimpleSchemaConverter } from './simple-schema';
import { validateValue } from './structural-validator';
import { asList } from './objects';

/** The API of RGDs. */
export const RGD_API_VERSION = 'kro.run/v1alpha1';
/** The kind of RGDs. */
export const RGD_KIND = 'ResourceGraphDefinition';
/** The group of generated kinds when `spec.schema.group` is not set. */
export const KRO_DEFAULT_GROUP = 'kro.run';

/** Words KRO v0.9 refuses as resource ids and iterator names (its own reserved words and CEL's). */
export const KRO_RESERVED_WORDS: ReadonlySet<string> = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let',
  'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
  'apiVersion', 'context', 'dependency', 'dependencies', 'each', 'externalRef', 'externalReference', 'externalRefs',
  'externalReferences', 'graph', 'graphengine', 'instance', 'item', 'items', 'kind', 'kro', 'metadata', 'object',
  'resource', 'resourcegraphdefinition', 'resourceGraphDefinition', 'resources', 'root', 'runtime', 'schema', 'self',
  'serviceAccountName', 'spec', 'status', 'this', 'variables', 'vars', 'version',
]);

/** Label and annotation prefixes KRO owns; templates must not set them. */
const KRO_OWNED_PREFIXES = ['kro.run/', 'internal.kro.run/'];

/** One entry of `spec.resources`. */
export interface RgdResource {
  readonly id: string;
  readonly index: number;
  /** JSON path of the entry. */
  readonly path: string;
  readonly template?: JsonObject;
  readonly externalRef?: JsonObject;
  /** `apiVersion`/`kind` of the template or external reference, when literal. */
  readonly apiVersion?: string;
  readonly kind?: string;
  /** forEach iterator names. */
  readonly iterators: readonly string[];
  readonly raw: JsonObject;
}

/** An RGD and the kind it generates. */
export interface RgdModel {
  readonly doc: DistDocument;
  readonly name: string;
  readonly generated: KindSchema;
  /** Compiled schema of the instance `spec`. */
  readonly specNode: SchemaNode | undefined;
  readonly resources: readonly RgdResource[];
  /** SimpleSchema problems found while generating the schema. */
  readonly schemaIssues: readonly Pick<Violation, 'path' | 'message'>[];
}

function obj(v: JsonValue | undefined): JsonObject | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

/** Whether a document is an RGD. */
export function isRgd(doc: DistDocument): boolean {
  return doc.object.apiVersion === RGD_API_VERSION && doc.object.kind === RGD_KIND;
}

/** Reads an RGD: generates its kind's schema (compiled with the registry's CRD compiler). */
export function readRgd(doc: DistDocument, registry: SchemaRegistry): RgdModel | undefined {
  const spec = obj(doc.object.spec);
  const schema = obj(spec?.schema);
  if (!spec || !schema || typeof schema.kind !== 'string' || typeof schema.apiVersion !== 'string') return undefined;
  const group = typeof schema.group === 'string' && schema.group !== '' ? schema.group : KRO_DEFAULT_GROUP;
  const converter = new SimpleSchemaConverter(obj(schema.types) ?? {}, '$.spec.schema.types');
  const { schema: specSchema, issues } = converter.convert(schema.spec, '$.spec.schema.spec');
  const raw: RawSchema = {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: specSchema,
      status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  };
  const id = gvkId(group, schema.apiVersion, schema.kind);
  const root = registry.compileCrdSchema(raw, id);
  const generated: KindSchema = {
    id, group, version: schema.apiVersion, kind: schema.kind, namespaced: schema.scope !== 'Cluster', origin: 'rgd', root,
  };
  const resources: RgdResource[] = [];
  const list = Array.isArray(spec.resources) ? spec.resources : [];
  list.forEach((r, index) => {
    const entry = obj(r);
    if (!entry || typeof entry.id !== 'string') return;
    const template = obj(entry.template);
    const externalRef = obj(entry.externalRef);
    const target = template ?? externalRef;
    const iterators = (Array.isArray(entry.forEach) ? entry.forEach : []).flatMap((it) => Object.keys(obj(it) ?? {}));
    resources.push({
      id: entry.id, index, path: indexPath('$.spec.resources', index), template, externalRef, iterators, raw: entry,
      apiVersion: typeof target?.apiVersion === 'string' && !target.apiVersion.includes('${') ? target.apiVersion : undefined,
      kind: typeof target?.kind === 'string' && !target.kind.includes('${') ? target.kind : undefined,
    });
  });
  const name = typeof obj(doc.object.metadata)?.name === 'string' ? (obj(doc.object.metadata)!.name as string) : '';
  return { doc, name, generated, specNode: root.properties?.get('spec'), resources, schemaIssues: issues };
}

/** Outcome of walking a field path into a schema. */
type PathLookup = { readonly node?: SchemaNode; readonly open?: boolean; readonly missing?: string };

/** Follows a reference path (`[]` for an index) into a schema. */
export function nodeAtPath(start: SchemaNode | undefined, steps: readonly string[], objectMeta?: SchemaNode): PathLookup {
  let node = start;
  for (const step of steps) {
    if (!node) return { open: true };
    if (step === '[]') {
      if (node.items) node = node.items;
      else if (node.additionalProperties) node = node.additionalProperties;
      else if (node.preserveUnknownFields || !node.types) return { open: true };
      else return { missing: step };
      continue;
    }
    const p = node.properties?.get(step);
    if (p) node = p;
    else if (node.additionalProperties) node = node.additionalProperties;
    else if (node.embeddedResource && step === 'metadata' && objectMeta) node = objectMeta;
    else if (node.embeddedResource && (step === 'apiVersion' || step === 'kind')) return { open: true };
    else if (node.unknownFields === 'allow' && (node.preserveUnknownFields || !node.properties)) return { open: true };
    else if (node.items && /^\d+$/.test(step)) node = node.items;
    else return { missing: step };
  }
  return { node };
}

function describePath(root: string, steps: readonly string[]): string {
  return steps.reduce((p, s) => (s === '[]' ? `${p}[…]` : `${p}.${s}`), root);
}

/** Where an expression sits, which decides the identifiers it may read. */
type Place = 'template' | 'includeWhen' | 'readyWhen' | 'forEach' | 'externalRef' | 'status';

/** Context for RGD checks. */
export interface RgdCheckContext {
  readonly kinds: KindResolver;
  readonly cel: CelStatistics;
  readonly celSeen: Set<string>;
}

/** Runs the static checks of one RGD; returns issues at JSON paths of the RGD document. */
export function checkRgd(model: RgdModel, ctx: RgdCheckContext): Pick<Violation, 'path' | 'message'>[] {
  const issues: Pick<Violation, 'path' | 'message'>[] = [...model.schemaIssues];
  const registry = ctx.kinds.registry;
  if (!/^[A-Z][a-zA-Z0-9]*$/.test(model.generated.kind)) {
    issues.push({ path: '$.spec.schema.kind', message: `kind ${JSON.stringify(model.generated.kind)} is not UpperCamelCase` });
  }
  checkDefaults(model.specNode, '$.spec.schema.spec', issues, registry);

  const ids = new Map<string, RgdResource>();
  for (const r of model.resources) {
    if (ids.has(r.id)) issues.push({ path: childPath(r.path, 'id'), message: `duplicate resource id ${JSON.stringify(r.id)}` });
    else ids.set(r.id, r);
    if (KRO_RESERVED_WORDS.has(r.id)) {
      issues.push({ path: childPath(r.path, 'id'), message: `resource id ${JSON.stringify(r.id)} is a reserved word in KRO/CEL; KRO rejects the RGD` });
    } else if (!/^[a-z][a-zA-Z0-9]*$/.test(r.id)) {
      issues.push({ path: childPath(r.path, 'id'), message: `resource id ${JSON.stringify(r.id)} is not lowerCamelCase` });
    }
    r.iterators.forEach((it) => {
      if (KRO_RESERVED_WORDS.has(it) || !/^[a-z][a-zA-Z0-9]*$/.test(it) || model.resources.some((o) => o.id === it)) {
        issues.push({ path: childPath(r.path, 'forEach'), message: `forEach iterator ${JSON.stringify(it)} must be lowerCamelCase, not reserved and not a resource id` });
      }
    });
    if (r.template) checkTemplateConstraints(r, model, ctx.kinds, issues);
    if (!r.template === !r.externalRef) issues.push({ path: r.path, message: 'exactly one of template or externalRef must be set' });
    if (r.template) checkChildReadiness(r, issues);
  }
  const kindRoot = (r: RgdResource): SchemaNode | undefined => {
    if (!r.apiVersion || !r.kind) return undefined;
    const k = ctx.kinds.lookup(r.apiVersion, r.kind);
    return 'error' in k ? undefined : k.root;
  };

  const deps = new Map<string, Set<string>>(model.resources.map((r) => [r.id, new Set<string>()]));
  const typeOfRef = (ref: CelReference): string | undefined => {
    let target: PathLookup | undefined;
    if (ref.root === 'schema') target = nodeAtPath(model.generated.root, ref.path, registry.objectMeta);
    else if (ids.has(ref.root)) target = nodeAtPath(kindRoot(ids.get(ref.root)!), ref.path, registry.objectMeta);
    const types = target?.node?.types;
    return types && types.size === 1 ? [...types][0] : undefined;
  };

  const checkExpression = (e: LocatedExpression, place: Place, owner: RgdResource | undefined): CelExpr | undefined => {
    const parsed = parseCel(e.source);
    if (!parsed.ok) {
      issues.push({ path: e.path, message: `expression \${${e.source}} does not parse: ${parsed.error}` });
      return undefined;
    }
    for (const ref of referencesOf(parsed.expr)) checkReference(ref, e, place, owner);
    return parsed.expr;
  };

  const checkReference = (ref: CelReference, e: LocatedExpression, place: Place, owner: RgdResource | undefined): void => {
    const where = `\${${e.source}}`;
    if (ref.root === 'schema') {
      if (place === 'readyWhen') {
        issues.push({ path: e.path, message: `readyWhen ${where} reads schema; readyWhen may only read the resource itself` });
        return;
      }
      const top = ref.path[0];
      if (top !== 'spec' && top !== 'metadata') {
        issues.push({ path: e.path, message: `${where} reads schema.${top ?? ''}; only schema.spec.* and schema.metadata.* are allowed` });
        return;
      }
      const found = nodeAtPath(model.generated.root, ref.path, registry.objectMeta);
      if (found.missing !== undefined) {
        issues.push({ path: e.path, message: `${where} reads ${describePath('schema', ref.path)}, but ${JSON.stringify(found.missing)} is not a field of the ${model.generated.kind} schema` });
      }
      return;
    }
    if (owner && (owner.iterators.includes(ref.root) || (place === 'readyWhen' && ref.root === 'each' && owner.iterators.length > 0))) return;
    const target = ids.get(ref.root);
    if (!target) {
      issues.push({ path: e.path, message: `${where} reads ${JSON.stringify(ref.root)}, which is not schema, a resource id or a forEach iterator of this resource` });
      return;
    }
    if (place === 'readyWhen') {
      if (owner && target.id !== owner.id) issues.push({ path: e.path, message: `readyWhen ${where} reads resource ${JSON.stringify(target.id)}; readyWhen may only read the resource itself` });
    } else if (owner && target.id === owner.id) {
      issues.push({ path: e.path, message: `${where} makes resource ${JSON.stringify(owner.id)} depend on itself` });
    } else if (owner) {
      deps.get(owner.id)!.add(target.id);
    }
    const root = kindRoot(target);
    if (root) {
      const found = nodeAtPath(root, ref.path, registry.objectMeta);
      if (found.missing !== undefined) {
        issues.push({ path: e.path, message: `${where} reads ${describePath(ref.root, ref.path)}, but ${JSON.stringify(found.missing)} is not a field of ${target.kind}` });
      }
    }
  };

  const spec = obj(model.doc.object.spec)!;
  const exprErrors: { path: string; message: string }[] = [];
  for (const r of model.resources) {
    const raw = r.raw;
    for (const e of findExpressions(r.template, childPath(r.path, 'template'), exprErrors)) checkExpression(e, 'template', r);
    for (const e of findExpressions(r.externalRef, childPath(r.path, 'externalRef'), exprErrors)) checkExpression(e, 'externalRef', r);
    for (const field of ['includeWhen', 'readyWhen'] as const) {
      const list = Array.isArray(raw[field]) ? (raw[field] as JsonValue[]) : [];
      list.forEach((cond, i) => {
        const p = indexPath(childPath(r.path, field), i);
        const found = findExpressions(cond, p, exprErrors);
        if (typeof cond !== 'string' || found.length !== 1 || !found[0].whole) {
          issues.push({ path: p, message: `${field} entries must each be one standalone \${…} expression` });
        }
        found.forEach((e) => {
          const expr = checkExpression(e, field, r);
          const type = expr ? resultTypeOf(expr, typeOfRef) : undefined;
          if (type !== undefined && type !== 'boolean') {
            issues.push({ path: e.path, message: `${field} \${${e.source}} returns ${type}; KRO requires a bool (or optional bool) condition` });
          }
        });
      });
    }
    for (const e of findExpressions(raw.forEach, childPath(r.path, 'forEach'), exprErrors)) checkExpression(e, 'forEach', r);
    if (r.template) checkTemplate(r, ctx, issues, typeOfRef);
  }
  const schema = obj(spec.schema);
  const statusExprs = findExpressions(schema?.status, '$.spec.schema.status', exprErrors);
  for (const e of statusExprs) checkExpression(e, 'status', undefined);
  checkStatusLeaves(schema?.status, '$.spec.schema.status', issues);
  issues.push(...exprErrors);

  for (const cycle of findCycles(deps)) {
    issues.push({ path: '$.spec.resources', message: `dependency cycle between resources: ${cycle.join(' → ')}` });
  }
  return issues;
}

/** Calls whose result is a bool whatever their operands (comparisons, logic, string and list tests). */
const BOOL_CALLS = new Set(['_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '_&&_', '_||_', '!_', '@in', 'startsWith', 'endsWith', 'contains', 'matches']);
/** Arithmetic: the result has the type of the first operand. */
const ARITHMETIC = new Set(['_+_', '_-_', '_*_', '_/_', '_%_', '-_']);
const CONSTANT_TYPES: Record<string, string> = {
  boolValue: 'boolean', int64Value: 'integer', uint64Value: 'integer', doubleValue: 'number', stringValue: 'string', bytesValue: 'bytes', nullValue: 'null',
};

/**
 * The type a condition expression yields, in schema terms (`boolean`, `integer`, `string`…), when it can be
 * told without a full CEL type checker; undefined when it cannot (KRO type-checks it when the RGD is applied,
 * v0.9 `pkg/graph/builder.go` `validateConditionExpression`).
 */
function resultTypeOf(e: CelExpr, typeOfRef: (ref: CelReference) => string | undefined): string | undefined {
  const k = e.exprKind;
  switch (k.case) {
    case 'constExpr':
      return CONSTANT_TYPES[k.value.constantKind.case ?? ''];
    case 'selectExpr':
    case 'identExpr': {
      if (k.case === 'selectExpr' && k.value.testOnly) return 'boolean';
      const refs = referencesOf(e);
      return refs.length === 1 && !refs[0].testOnly ? typeOfRef(refs[0]) : undefined;
    }
    case 'callExpr': {
      const fn = k.value.function;
      if (BOOL_CALLS.has(fn)) return 'boolean';
      if (fn === '_?_:_') {
        const [a, b] = [resultTypeOf(k.value.args[1], typeOfRef), resultTypeOf(k.value.args[2], typeOfRef)];
        return a === b ? a : undefined;
      }
      if (ARITHMETIC.has(fn)) return resultTypeOf(k.value.args[0], typeOfRef);
      if (fn === 'size') return 'integer';
      if (fn === '_[_]') {
        const refs = referencesOf(e);
        return refs.length === 1 && !refs[0].testOnly ? typeOfRef(refs[0]) : undefined;
      }
      return undefined;
    }
    case 'listExpr':
      return 'array';
    case 'structExpr':
      return 'object';
    case 'comprehensionExpr': {
      // Macros: exists/all keep a bool accumulator, map/filter a list; the result is usually the accumulator.
      const c = k.value;
      const result = c.result;
      const returnsAccumulator = result?.exprKind.case === 'identExpr' && result.exprKind.value.name === c.accuVar;
      const from = returnsAccumulator ? c.accuInit : result;
      return from ? resultTypeOf(from, typeOfRef) : undefined;
    }
    default:
      return undefined;
  }
}

function checkStatusLeaves(v: JsonValue | undefined, path: string, issues: Pick<Violation, 'path' | 'message'>[]): void {
  if (v === undefined) return;
  if (typeof v === 'string') {
    if (!v.includes('${')) issues.push({ path, message: 'status fields must be ${…} expressions' });
  } else if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) checkStatusLeaves(x, childPath(path, k), issues);
  } else {
    issues.push({ path, message: 'status fields must be ${…} expressions or nested maps of them' });
  }
}

/** KRO's template invariants: metadata present, namespace rules by scope, no KRO-owned labels/annotations. */
function checkTemplateConstraints(r: RgdResource, model: RgdModel, kinds: KindResolver, issues: Pick<Violation, 'path' | 'message'>[]): void {
  const tp = childPath(r.path, 'template');
  const meta = obj(r.template!.metadata);
  if (!meta) {
    issues.push({ path: childPath(tp, 'metadata'), message: 'template has no metadata' });
    return;
  }
  const namespaced = r.apiVersion && r.kind ? kinds.namespaced(r.apiVersion, r.kind) : undefined;
  const ns = meta.namespace;
  if (namespaced === false && ns !== undefined) {
    issues.push({ path: childPath(childPath(tp, 'metadata'), 'namespace'), message: `${r.kind} is cluster-scoped and must not set metadata.namespace` });
  }
  if (namespaced === true && !model.generated.namespaced && (typeof ns !== 'string' || ns.trim() === '')) {
    issues.push({ path: childPath(childPath(tp, 'metadata'), 'namespace'), message: `${r.kind} is namespaced and must set metadata.namespace because ${model.generated.kind} is cluster-scoped` });
  }
  for (const field of ['labels', 'annotations']) {
    for (const key of Object.keys(obj(meta[field]) ?? {})) {
      if (KRO_OWNED_PREFIXES.some((p) => key.startsWith(p))) {
        issues.push({ path: childPath(childPath(childPath(tp, 'metadata'), field), key), message: `${field} with prefix ${key.split('/')[0]}/ are reserved for KRO` });
      }
    }
  }
}

function checkTemplate(
  r: RgdResource, ctx: RgdCheckContext, issues: Pick<Violation, 'path' | 'message'>[], typeOfRef: (ref: CelReference) => string | undefined,
): void {
  const tp = childPath(r.path, 'template');
  if (!r.apiVersion || !r.kind) {
    issues.push({ path: tp, message: 'template apiVersion and kind must be literal strings' });
    return;
  }
  const k = ctx.kinds.lookup(r.apiVersion, r.kind);
  if ('error' in k) {
    issues.push({ path: tp, message: k.error });
    return;
  }
  const typeOf = (source: string): string | undefined => {
    const parsed = parseCel(source);
    if (!parsed.ok) return undefined;
    const e = parsed.expr;
    const refs = referencesOf(e);
    const plain = refs.length === 1 && (e.exprKind.case === 'selectExpr' || e.exprKind.case === 'identExpr'
      || (e.exprKind.case === 'callExpr' && e.exprKind.value.function === '_[_]'));
    return plain && !refs[0].testOnly ? typeOfRef(refs[0]) : undefined;
  };
  const value = withPlaceholders(r.template!, typeOf);
  const found: Pick<Violation, 'path' | 'message'>[] = [];
  validateValue(k.root, value, tp, {
    objectMeta: ctx.kinds.registry.objectMeta,
    rules: new CelRuleEvaluator(k.id, ctx.cel, ctx.celSeen),
  }, found);
  for (const i of found) issues.push({ path: i.path, message: `${r.kind} (${r.apiVersion}): ${i.message}` });
}

/** Validates every `default` in the generated schema against its own field (as the API server does for CRDs). */
function checkDefaults(node: SchemaNode | undefined, path: string, issues: Pick<Violation, 'path' | 'message'>[], registry: SchemaRegistry): void {
  if (!node) return;
  if (node.default !== undefined && !(path === '$.spec.schema.spec')) {
    const found: Pick<Violation, 'path' | 'message'>[] = [];
    validateValue(node, node.default, path, { objectMeta: registry.objectMeta }, found);
    for (const i of found) issues.push({ path, message: `default ${JSON.stringify(node.default)} is invalid: ${i.message}` });
  }
  for (const [k, child] of node.properties ?? []) checkDefaults(child, childPath(path, k), issues, registry);
  if (node.items) checkDefaults(node.items, `${path}[]`, issues, registry);
  if (node.additionalProperties) checkDefaults(node.additionalProperties, `${path}[*]`, issues, registry);
}

/**
 * The readiness rule of `lib/foundation/readiness.ts` holds for a template read from `dist/`: a child of a kind
 * with a readiness signal carries that kind's `readyWhen` (KRO counts a child without one ready as soon as it
 * exists) unless its template declares the exception (the `NOT_AWAITED_ANNOTATION` annotation with a stated
 * reason, for a kind that has a signal), and a child of a kind the table does not classify is reported.
 */
function checkChildReadiness(r: RgdResource, issues: Pick<Violation, 'path' | 'message'>[]): void {
  if (!r.apiVersion || !r.kind) return;
  const readiness = readinessOf(r.apiVersion, r.kind);
  if (!readiness) {
    issues.push({ path: r.path, message: `${r.kind} (${r.apiVersion}) is not in CHILD_READINESS, so nobody decided when KRO may count it ready` });
    return;
  }
  // The declared exception (GraphResource.notAwaited): the template names why the instance does not wait for it.
  const reason = obj(obj(r.template?.metadata)?.annotations)?.[NOT_AWAITED_ANNOTATION];
  if (reason !== undefined) {
    const problem = notAwaitedProblem(readiness, typeof reason === 'string' ? reason : '');
    if (problem) issues.push({ path: childPath(childPath(childPath(childPath(r.path, 'template'), 'metadata'), 'annotations'), NOT_AWAITED_ANNOTATION), message: `${r.kind} ${JSON.stringify(r.id)} ${problem.rule}` });
    if (asList(r.raw.readyWhen).length > 0) {
      issues.push({ path: childPath(r.path, 'readyWhen'), message: `${r.kind} ${JSON.stringify(r.id)} has readyWhen beside its ${NOT_AWAITED_ANNOTATION} annotation: a resource the instance does not wait for has no readiness conditions` });
    }
    return;
  }
  if (!('readyWhen' in readiness)) return;
  const have = new Set(asList(r.raw.readyWhen).filter((c): c is string => typeof c === 'string'));
  // A collection's readyWhen reads each item as `each` (kro.run/docs "Collections", "Readiness with Collections").
  const self = r.iterators.length > 0 ? 'each' : r.id;
  const missing = readiness.readyWhen(self).map((c) => `\${${c}}`).filter((c) => !have.has(c));
  if (missing.length > 0) {
    const all = readiness.readyWhen(self).length;
    issues.push({
      path: childPath(r.path, 'readyWhen'),
      message: `${r.kind} ${JSON.stringify(r.id)} lacks ${missing.length} of the ${all} readyWhen conditions of its kind (CHILD_READINESS), so KRO counts it ready too early; first missing: ${missing[0]}`,
    });
  }
}
