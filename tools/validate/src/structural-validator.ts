/**
 * The strict structural validator: walks a value along a compiled {@link SchemaNode} and reports unknown
 * fields, wrong types, missing required fields, enum/pattern/format/length/range violations, list-map and
 * set duplicates, int-or-string and quantities, `allOf`/`anyOf`/`oneOf`/`not`, and hands
 * `x-kubernetes-validations` to a CEL evaluator. A problem it finds is the part of a {@link Violation} a schema
 * check knows, `Pick<Violation, 'path' | 'message'>` (JSON path and message); the caller adds the check, file,
 * document and object.
 */
import { JsonValue } from 'mini-atlas';
import { checkNumberFormat, checkStringFormat, isQuantity } from './formats';
import { childPath, indexPath } from './json-path';
import { isPlaceholder } from './placeholder';
import { acceptsType, SchemaNode, SchemaType } from './schema-node';
import type { Violation } from './model';


/** Evaluates `x-kubernetes-validations` of a node against a value. */
export interface RuleEvaluator {
  /** Evaluates the node's rules; appends failures to `issues`. `isRoot` is true for the object root. */
  evaluate(node: SchemaNode, value: JsonValue, path: string, isRoot: boolean, issues: Pick<Violation, 'path' | 'message'>[]): void;
}

/** Context of one validation. */
export interface ValidatorContext {
  /** ObjectMeta, used for the `metadata` of embedded resources. */
  readonly objectMeta?: SchemaNode;
  /** CEL evaluator; rules are skipped when absent (e.g. for templates holding placeholders). */
  readonly rules?: RuleEvaluator;
}

type ValueType = SchemaType | 'null';

function typeOf(v: unknown): ValueType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(v) ? 'integer' : 'number';
    default:
      return 'object';
  }
}

/** Deep equality of JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ak = Object.keys(a as object);
  const bo = b as Record<string, unknown>;
  return ak.length === Object.keys(bo).length && ak.every((k) => k in bo && jsonEqual((a as Record<string, unknown>)[k], bo[k]));
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** The declared field closest to an unknown one, for "did you mean" hints. */
export function closestField(unknown: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(unknown.length / 4)) + 1;
  for (const k of known) {
    const dist = editDistance(unknown.toLowerCase(), k.toLowerCase());
    if (dist < bestDistance) {
      best = k;
      bestDistance = dist;
    }
  }
  return best;
}

