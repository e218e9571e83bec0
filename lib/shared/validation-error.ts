/**
 * The one error type Mini-Atlas throws for bad configuration.
 *
 * Constructs register their checks with {@link addIssueCheck} (cdk8s's `node.addValidation`, the only registry).
 * Synthesis — `app.synth()` as much as `renderApp`/`writeDist` (`npm run synth`) — collects every problem of
 * the whole app before throwing once, so a user sees all of them in one run, as the same error.
 */
import { IConstruct, IValidation } from 'constructs';

/**
 * One configuration problem, located precisely: the one type for "a problem" in the construct tree. A rule that
 * knows only part of it returns that part — `Omit<ValidationIssue, 'path'>` (a schema or profile check: field,
 * value, rule) or `Pick<ValidationIssue, 'rule' | 'fix'>` (a cross-check, which the caller gives its field and
 * value) — and the construct completes it ({@link issue}, {@link issueAt}).
 */
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
 * The issue a rule found (`part`: field, value already rendered as JSON, rule, fix) at `scope`'s path, its field
 * prefixed with `fieldPrefix` (e.g. `spec.`).
 */
export function issueAt(scope: IConstruct, part: Omit<ValidationIssue, 'path'>, fieldPrefix = ''): ValidationIssue {
  return { path: scope.node.path, ...part, field: fieldPrefix + part.field };
}

/** Options of {@link addIssueCheck}. */
export interface IssueCheckOptions {
  /**
   * Run the check only when every other check of the app found nothing: for a problem that usually follows
   * from one another check reports with the better fix (two objects with one name after a name clash), so one
   * mistake is reported once. @default false
   */
  readonly whenNoOtherIssue?: boolean;
}

/**
 * Registers a check on `scope` (through cdk8s's `node.addValidation`): `check` runs at synthesis and returns
 * the problems it found. The first check under a root also hooks the root (see {@link assertValid}), so plain
 * `app.synth()` reports the problems of the whole app as one {@link MiniAtlasValidationError}.
 */
export function addIssueCheck(scope: IConstruct, check: () => readonly ValidationIssue[], options: IssueCheckOptions = {}): void {
  scope.node.addValidation(new IssueCheck(check, options.whenNoOtherIssue ?? false));
  const root = scope.node.root;
  if (!HOOKED_ROOTS.has(root)) {
    HOOKED_ROOTS.add(root);
    // cdk8s validates the root first: this throws the typed error before cdk8s's own wrapper sees a string.
    root.node.addValidation({
      validate: () => {
        if (!collecting) assertValid(root);
        return [];
      },
    });
  }
}

/** Roots that already carry the hook (a marker, so each root gets one; the checks live in `node.addValidation`). */
const HOOKED_ROOTS = new WeakSet<IConstruct>();

/** Set while {@link collectIssues} walks a tree: checks report into it (or wait in `deferred`) instead of returning strings. */
let collecting: { readonly issues: ValidationIssue[]; readonly deferred: IssueCheck[] } | undefined;

/** A check registered by {@link addIssueCheck}: typed issues while collecting, lines for `node.validate()`. */
class IssueCheck implements IValidation {
  public constructor(public readonly check: () => readonly ValidationIssue[], private readonly whenNoOtherIssue: boolean) {}

  public validate(): string[] {
    if (collecting) {
      if (this.whenNoOtherIssue) collecting.deferred.push(this);
      else collecting.issues.push(...this.check());
      return [];
    }
    return this.check().map(formatIssue);
  }
}

/**
 * Runs every validation under `root` (ours and any other `node.addValidation`) and returns all problems, in
 * construct-tree order (per construct, ours first). A message of another validation becomes an issue of its
 * construct: field `validation`, value the construct's class name. Checks registered with `whenNoOtherIssue`
 * run last, and only when nothing else was found.
 */
export function collectIssues(root: IConstruct): ValidationIssue[] {
  const outer = collecting;
  const issues: ValidationIssue[] = [];
  const deferred: IssueCheck[] = [];
  collecting = { issues, deferred };
  try {
    for (const c of root.node.findAll()) {
      // Our checks push into `issues` while this runs and return nothing; what returns is another validation's.
      const others = c.node.validate();
      for (const message of others) issues.push({ path: c.node.path, field: 'validation', value: show(c.constructor.name), rule: message });
    }
    if (issues.length === 0) for (const d of deferred) issues.push(...d.check());
  } finally {
    collecting = outer;
  }
  return issues;
}

/**
 * Throws a {@link MiniAtlasValidationError} listing every problem under `root`. The one validation path:
 * `renderApp` (so `npm run synth`) calls it, and cdk8s's `app.synth()` runs it first through the root's hook.
 */
export function assertValid(root: IConstruct): void {
  const issues = collectIssues(root);
  if (issues.length > 0) throw new MiniAtlasValidationError(issues);
}
