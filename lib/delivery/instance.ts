/**
 * Shared machinery of the tenant constructs: each one emits one KRO instance (an object of a kind generated
 * by a Foundation RGD) and validates its spec against the abstraction's single schema declaration.
 */
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { PLATFORM_API_VERSION } from '../shared/api';
import { dataAnnotations } from '../shared/data-bearing';
import { dnsLabelProblem } from '../shared/names';
import { addIssueCheck, issue, issueAt, ValidationIssue } from '../shared/validation-error';
import { kroInstanceHealthCheck } from '../foundation/resource-graph';
import { registerHealthCheck } from '../gitops/health-checks';
import { applyDefaults, checkFields, Fields, ResolvedSpecOf, SpecOf } from '../shared/fields';
import { PodDemand } from '../foundation/cross-checks';
import { partOfLabel } from '../shared/platform-name';

/** What every instance construct knows about itself. */
export interface InstanceOptions<F extends Fields> {
  /** Generated kind, e.g. `WebApplication`. */
  readonly kind: string;
  /** Kubernetes name of the instance. */
  readonly name: string;
  /** Namespace, or undefined for cluster-scoped kinds. */
  readonly namespace?: string;
  /** The schema declaration. */
  readonly fields: F;
  /** The spec as given (defaults not applied). */
  readonly spec: SpecOf<F>;
  /** Labels. */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Name of the workspace the instance belongs to: its name must then start with `<workspace>-` (the rule
   * the Kyverno workspace-naming policy enforces). Unset for the Workspace itself.
   */
  readonly workspace?: string;
}

/**
 * Picks a free construct id: a duplicate name is reported as a validation issue (with every other problem
 * of the synth) instead of the immediate exception `constructs` would throw.
 */
export function freeId(scope: IConstruct, id: string, duplicates: string[]): string {
  if (!scope.node.tryFindChild(id)) return id;
  duplicates.push(id);
  let n = 2;
  while (scope.node.tryFindChild(`${id}~${n}`)) n++;
  return `${id}~${n}`;
}

/** Emits a KRO instance and checks its spec; base of the four tenant constructs. */
export abstract class Instance<F extends Fields> extends Construct {
  /** Kubernetes name of the instance. */
  public readonly name: string;
  /** Generated kind. */
  public readonly kind: string;
  /** The instance object. */
  public readonly apiObject: ApiObject;
  /** The spec as written to the instance (explicit values and environment defaults). */
  public readonly spec: SpecOf<F>;
  /** The spec with the schema defaults applied: what the RGD will see. */
  public readonly resolvedSpec: ResolvedSpecOf<F>;
  protected readonly duplicateIds: string[];
  private readonly workspacePrefix?: string;

  protected constructor(scope: Construct, id: string, duplicates: string[], options: InstanceOptions<F>) {
    super(scope, id);
    this.duplicateIds = duplicates;
    this.workspacePrefix = options.workspace === undefined ? undefined : `${options.workspace}-`;
    this.name = options.name;
    this.kind = options.kind;
    this.spec = options.spec;
    this.resolvedSpec = applyDefaults(options.fields, options.spec);
    this.apiObject = new ApiObject(this, 'instance', {
      apiVersion: PLATFORM_API_VERSION,
      kind: options.kind,
      metadata: {
        name: options.name,
        ...(options.namespace ? { namespace: options.namespace } : {}),
        labels: { ...partOfLabel(this), ...(options.labels ?? {}) },
        // Data-bearing kinds (Workspace, Infrastructure, Topic) are never pruned by Flux.
        annotations: dataAnnotations(PLATFORM_API_VERSION, options.kind),
      },
      spec: stripUndefined(options.spec),
    });
    // The same check the kind's ResourceGraph registers: a stage of instances alone still knows it.
    registerHealthCheck(this, kroInstanceHealthCheck(PLATFORM_API_VERSION, options.kind));
    addIssueCheck(this, () => {
      const specific = [...this.checkName(), ...this.validateInstance()];
      // A kind-specific check says more than the schema pattern for the same field: keep only the former.
      const covered = new Set(specific.map((i) => i.field));
      const schema = checkFields(options.fields, options.spec as Record<string, unknown>)
        // A string value is shown as JSON: '"team-a-web"'.
        .filter((p) => !(p.value.startsWith('"') && this.derivedFromInvalidWorkspace(JSON.parse(p.value) as string)))
        .map((p) => issueAt(this, p, 'spec.'))
        .filter((i) => !covered.has(i.field));
      const dupes = this.duplicateIds.map((d) =>
        issue(scope, 'name', d, `is used by two ${options.kind}s in ${scope.node.path || 'the app'}`, 'give each one a unique name'));
      return [...dupes, ...schema, ...specific];
    });
  }