function describeTypes(node: SchemaNode): string {
  if (node.intOrString) return 'integer or string';
  if (node.quantity) return 'quantity (string or number)';
  return [...(node.types ?? [])].join(' or ');
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Validates `value` against `node`; appends problems to `issues`. */
export function validateValue(node: SchemaNode, value: unknown, path: string, ctx: ValidatorContext, issues: Pick<Violation, 'path' | 'message'>[], inBranch = false): void {
  if (isPlaceholder(value)) {
    if (value.shape === 'string' && node.types && !node.types.has('string')) {
      issues.push({ path, message: `string template ${short(value.source)} in a field of type ${describeTypes(node)}` });
    }
    const vt = value.valueType as SchemaType | undefined;
    if (value.shape === 'value' && vt && node.types && !acceptsType(node, vt) && !(node.quantity && vt === 'integer')) {
      issues.push({ path, message: `expression ${short(value.source)} yields ${vt} but the field expects ${describeTypes(node)}` });
    }
    return;
  }
  if (value === undefined) return;
  const t = typeOf(value);
  if (t === 'null') {
    if (!node.nullable && !inBranch) issues.push({ path, message: 'null value in a field that is not nullable (the API server drops it)' });
    return;
  }
  if (!acceptsType(node, t)) {
    issues.push({ path, message: `expected ${describeTypes(node)}, got ${t} ${short(value)}` });
    return;
  }
  if (node.enum && !node.enum.some((e) => jsonEqual(e, value))) {
    issues.push({ path, message: `value ${short(value)} is not one of ${short(node.enum)}` });
  }
  if (t === 'string') checkString(node, value as string, path, issues);
  else if (t === 'integer' || t === 'number') checkNumber(node, value as number, path, issues);
  else if (t === 'array') checkArray(node, value as unknown[], path, ctx, issues, inBranch);
  else if (t === 'object') checkObject(node, value as Record<string, unknown>, path, ctx, issues, inBranch);

  for (const branch of node.allOf) validateValue(branch, value, path, ctx, issues, true);
  if (node.anyOf.length > 0) {
    const results = node.anyOf.map((b) => branchIssues(b, value, path, ctx));
    if (!results.some((r) => r.length === 0)) {
      issues.push({ path, message: `does not match any allowed form (anyOf): ${results.map((r) => r[0]?.message).join('; ')}` });
    }
  }
  if (node.oneOf.length > 0) {
    const matches = node.oneOf.filter((b) => branchIssues(b, value, path, ctx).length === 0).length;
    if (matches !== 1) issues.push({ path, message: `must match exactly one allowed form (oneOf), matches ${matches}` });
  }
  if (node.not && branchIssues(node.not, value, path, ctx).length === 0) {
    issues.push({ path, message: 'matches a form the schema forbids (not)' });
  }
  if (!inBranch && ctx.rules && node.rules.length > 0 && !containsPlaceholder(value)) {
    ctx.rules.evaluate(node, value as JsonValue, path, path === '$', issues);
  }
}

function containsPlaceholder(v: unknown): boolean {
  if (isPlaceholder(v)) return true;
  if (Array.isArray(v)) return v.some(containsPlaceholder);
  if (v && typeof v === 'object') return Object.values(v).some(containsPlaceholder);
  return false;
}

function branchIssues(node: SchemaNode, value: unknown, path: string, ctx: ValidatorContext): Pick<Violation, 'path' | 'message'>[] {
  const out: Pick<Violation, 'path' | 'message'>[] = [];
  validateValue(node, value, path, ctx, out, true);
  return out;
}

function checkString(node: SchemaNode, s: string, path: string, issues: Pick<Violation, 'path' | 'message'>[]): void {
  if (node.quantity && !isQuantity(s)) issues.push({ path, message: `value ${short(s)} is not a valid quantity` });
  if (node.pattern) {
    const re = node.pattern.re;
    if (!re) issues.push({ path, message: `schema pattern ${node.pattern.source} is not valid RE2 (${node.pattern.error}); value not checked` });
    else if (!re.test(s)) issues.push({ path, message: `value ${short(s)} does not match pattern ${node.pattern.source}` });
  }
  const length = [...s].length;
  if (node.minLength !== undefined && length < node.minLength) issues.push({ path, message: `value ${short(s)} is shorter than ${node.minLength}` });
  if (node.maxLength !== undefined && length > node.maxLength) issues.push({ path, message: `value ${short(s).slice(0, 40)} is longer than ${node.maxLength}` });
  if (node.format) {
    const err = checkStringFormat(node.format, s);
    if (err) issues.push({ path, message: err });
  }
}

function checkNumber(node: SchemaNode, n: number, path: string, issues: Pick<Violation, 'path' | 'message'>[]): void {
  if (node.minimum !== undefined && (node.exclusiveMinimum ? n <= node.minimum : n < node.minimum)) {
    issues.push({ path, message: `value ${n} is less than ${node.exclusiveMinimum ? 'or equal to ' : ''}the minimum ${node.minimum}` });
  }
  if (node.maximum !== undefined && (node.exclusiveMaximum ? n >= node.maximum : n > node.maximum)) {
    issues.push({ path, message: `value ${n} is greater than ${node.exclusiveMaximum ? 'or equal to ' : ''}the maximum ${node.maximum}` });
  }
  if (node.multipleOf !== undefined && node.multipleOf > 0 && Math.abs(n / node.multipleOf - Math.round(n / node.multipleOf)) > 1e-9) {
    issues.push({ path, message: `value ${n} is not a multiple of ${node.multipleOf}` });
  }
  if (node.format) {
    const err = checkNumberFormat(node.format, n);
    if (err) issues.push({ path, message: err });
  }
}

function checkArray(node: SchemaNode, list: unknown[], path: string, ctx: ValidatorContext, issues: Pick<Violation, 'path' | 'message'>[], inBranch: boolean): void {
  if (node.minItems !== undefined && list.length < node.minItems) issues.push({ path, message: `has ${list.length} items, fewer than ${node.minItems}` });
  if (node.maxItems !== undefined && list.length > node.maxItems) issues.push({ path, message: `has ${list.length} items, more than ${node.maxItems}` });
  if ((node.uniqueItems || node.listType === 'set') && !list.some(containsPlaceholder)) {
    for (let i = 1; i < list.length; i++) {
      const j = list.slice(0, i).findIndex((x) => jsonEqual(x, list[i]));
      if (j >= 0) issues.push({ path: indexPath(path, i), message: `duplicate of item [${j}] in a list of unique items (set)` });
    }
  }
  if (node.listType === 'map' && node.listMapKeys.length > 0) {
    const seen = new Map<string, number>();
    list.forEach((item, i) => {
      if (!item || typeof item !== 'object' || Array.isArray(item) || isPlaceholder(item)) return;
      const keyValues = node.listMapKeys.map((k) => (item as Record<string, unknown>)[k]);
      if (keyValues.some(isPlaceholder)) return;
      const key = JSON.stringify(keyValues);
      const prev = seen.get(key);
      if (prev !== undefined) {
        const desc = node.listMapKeys.map((k, n) => `${k}=${short(keyValues[n])}`).join(', ');
        issues.push({ path: indexPath(path, i), message: `duplicate entry for key [${desc}] (also at [${prev}]); server-side apply rejects it` });
      } else seen.set(key, i);
    });
  }
  if (node.items) {
    const items = node.items;
    list.forEach((item, i) => validateValue(items, item, indexPath(path, i), ctx, issues, inBranch));
  }
}

function checkObject(node: SchemaNode, obj: Record<string, unknown>, path: string, ctx: ValidatorContext, issues: Pick<Violation, 'path' | 'message'>[], inBranch: boolean): void {
  const props = node.properties;
  for (const [key, child] of Object.entries(obj)) {
    const p = childPath(path, key);
    const declared = props?.get(key);
    if (declared) {
      validateValue(declared, child, p, ctx, issues, inBranch);
    } else if (node.additionalProperties) {
      validateValue(node.additionalProperties, child, p, ctx, issues, inBranch);
    } else if (node.embeddedResource && (key === 'apiVersion' || key === 'kind')) {
      if (typeof child !== 'string' && !isPlaceholder(child)) issues.push({ path: p, message: `expected string, got ${typeOf(child)}` });
    } else if (node.embeddedResource && key === 'metadata' && ctx.objectMeta) {
      validateValue(ctx.objectMeta, child, p, ctx, issues, inBranch);
    } else if (node.unknownFields === 'reject' && !inBranch) {
      const hint = props ? closestField(key, props.keys()) : undefined;
      issues.push({ path: p, message: `unknown field ${JSON.stringify(key)}${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}` });
    }
  }
  for (const r of node.required) {
    if (obj[r] !== undefined) continue;
    if (props?.get(r)?.default !== undefined) continue; // the API server defaults it before validating
    issues.push({ path: childPath(path, r), message: `missing required field ${JSON.stringify(r)}` });
  }
  const count = Object.keys(obj).length;
  if (node.minProperties !== undefined && count < node.minProperties) issues.push({ path, message: `has ${count} properties, fewer than ${node.minProperties}` });
  if (node.maxProperties !== undefined && count > node.maxProperties) issues.push({ path, message: `has ${count} properties, more than ${node.maxProperties}` });
}
