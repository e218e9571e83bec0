/**
 * Shared data types of the offline conformance suite (`npm run validate`).
 */

/** The check family that reported a violation. */
export type CheckName = 'load' | 'schema' | 'rgd' | 'flux' | 'hygiene' | 'cross-check';

/** One broken rule. */
export interface Violation {
  /** Which check found it. */
  readonly check: CheckName;
  /** Absolute path of the file holding the object. */
  readonly file: string;
  /** Document index in that file. */
  readonly index: number;
  /** `apiVersion` of the object ('' when absent). */
  readonly apiVersion: string;
  /** `kind` of the object ('' when absent). */
  readonly kind: string;
  /** `namespace/name`, or `name` for objects without a namespace. */
  readonly name: string;
  /** JSON path inside the object, e.g. `$.spec.template.spec.containers[0].image`. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
}

/** A CEL rule (`x-kubernetes-validations`) that the suite did not evaluate, and why. */
export interface UnevaluatedRule {
  /** `group/version/Kind` of the schema holding the rule. */
  readonly schema: string;
  /** Schema path of the node carrying the rule. */
  readonly schemaPath: string;
  /** The CEL source. */
  readonly rule: string;
  /** Why it was not evaluated. */
  readonly reason: string;
}

/** Counters of `x-kubernetes-validations` evaluation over one run. */
export interface CelStatistics {
  /** Rule evaluations that produced a result (true or false). */
  evaluations: number;
  /** Rule evaluations that returned false or failed at run time (each is also a violation). */
  failures: number;
  /** Distinct transition rules (`oldSelf`) met: they apply on update only, never to a create. */
  readonly transitionRules: UnevaluatedRule[];
  /** Distinct rules that could not be evaluated (e.g. an unsupported library function). */
  readonly unevaluable: UnevaluatedRule[];
}

/** Objects and violations of one `apiVersion/kind`. */
export interface KindSummary {
  readonly apiVersion: string;
  readonly kind: string;
  readonly objects: number;
  readonly violations: number;
}

/** Wall-clock time of the phases of one run, in milliseconds. */
export interface Timings {
  /** Reading and parsing the YAML under the directory. */
  readonly loadMs: number;
  /** Loading and compiling the upstream schemas (zero when this process had compiled them already). */
  readonly compileMs: number;
  /** All checks. */
  readonly validateMs: number;
}

/** Everything one run found. */
export interface ValidationReport {
  /** The directory that was validated. */
  readonly dir: string;
  /** Documents read. */
  readonly documents: number;
  readonly violations: readonly Violation[];
  readonly kinds: readonly KindSummary[];
  readonly cel: CelStatistics;
  /** Things deliberately not checked, with the reason (e.g. an image given by a CEL expression). */
  readonly notes: readonly string[];
  readonly timings: Timings;
}
