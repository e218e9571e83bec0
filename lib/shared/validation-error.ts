/**
 * The one error type Mini-Atlas throws for bad configuration.
 *
 * Constructs record problems with {@link recordIssue} (through `node.addValidation`), and synthesis
 * collects every problem of the whole app before throwing once, so a user sees all of them in one run.
 */
import { IConstruct } from 'constructs';

/** One configuration problem, located precisely. */
export interface ValidationIssue {
  /** Construct path, e.g. `Delivery/team-a/web`. */
  readonly path: string;
  /** The offending field, e.g. `replicas` or `spec.hostname`. */
  readonly field: string;
  /** The offending value, rendered as JSON. */
  readonly value: string;
  /** The rule that was broken, e.g. `must be between 1 and 10`. */
  readonly rule: string;
  /** How to fix it. */
  readonly fix?: string;
}

/** Renders one issue as a single line. */
export function formatIssue(issue: ValidationIssue): string {
  const fix = issue.fix ? ` Fix: ${issue.fix}` : '';
  return `${issue.path}: ${issue.field} = ${issue.value}: ${issue.rule}.${fix}`;
}

/** Thrown by synthesis when any construct reports a problem; lists every problem found. */
export class MiniAtlasValidationError extends Error {
  /** All problems, in construct-tree order. */
  public readonly issues: readonly ValidationIssue[];

  public constructor(issues: readonly ValidationIssue[]) {
    super(
      `Mini-Atlas found ${issues.length} configuration error${issues.length === 1 ? '' : 's'}:\n` +
        issues.map((i) => `  - ${formatIssue(i)}`).join('\n'),
    );
    this.name = 'MiniAtlasValidationError';
    this.issues = issues;
  }
}

/** Renders a value for an error message. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  return JSON.stringify(value) ?? String(value);
}

/** Builds an issue for a construct. */
export function issue(scope: IConstruct, field: string, value: unknown, rule: string, fix?: string): ValidationIssue {
  return { path: scope.node.path, field, value: show(value), rule, ...(fix ? { fix } : {}) };
}

/**
 * Registers a validation on `scope`: `check` runs at synthesis and returns the problems it found.
 * Problems are collected across the whole tree by {@link collectIssues}.
 */
export function addIssueCheck(scope: IConstruct, check: () => readonly ValidationIssue[]): void {
  scope.node.addValidation({ validate: () => check().map(formatIssue) });
  ISSUE_CHECKS.set(scope, [...(ISSUE_CHECKS.get(scope) ?? []), check]);
}

const ISSUE_CHECKS = new WeakMap<IConstruct, Array<() => readonly ValidationIssue[]>>();

/** Runs every registered check under `root` and returns all problems (construct-tree order). */
export function collectIssues(root: IConstruct): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const c of root.node.findAll()) {
    for (const check of ISSUE_CHECKS.get(c) ?? []) issues.push(...check());
  }
  return issues;
}

/** Throws a {@link MiniAtlasValidationError} if any check under `root` reports a problem. */
export function assertValid(root: IConstruct): void {
  const issues = collectIssues(root);
  if (issues.length > 0) throw new MiniAtlasValidationError(issues);
}
