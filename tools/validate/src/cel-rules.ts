/**
 * Evaluates `x-kubernetes-validations` rules as the API server does on create: `self` is the value at the
 * rule's node, typed by the schema (integers as CEL int, declared property names escaped, schema defaults
 * applied first); transition rules (`oldSelf`) are skipped because they apply on update only; a rule that
 * calls a function this evaluator lacks is recorded as unevaluable, never silently passed.
 */
import { isIP } from 'node:net';
import { celEnv, celFunc, CelScalar, isCelError, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { JsonValue } from 'mini-atlas';
import { functionsOf, parseCel } from './cel-ast';
import { isCidr, isQuantity } from './formats';
import { CelStatistics, UnevaluatedRule } from './model';
import { SchemaNode, ValidationRuleSpec } from './schema-node';
import { RuleEvaluator } from './structural-validator';
import type { Violation } from './model';

/** Kubernetes CEL library functions implemented here (the ones the pinned CRDs use, and siblings). */
const KUBERNETES_FUNCTIONS = [
  celFunc('isIP', [CelScalar.STRING], CelScalar.BOOL, (s: string) => isIP(s) !== 0 && !s.includes('%') && !/^::ffff:/i.test(s) && !/(^|\.)0\d/.test(s)),
  celFunc('isCIDR', [CelScalar.STRING], CelScalar.BOOL, (s: string) => isCidr(s)),
  celFunc('isQuantity', [CelScalar.STRING], CelScalar.BOOL, (s: string) => isQuantity(s)),
  celFunc('isURL', [CelScalar.STRING], CelScalar.BOOL, (s: string) => {
    try {
      return Boolean(new URL(s).protocol);
    } catch {
      return s.startsWith('/');
    }
  }),
];

const ENV = celEnv({ funcs: [...strings, ...KUBERNETES_FUNCTIONS] });
const SUPPORTED = new Set([...ENV.funcs].map((f) => f.name));

type Program = ReturnType<typeof plan>;
type CompiledRule = { readonly program: Program } | { readonly unevaluable: string };
const compiled = new Map<string, CompiledRule>();

function compileRule(source: string): CompiledRule {
  const hit = compiled.get(source);
  if (hit) return hit;
  let result: CompiledRule;
  const parsed = parseCel(source);
  if (!parsed.ok) result = { unevaluable: `the JS CEL parser rejects it: ${parsed.error}` };
  else if (parsed.desugaredOptional) result = { unevaluable: 'uses optional-field syntax (.? / [?), which the JS CEL implementation lacks' };
  else {
    const missing = [...functionsOf(parsed.expr)].filter((f) => !SUPPORTED.has(f));
    result = missing.length > 0
      ? { unevaluable: `calls ${missing.join(', ')}, not available in the JS CEL implementation` }
      : { program: plan(ENV, parsed.expr) };
  }
  compiled.set(source, result);
  return result;
}

/** Whether the evaluator can run a rule: `evaluable`, `transition` (update only), or why not. */
export function classifyRule(rule: string): { readonly status: 'evaluable' | 'transition' | 'unevaluable'; readonly reason?: string } {
  if (/\boldSelf\b/.test(rule)) return { status: 'transition', reason: 'reads oldSelf: applies on update only' };
  const c = compileRule(rule);
  return 'unevaluable' in c ? { status: 'unevaluable', reason: c.unevaluable } : { status: 'evaluable' };
}

const RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if',
  'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/** The CEL name of a declared property (Kubernetes escaping), or undefined if CEL cannot reach it. */
export function celPropertyName(name: string): string | undefined {
  if (RESERVED.has(name)) return `__${name}__`;
  if (!/^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/.test(name)) return undefined;
  return name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__').replace(/\//g, '__slash__');
}

/** A CEL input value. */
export type CelIn = null | boolean | bigint | number | string | CelIn[] | { [key: string]: CelIn };

/** A JSON value as CEL sees untyped (unstructured) data: whole numbers are int, others double. */
export function dynamic(v: JsonValue): CelIn {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(dynamic);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, dynamic(x)]));
  return v;
}