  /**
   * The objects KRO creates for this instance whose names could clash with another instance's in the same
   * namespace, as `Kind name` (e.g. `Service team-a-db-rw`). The Workspace checks them for clashes.
   * @returns none by default
   */
  public derivedObjects(): readonly string[] {
    return [];
  }

  /**
   * The pods KRO's children of this instance run, with their limits; the Workspace checks that its quota holds
   * them all (`quotaProblems`).
   * @returns none by default
   */
  public podDemands(): readonly PodDemand[] {
    return [];
  }

  /** Kind-specific checks (names of derived objects, references…). @returns none by default */
  protected validateInstance(): ValidationIssue[] {
    return [];
  }

  /** Longest allowed instance name. */
  protected maxNameLength(): number {
    return 63;
  }

  /**
   * Why the instance's name is not a valid name of its kind (a DNS-1123 label of at most 63 characters; a
   * Workspace's at most `MAX_WORKSPACE_NAME`), or undefined when it is one. Checks that derive a value from
   * the name (an instance's name prefix, a host name suggestion) skip it while this reports a problem.
   */
  public nameProblem(): string | undefined {
    return dnsLabelProblem(this.name, this.maxNameLength());
  }

  /**
   * Whether `value` starts with the prefix of an invalid workspace name (the workspace is the instance this one
   * was created in): the instance's own name, or a reference the library derived from another instance's name.
   * That part is not reported again: the Workspace reports its name with the fix that applies, so one mistake
   * is reported once (as `FluxStageProps.pathDerivedFrom` does for the stage path).
   */
  private derivedFromInvalidWorkspace(value: string): boolean {
    const prefix = this.workspacePrefix;
    if (prefix === undefined || !value.startsWith(prefix)) return false;
    const owner = this.node.scopes.slice(0, -1).reverse().find((c): c is Instance<Fields> => c instanceof Instance);
    return owner?.nameProblem() !== undefined;
  }

  private checkName(): ValidationIssue[] {
    const out: ValidationIssue[] = [];
    const prefix = this.workspacePrefix;
    // What the instance adds after an invalid workspace's prefix is still checked.
    if (prefix !== undefined && this.derivedFromInvalidWorkspace(this.name)) {
      const own = this.name.slice(prefix.length);
      const p = dnsLabelProblem(own);
      if (p) out.push(issue(this, 'name', this.name, `after the workspace prefix, "${own}" ${p}`, 'use a shorter lowercase name of letters, digits and "-"'));
      return out;
    }
    const p = this.nameProblem();
    if (p) out.push(issue(this, 'name', this.name, p, 'use a shorter lowercase name of letters, digits and "-"'));
    if (prefix !== undefined && !this.name.startsWith(prefix)) {
      out.push(issue(this, 'name', this.name, `must start with the workspace prefix "${prefix}" (Kyverno policy workspace-naming)`, `name it "${prefix}${this.name}" or omit the name`));
    }
    return out;
  }
}

/** JSON has no undefined: drop such keys so that the synthesized spec is minimal and stable. */
export function stripUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stripUndefined) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).map(([k, v]) => [k, stripUndefined(v)]),
    ) as T;
  }
  return value;
}

const REGISTRIES = new WeakMap<IConstruct, Map<string, IConstruct[]>>();

/**
 * Registers `c` under `key` in its app and returns everything registered under that key so far
 * (for cross-chart uniqueness checks without scanning the whole tree per construct).
 */
export function register<T extends IConstruct>(c: T, key: string): readonly T[] {
  const root = c.node.root;
  let byKey = REGISTRIES.get(root);
  if (!byKey) REGISTRIES.set(root, (byKey = new Map()));
  const list = byKey.get(key) ?? [];
  list.push(c);
  byKey.set(key, list);
  return list as T[];
}

/** Everything registered under `key` in the app of `scope`. */
export function registered<T extends IConstruct>(scope: IConstruct, key: string): readonly T[] {
  return (REGISTRIES.get(scope.node.root)?.get(key) ?? []) as T[];
}
