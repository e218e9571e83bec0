/**
 * Compares what KRO created against the ResourceGraphDefinition templates in `dist/`, so the suite's
 * expectations come from the RGDs themselves rather than from copies typed into the test.
 *
 * Only template values whose meaning is unambiguous are checked: literals, and `${…}` references to
 * `schema.metadata.name|namespace`, `schema.spec.<path>` (read from the live instance, so CRD defaults
 * apply) and `<resourceId>.metadata.name|namespace` (read from the live sibling), alone or interpolated into
 * a string. Anything else (CEL operators, functions, conditionals) is left to KRO and skipped here; the
 * list of skipped paths is returned so a test can show what it did not check.
 */
import type { JsonValue } from '../../../lib/shared/json';
import { parseCel, referencesOf } from '../../../tools/validate/src/cel-ast';
import { extractExpressions, findExpressions } from '../../../tools/validate/src/kro-expressions';
import { evaluateTemplate } from '../../helpers/kro-readiness';
import type { KubeObject } from '../../../tools/control-plane/src/kube-client';

/** One `spec.resources[]` entry of an RGD. */
export interface RgdResource {
  readonly id: string;
  readonly template?: KubeObject;
  readonly externalRef?: unknown;
  readonly includeWhen?: readonly string[];
  readonly readyWhen?: readonly string[];
  readonly forEach?: unknown;
}

/** What `${…}` references resolve against. */
export interface TemplateContext {
  /** The live instance. */
  readonly instance: KubeObject;
  /** Live children by resource id (for `<id>.metadata.*`). */
  readonly children: ReadonlyMap<string, KubeObject>;
}

/** Marker for an expression this checker does not evaluate. */
export const UNKNOWN = Symbol('unknown');