/** Converts a JSON value to the CEL value the API server binds for this schema node (defaults applied). */
export function toCel(node: SchemaNode | undefined, v: JsonValue, root = false): CelIn {
  if (!node) return dynamic(v);
  if (v === null) return null;
  if (typeof v === 'number') {
    const intTyped = node.intOrString || (node.types?.has('integer') && !node.types.has('number'));
    if (intTyped || (!node.types && Number.isInteger(v))) return Number.isInteger(v) ? BigInt(v) : v;
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => toCel(node.items, x));
  if (typeof v === 'object') {
    const out: { [key: string]: CelIn } = {};
    const props = node.properties;
    for (const [k, x] of Object.entries(v)) {
      if (root && k === 'metadata' && x && typeof x === 'object' && !Array.isArray(x)) {
        const meta: { [key: string]: CelIn } = {};
        if (typeof x.name === 'string') meta.name = x.name;
        if (typeof x.generateName === 'string') meta.generateName = x.generateName;
        out.metadata = meta;
        continue;
      }
      const declared = props?.get(k);
      if (declared) {
        const name = celPropertyName(k);
        if (name) out[name] = toCel(declared, x);
      } else if (node.additionalProperties) {
        out[k] = toCel(node.additionalProperties, x);
      } else {
        out[k] = dynamic(x);
      }
    }
    if (props) {
      for (const [k, child] of props) {
        const name = celPropertyName(k);
        if (name && !(name in out) && child.default !== undefined && !(root && k === 'metadata')) out[name] = toCel(child, child.default);
      }
    }
    return out;
  }
  return v;
}

/** Evaluates the rules of one kind's schema; shares statistics across a run. */
export class CelRuleEvaluator implements RuleEvaluator {
  /**
   * @param schemaId `group/version/Kind` of the schema (for the unevaluated-rules report)
   * @param stats run-wide counters and lists
   * @param seen keys of rules already listed in `stats`
   */
  constructor(
    private readonly schemaId: string,
    private readonly stats: CelStatistics,
    private readonly seen: Set<string>,
  ) {}

  evaluate(node: SchemaNode, value: JsonValue, path: string, isRoot: boolean, issues: Pick<Violation, 'path' | 'message'>[]): void {
    let self: CelIn | undefined;
    for (const rule of node.rules) {
      if (rule.transition) {
        this.record(this.stats.transitionRules, node, rule, 'transition rule (reads oldSelf): applies on update only');
        continue;
      }
      const c = compileRule(rule.rule);
      if ('unevaluable' in c) {
        this.record(this.stats.unevaluable, node, rule, c.unevaluable);
        continue;
      }
      self ??= toCel(node, value, isRoot);
      const result = c.program({ self } as never);
      if (isCelError(result)) {
        if (/unbound function/.test(result.message)) {
          this.record(this.stats.unevaluable, node, rule, result.message);
          continue;
        }
        this.stats.evaluations++;
        this.stats.failures++;
        issues.push({ path: this.at(path, rule), message: `rule ${JSON.stringify(rule.rule)} fails to evaluate: ${result.message}` });
        continue;
      }
      this.stats.evaluations++;
      if (result !== true) {
        this.stats.failures++;
        issues.push({ path: this.at(path, rule), message: this.messageOf(rule, self) });
      }
    }
  }

  private at(path: string, rule: ValidationRuleSpec): string {
    if (!rule.fieldPath) return path;
    return rule.fieldPath.startsWith('.') || rule.fieldPath.startsWith('[') ? `${path}${rule.fieldPath}` : `${path}.${rule.fieldPath}`;
  }

  private messageOf(rule: ValidationRuleSpec, self: CelIn): string {
    if (rule.messageExpression) {
      const c = compileRule(rule.messageExpression);
      if ('program' in c) {
        const m = c.program({ self } as never);
        if (typeof m === 'string' && m.trim() !== '') return m;
      }
    }
    return rule.message ?? `failed rule: ${rule.rule}`;
  }

  private record(list: UnevaluatedRule[], node: SchemaNode, rule: ValidationRuleSpec, reason: string): void {
    const key = `${this.schemaId}|${node.origin}|${rule.rule}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    list.push({ schema: this.schemaId, schemaPath: node.origin, rule: rule.rule, reason });
  }
}
