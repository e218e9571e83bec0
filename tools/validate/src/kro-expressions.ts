/**
 * KRO `${…}` expressions inside strings: extraction (brace- and string-literal-aware), and replacement of a
 * template's expression strings by {@link ExpressionPlaceholder}s.
 */
import { JsonValue } from 'mini-atlas';
import { childPath, indexPath } from './json-path';
import { ExpressionPlaceholder } from './placeholder';

/** The expressions of one string. */
export interface ExtractedExpressions {
  /** CEL sources inside `${…}`, in order. */
  readonly expressions: readonly string[];
  /** The string is exactly one `${…}` (its value may have any type). */
  readonly whole: boolean;
}

/** Extracts `${…}` expressions; returns an error message for an unterminated one. */
export function extractExpressions(s: string): ExtractedExpressions | { readonly error: string } {
  const expressions: string[] = [];
  let i = s.indexOf('${');
  let firstStart = -1;
  let lastEnd = -1;
  while (i >= 0) {
    let depth = 1;
    let j = i + 2;
    while (j < s.length && depth > 0) {
      const ch = s[j];
      if (ch === '"' || ch === "'") {
        const triple = s.startsWith(ch.repeat(3), j);
        const quote = triple ? ch.repeat(3) : ch;
        const raw = j > 0 && /[rR]/.test(s[j - 1]) && !/[A-Za-z0-9_]/.test(s[j - 2] ?? ' ');
        j += quote.length;
        while (j < s.length && !s.startsWith(quote, j)) j += !raw && s[j] === '\\' ? 2 : 1;
        if (j >= s.length) return { error: `unterminated string literal in ${JSON.stringify(s)}` };
        j += quote.length;
        continue;
      }
      if (ch === '{') depth++;
      else if (ch === '}') depth--;
      j++;
    }
    if (depth > 0) return { error: `unterminated \${ in ${JSON.stringify(s)}` };
    expressions.push(s.slice(i + 2, j - 1));
    if (firstStart < 0) firstStart = i;
    lastEnd = j;
    i = s.indexOf('${', j);
  }
  return { expressions, whole: expressions.length === 1 && firstStart === 0 && lastEnd === s.length };
}

/** An expression found in a document, with where it sits. */
export interface LocatedExpression {
  readonly path: string;
  readonly source: string;
  readonly whole: boolean;
  /** The whole string holding it. */
  readonly text: string;
}

/** Walks a JSON value and lists every `${…}` expression in its string values; bad ones go to `errors`. */
export function findExpressions(value: JsonValue | undefined, path: string, errors: { path: string; message: string }[]): LocatedExpression[] {
  const out: LocatedExpression[] = [];
  const walk = (v: JsonValue | undefined, p: string): void => {
    if (typeof v === 'string') {
      if (!v.includes('${')) return;
      const r = extractExpressions(v);
      if ('error' in r) errors.push({ path: p, message: r.error });
      else r.expressions.forEach((source) => out.push({ path: p, source, whole: r.whole, text: v }));
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, indexPath(p, i)));
    else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => walk(x, childPath(p, k)));
  };
  walk(value, path);
  return out;
}

/** A template value with expression strings replaced by placeholders. */
export type TemplateValue = JsonValue | ExpressionPlaceholder | TemplateValue[] | { [key: string]: TemplateValue };

/**
 * Replaces expression strings by placeholders. `typeOf` may name the JSON type a whole-field expression
 * yields (when it can be known statically), for a type check against the target field.
 */
export function withPlaceholders(value: JsonValue, typeOf: (expression: string) => string | undefined = () => undefined): TemplateValue {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    const r = extractExpressions(value);
    if ('error' in r || r.expressions.length === 0) return value;
    return r.whole
      ? new ExpressionPlaceholder('value', value, r.expressions, typeOf(r.expressions[0]))
      : new ExpressionPlaceholder('string', value, r.expressions);
  }
  if (Array.isArray(value)) return value.map((v) => withPlaceholders(v, typeOf));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withPlaceholders(v, typeOf)]));
  }
  return value;
}