const EXPR = /\$\{([^}]*)\}/g;
const SIMPLE = /^\s*([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*$/;

function dig(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** Evaluates one simple reference, or returns {@link UNKNOWN}. */
function evalRef(expr: string, ctx: TemplateContext): unknown {
  const m = SIMPLE.exec(expr);
  if (!m) return UNKNOWN;
  const root = m[1]!;
  const path = m[2]!.slice(1).split('.');
  if (root === 'schema') {
    if (path[0] === 'metadata' && (path[1] === 'name' || path[1] === 'namespace') && path.length === 2) {
      return ctx.instance.metadata[path[1]];
    }
    if (path[0] === 'spec') {
      const v = dig(ctx.instance.spec, path.slice(1));
      return v === undefined ? UNKNOWN : v;
    }
    return UNKNOWN;
  }
  const sibling = ctx.children.get(root);
  if (sibling && path[0] === 'metadata' && (path[1] === 'name' || path[1] === 'namespace') && path.length === 2) {
    return sibling.metadata[path[1]];
  }
  return UNKNOWN;
}

/** Resolves a template string: a lone `${ref}` keeps the value's type; interpolations give a string. */
export function resolveTemplateString(value: string, ctx: TemplateContext): unknown {
  const parts = [...value.matchAll(EXPR)];
  if (parts.length === 0) return value;
  if (parts.length === 1 && parts[0]![0] === value) return evalRef(parts[0]![1]!, ctx);
  let unknown = false;
  const out = value.replace(EXPR, (_all, expr: string) => {
    const v = evalRef(expr, ctx);
    if (v === UNKNOWN || (typeof v === 'object' && v !== null)) {
      unknown = true;
      return '';
    }
    return String(v);
  });
  return unknown ? UNKNOWN : out;
}

const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;
const FACTOR: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

function quantity(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = QUANTITY.exec(v);
  return m ? Number(m[1]) * FACTOR[m[2] ?? '']! : undefined;
}

function sameScalar(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (typeof expected !== 'object' && typeof actual !== 'object' && String(expected) === String(actual)) return true;
  const a = quantity(expected);
  const b = quantity(actual);
  return a !== undefined && b !== undefined && Math.abs(a - b) < 1e-9;
}

/** Result of {@link compareTemplate}. */
export interface TemplateComparison {
  /** `path: expected … got …` for every value that differs. */
  readonly mismatches: string[];
  /** Paths holding expressions this checker does not evaluate. */
  readonly skipped: string[];
}

/** Checks that every checkable value of `template` is present in `live` (live may hold more, e.g. defaults). */
export function compareTemplate(template: unknown, live: unknown, ctx: TemplateContext, path = ''): TemplateComparison {
  const result: TemplateComparison = { mismatches: [], skipped: [] };
  const merge = (r: TemplateComparison): void => {
    result.mismatches.push(...r.mismatches);
    result.skipped.push(...r.skipped);
  };
  if (typeof template === 'string') {
    const expected = resolveTemplateString(template, ctx);
    if (expected === UNKNOWN) result.skipped.push(path);
    // The API server omits an empty list (Go `omitempty` on the built-in kinds' list fields, e.g. a container's
    // `command` and `args`): an expression that yields [] matches an absent field.
    else if (Array.isArray(expected) && expected.length === 0 && live === undefined) return result;
    else if (!sameScalar(expected, live)) result.mismatches.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(live)}`);
    return result;
  }
  if (Array.isArray(template)) {
    if (!Array.isArray(live) || live.length !== template.length) {
      result.mismatches.push(`${path}: expected a list of ${template.length}, got ${JSON.stringify(live)}`);
      return result;
    }
    template.forEach((t, i) => merge(compareTemplate(t, live[i], ctx, `${path}[${i}]`)));
    return result;
  }
  if (template !== null && typeof template === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) {
      result.mismatches.push(`${path}: expected an object, got ${JSON.stringify(live)}`);
      return result;
    }
    for (const [k, v] of Object.entries(template)) {
      merge(compareTemplate(v, (live as Record<string, unknown>)[k], ctx, path ? `${path}.${k}` : k));
    }
    return result;
  }
  if (!sameScalar(template, live)) result.mismatches.push(`${path}: expected ${JSON.stringify(template)}, got ${JSON.stringify(live)}`);
  return result;
}

/**
 * Evaluates `includeWhen` as KRO v0.9 does (`pkg/runtime/node.go`, `IsIgnored`): every entry is one `${…}` CEL
 * expression over the instance (`schema`) and the resources it names, evaluated with KRO's CEL library
 * (test/helpers/kro-readiness); the resource is included when every entry is true. Undefined while an entry
 * reads a resource that is not observed yet (KRO waits for that resource as well). Throws for an entry that is
 * not one expression or does not evaluate to a bool: the platform's conditions are meant to be total.
 */
export function evaluateIncludeWhen(resource: RgdResource, ctx: TemplateContext): boolean | undefined {
  for (const entry of resource.includeWhen ?? []) {
    const extracted = extractExpressions(entry);
    if ('error' in extracted || !extracted.whole) throw new Error(`${resource.id}: includeWhen entry ${entry} is not one \${…} expression`);
    if ([...referencedRoots(extracted.expressions[0]!)].some((root) => root !== 'schema' && !ctx.children.has(root))) return undefined;
    const value = evaluateTemplate(entry, { schema: ctx.instance, ...Object.fromEntries(ctx.children) });
    if (typeof value !== 'boolean') throw new Error(`${resource.id}: includeWhen ${entry} gave ${JSON.stringify(value)}, not a bool`);
    if (!value) return false;
  }
  return true;
}

/** The free variables a CEL expression reads (resource ids, `schema`, forEach variables). */
function referencedRoots(source: string): Set<string> {
  const parsed = parseCel(source);
  if (!parsed.ok) throw new Error(`${source} does not parse: ${parsed.error}`);
  return new Set(referencesOf(parsed.expr).map((r) => r.root));
}

/** Which resources of an instance KRO leaves out, and which it cannot decide yet. */
export interface Exclusion {
  /** Resource ids KRO skips for this instance. */
  readonly excluded: readonly string[];
  /** Resource ids whose includeWhen reads a resource not observed yet. */
  readonly undecided: readonly string[];
}

/**
 * The resources KRO leaves out for an instance (`IsIgnored`): those whose includeWhen is false and, as KRO
 * propagates it, every resource that references a left-out one (in its template or its includeWhen). Computed
 * to a fixed point, so the RGD's order of resources does not matter.
 */
export function excludedResources(resources: readonly RgdResource[], ctx: TemplateContext): Exclusion {
  const references = new Map(resources.map((r) => {
    const errors: { path: string; message: string }[] = [];
    const sources = findExpressions({ template: (r.template ?? null) as JsonValue, includeWhen: [...(r.includeWhen ?? [])] }, '$', errors);
    if (errors.length > 0) throw new Error(`${r.id}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    return [r.id, new Set(sources.flatMap((e) => [...referencedRoots(e.source)]))] as const;
  }));
  const excluded = new Set<string>();
  const undecided = new Set<string>();
  for (const r of resources) {
    const included = evaluateIncludeWhen(r, ctx);
    if (included === false) excluded.add(r.id);
    else if (included === undefined) undecided.add(r.id);
  }
  for (let grew = true; grew;) {
    grew = false;
    for (const r of resources) {
      if (excluded.has(r.id) || ![...references.get(r.id)!].some((root) => excluded.has(root))) continue;
      excluded.add(r.id);
      undecided.delete(r.id);
      grew = true;
    }
  }
  const order = (ids: Set<string>): string[] => resources.map((r) => r.id).filter((id) => ids.has(id));
  return { excluded: order(excluded), undecided: order(undecided) };
}
