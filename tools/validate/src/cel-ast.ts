/**
 * CEL parsing and AST inspection on top of `@bufbuild/cel`: the free variables an expression reads (with
 * their field paths) and the functions it calls.
 */
import { parse } from '@bufbuild/cel';

/** A parsed CEL expression tree. */
export type CelExpr = ReturnType<typeof parse>['expr'];

/** The outcome of {@link parseCel}. */
export type ParsedCel =
  | { readonly ok: true; readonly expr: CelExpr; readonly desugaredOptional: boolean }
  | { readonly ok: false; readonly error: string };

const OPTIONAL_SYNTAX = /\.\?|\[\?/;

/**
 * Parses a CEL expression. The JS parser has no optional-field syntax (`a.?b`, `a[?k]`); an expression
 * using it is parsed with the plain selector in its place, which keeps its references and calls, and
 * `desugaredOptional` says so.
 */
export function parseCel(source: string): ParsedCel {
  try {
    return { ok: true, expr: parse(source).expr, desugaredOptional: false };
  } catch (e) {
    const error = (e as Error).message.replace(/^syntax error: /, '');
    if (OPTIONAL_SYNTAX.test(source)) {
      try {
        return { ok: true, expr: parse(source.replace(/\.\?/g, '.').replace(/\[\?/g, '[')).expr, desugaredOptional: true };
      } catch {
        return { ok: false, error };
      }
    }
    return { ok: false, error };
  }
}

/** A step of a reference path: a field name, or `[]` for an index. */
export type PathStep = string;

/** A free variable read by an expression, with the fields selected on it. */
export interface CelReference {
  readonly root: string;
  readonly path: readonly PathStep[];
  /** The reference sits inside `has(…)`. */
  readonly testOnly: boolean;
}

/** Calls that are operators or macros handled by the evaluator itself. */
const INTERNAL_FUNCTIONS = new Set(['_&&_', '_||_', '_?_:_', '_[_]', '_[?_]', '_?._', '@not_strictly_false', 'not_strictly_false']);

type Chain = { root: string; path: PathStep[]; testOnly: boolean };

function chainOf(e: CelExpr, bound: ReadonlySet<string>): Chain | undefined {
  const k = e.exprKind;
  if (k.case === 'identExpr') return bound.has(k.value.name) ? undefined : { root: k.value.name, path: [], testOnly: false };
  if (k.case === 'selectExpr' && k.value.operand) {
    const base = chainOf(k.value.operand, bound);
    return base ? { root: base.root, path: [...base.path, k.value.field], testOnly: k.value.testOnly } : undefined;
  }
  if (k.case === 'callExpr' && k.value.function === '_[_]' && k.value.args.length === 2) {
    const base = chainOf(k.value.args[0], bound);
    if (!base) return undefined;
    const idx = k.value.args[1].exprKind;
    const step = idx.case === 'constExpr' && idx.value.constantKind.case === 'stringValue' ? idx.value.constantKind.value : '[]';
    return { root: base.root, path: [...base.path, step], testOnly: false };
  }
  return undefined;
}

/**
 * Calls `visit` on each direct sub-expression of `e` with the names bound there (a comprehension binds its
 * iteration and accumulator variables in its condition, step and result).
 */
function eachChild(e: CelExpr, bound: ReadonlySet<string>, visit: (child: CelExpr | undefined, bound: ReadonlySet<string>) => void): void {
  const k = e.exprKind;
  switch (k.case) {
    case 'selectExpr':
      visit(k.value.operand, bound);
      return;
    case 'callExpr':
      visit(k.value.target, bound);
      k.value.args.forEach((a) => visit(a, bound));
      return;
    case 'listExpr':
      k.value.elements.forEach((el) => visit(el, bound));
      return;
    case 'structExpr':
      for (const entry of k.value.entries) {
        if (entry.keyKind.case === 'mapKey') visit(entry.keyKind.value, bound);
        visit(entry.value, bound);
      }
      return;
    case 'comprehensionExpr': {
      const c = k.value;
      visit(c.iterRange, bound);
      visit(c.accuInit, bound);
      const inner = new Set([...bound, ...[c.iterVar, c.iterVar2, c.accuVar].filter((v) => v)]);
      [c.loopCondition, c.loopStep, c.result].forEach((x) => visit(x, inner));
      return;
    }
    default:
      return;
  }
}

/** Free variables read by the expression, each with the longest field path selected on it. */
export function referencesOf(expr: CelExpr): CelReference[] {
  const out: CelReference[] = [];
  const walk = (e: CelExpr | undefined, bound: ReadonlySet<string>): void => {
    if (!e) return;
    const k = e.exprKind;
    if (k.case === 'identExpr' || k.case === 'selectExpr' || (k.case === 'callExpr' && k.value.function === '_[_]')) {
      const c = chainOf(e, bound);
      if (c) {
        out.push(c);
        // An index expression's key may read variables of its own.
        if (k.case === 'callExpr') walk(k.value.args[1], bound);
        return;
      }
    }
    eachChild(e, bound, walk);
  };
  walk(expr, new Set());
  return out;
}

/** Names of the functions and methods the expression calls (operators and macros excluded). */
export function functionsOf(expr: CelExpr): Set<string> {
  const out = new Set<string>();
  const walk = (e: CelExpr | undefined): void => {
    if (!e) return;
    if (e.exprKind.case === 'callExpr' && !INTERNAL_FUNCTIONS.has(e.exprKind.value.function)) out.add(e.exprKind.value.function);
    eachChild(e, new Set(), walk);
  };
  walk(expr);
  return out;
}

/**
 * Replaces, in place, every free identifier (one not bound by a comprehension) named in `names` by a call
 * `fn("<name>")`, so that evaluating it runs `fn` instead of looking the name up.
 */
export function replaceFreeIdentifiers(expr: CelExpr, names: ReadonlySet<string>, fn: string): void {
  const walk = (e: CelExpr | undefined, bound: ReadonlySet<string>): void => {
    if (!e) return;
    const k = e.exprKind;
    if (k.case !== 'identExpr') {
      eachChild(e, bound, walk);
      return;
    }
    if (!names.has(k.value.name) || bound.has(k.value.name)) return;
    const arg = { ...e, exprKind: { case: 'constExpr' as const, value: { $typeName: 'cel.expr.Constant' as const, constantKind: { case: 'stringValue' as const, value: k.value.name } } } };
    e.exprKind = { case: 'callExpr', value: { $typeName: 'cel.expr.Expr.Call', function: fn, args: [arg] } };
  };
  walk(expr, new Set());
}
