/**
 * Evaluates a Flux health check (a kustomize-controller `healthCheckExprs` entry) against an object the way
 * Flux decides it, so that every registered expression can be tested on fixture statuses.
 *
 * The order is fluxcd/pkg `runtime/cel/status_evaluator.go` (`StatusEvaluator.Evaluate`, RFC-0009):
 * 1. `status.observedGeneration` present and different from `metadata.generation`: InProgress, no expression
 *    is evaluated;
 * 2. `inProgress`, `failed`, `current`, each only if given: the first that is true decides (InProgress,
 *    Failed, Current); an evaluation error, or a result that is not a boolean, stops there and kstatus
 *    reports the object Unknown (`errResourceToResourceStatus`), which Flux keeps polling until its timeout;
 * 3. none true: InProgress.
 * Flux parses without declarations (fluxcd/pkg `runtime/cel/expression.go`, `NewExpression`), so the
 * variables are the object's top-level fields; cel-go fails on a name the object does not have ("no such
 * attribute"), where the JS CEL would treat `has(status.x)` as false. Such names are therefore rewritten into
 * a call that fails, which keeps CEL's error absorption by `&&`/`||` intact.
 */
import { celEnv, celFunc, CelScalar, isCelError, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { JsonObject, JsonValue } from 'mini-atlas';
import { functionsOf, parseCel, referencesOf, replaceFreeIdentifiers } from './cel-ast';
import { dynamic } from './cel-rules';

/** kstatus statuses a health check can produce. */
export type FluxHealthStatus = 'Current' | 'InProgress' | 'Failed' | 'Unknown';

/** The expressions of one health check (the `apiVersion` and `kind` of an entry are not needed here). */
export interface FluxHealthExpressions {
  readonly current: string;
  readonly failed?: string;
  readonly inProgress?: string;
}

/** How Flux judges an object. */
export interface FluxHealthVerdict {
  readonly status: FluxHealthStatus;
  /** What decided: the generation check, the expression that was true or failed to evaluate, or none. */
  readonly decidedBy: 'observedGeneration' | 'inProgress' | 'failed' | 'current' | 'none';
  /** The evaluation error (status Unknown). */
  readonly error?: string;
}

const MISSING_ATTRIBUTE = 'flux_health_no_such_attribute';

const ENV = celEnv({
  funcs: [
    ...strings,
    celFunc(MISSING_ATTRIBUTE, [CelScalar.STRING], CelScalar.DYN, (name: string): never => {
      throw new Error(`no such attribute: ${name}`);
    }),
  ],
});
const SUPPORTED = new Set([...ENV.funcs].map((f) => f.name));

function nestedInteger(o: JsonObject, path: readonly string[]): number | undefined {
  let v: JsonValue | undefined = o;
  for (const p of path) v = v && typeof v === 'object' && !Array.isArray(v) ? v[p] : undefined;
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/**
 * Evaluates one expression against an object; throws when Flux would reject the expression itself (it does
 * not parse: the Kustomization stalls) or when it needs something this evaluator lacks.
 */
function evaluate(source: string, object: JsonObject): { value: unknown } | { error: string } {
  const parsed = parseCel(source);
  if (!parsed.ok) throw new Error(`health check expression does not parse: ${source}: ${parsed.error}`);
  if (parsed.desugaredOptional) throw new Error(`optional-field syntax is not supported by this evaluator: ${source}`);
  const missing = [...functionsOf(parsed.expr)].filter((f) => !SUPPORTED.has(f));
  if (missing.length > 0) throw new Error(`calls ${missing.join(', ')}, which this evaluator lacks: ${source}`);
  const absent = new Set(referencesOf(parsed.expr).map((r) => r.root).filter((name) => !(name in object)));
  replaceFreeIdentifiers(parsed.expr, absent, MISSING_ATTRIBUTE);
  // The unstructured object Flux hands to cel-go: whole numbers are int64.
  const result = plan(ENV, parsed.expr)(Object.fromEntries(Object.entries(object).map(([k, v]) => [k, dynamic(v)])) as never);
  if (isCelError(result)) return { error: result.message.replace(/^.*(no such attribute: \S+).*$/s, '$1') };
  return { value: result };
}

/** How Flux's custom status reader judges `object` with `check`. */
export function evaluateFluxHealth(check: FluxHealthExpressions, object: JsonObject): FluxHealthVerdict {
  const observed = nestedInteger(object, ['status', 'observedGeneration']);
  const generation = nestedInteger(object, ['metadata', 'generation']);
  if (observed !== undefined && generation !== undefined && observed !== generation) {
    return { status: 'InProgress', decidedBy: 'observedGeneration' };
  }
  const steps = [
    { key: 'inProgress', source: check.inProgress, status: 'InProgress' },
    { key: 'failed', source: check.failed, status: 'Failed' },
    { key: 'current', source: check.current, status: 'Current' },
  ] as const;
  for (const step of steps) {
    if (step.source === undefined || step.source === '') continue;
    const outcome = evaluate(step.source, object);
    if ('error' in outcome) return { status: 'Unknown', decidedBy: step.key, error: outcome.error };
    if (typeof outcome.value !== 'boolean') {
      return { status: 'Unknown', decidedBy: step.key, error: `failed to evaluate CEL expression as boolean: '${step.source}'` };
    }
    if (outcome.value) return { status: step.status, decidedBy: step.key };
  }
  return { status: 'InProgress', decidedBy: 'none' };
}
