/**
 * Evaluates a resource's `readyWhen` list the way KRO v0.9 does (`pkg/runtime/node_readiness.go`,
 * `checkSingleResourceReadiness`): the observed object is bound to the resource id, the entries are evaluated
 * in order, and the first that is false makes the resource not ready. Evaluation uses @bufbuild/cel, with
 * integers bound as CEL ints (as KRO binds the API server's JSON). A condition that errors or returns a
 * non-bool throws: the platform's conditions are meant to be total.
 */
import { celEnv, isCelError, isCelList, isCelMap, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { parseCel } from '../../tools/validate/src/cel-ast';
import { toCel } from '../../tools/validate/src/cel-rules';
import { extractExpressions } from '../../tools/validate/src/kro-expressions';
import type { JsonValue } from '../../lib/shared/json';

/** KRO's verdict on one resource. */
export type Readiness = { readonly ready: true } | { readonly ready: false; readonly failed: string };

/** KRO's CEL environment includes cel-go's string extension (`replace`, `split`…; kro.run/docs "CEL Libraries"). */
const ENV = celEnv({ funcs: strings });

/** The verdict of `readyWhen` (each entry one `${…}`) for the object observed as resource `id`. */
export function evaluateReadyWhen(readyWhen: readonly string[], id: string, observed: unknown): Readiness {
  for (const entry of readyWhen) {
    const extracted = extractExpressions(entry);
    if ('error' in extracted || !extracted.whole) throw new Error(`readyWhen entry ${entry} is not one \${…} expression`);
    const source = extracted.expressions[0]!;
    const parsed = parseCel(source);
    if (!parsed.ok) throw new Error(`readyWhen ${source} does not parse: ${parsed.error}`);
    const result = plan(ENV, parsed.expr)({ [id]: toCel(undefined, observed as JsonValue) } as never);
    if (isCelError(result)) throw new Error(`readyWhen ${source} fails on ${JSON.stringify(observed)}: ${result.message}`);
    if (typeof result !== 'boolean') throw new Error(`readyWhen ${source} returned ${String(result)}, not a bool`);
    if (!result) return { ready: false, failed: entry };
  }
  return { ready: true };
}

/** A CEL value back as JSON: lists and maps recursively, ints as numbers. */
function fromCel(v: unknown): JsonValue {
  if (isCelList(v)) return [...v].map(fromCel);
  if (isCelMap(v)) return Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), fromCel(x)]));
  if (typeof v === 'bigint') return Number(v);
  return v as JsonValue;
}

/**
 * Evaluates one whole-field template expression (`${…}`) as KRO does when it renders a child: the instance is
 * bound as `schema` and other resources by their ids. Throws when it does not evaluate.
 */
export function evaluateTemplate(template: string, bindings: Readonly<Record<string, unknown>>): JsonValue {
  const extracted = extractExpressions(template);
  if ('error' in extracted || !extracted.whole) throw new Error(`${template} is not one \${…} expression`);
  const parsed = parseCel(extracted.expressions[0]!);
  if (!parsed.ok) throw new Error(`${template} does not parse: ${parsed.error}`);
  const vars = Object.fromEntries(Object.entries(bindings).map(([k, v]) => [k, toCel(undefined, v as JsonValue)]));
  const result = plan(ENV, parsed.expr)(vars as never);
  if (isCelError(result)) throw new Error(`${template} fails: ${result.message}`);
  return fromCel(result);
}

/**
 * Renders a whole template as KRO does when every `${…}` in it is a whole field (as in the platform's RGDs):
 * each such string evaluated with {@link evaluateTemplate}, everything else kept.
 */
export function renderTemplate(value: unknown, bindings: Readonly<Record<string, unknown>>): unknown {
  if (typeof value === 'string') return value.startsWith('${') ? evaluateTemplate(value, bindings) : value;
  if (Array.isArray(value)) return value.map((v) => renderTemplate(v, bindings));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderTemplate(v, bindings)]));
  return value;
}
