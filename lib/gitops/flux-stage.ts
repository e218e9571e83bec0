/**
 * A Flux stage: one folder of `dist/` reconciled by one Flux Kustomization.
 *
 * Every object created inside a stage (at any depth) is written to `dist/<path>/`. The flux-system chart
 * turns the stages into Kustomizations, so the Flux graph is derived from the construct tree and can never
 * list a path that is not synthesized.
 */
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { DNS_LABEL_SOURCE } from '../shared/names';
import { objectFileName, objectKey, RenderedObject } from '../shared/rendered';
import { addIssueCheck, issue, ValidationIssue } from '../shared/validation-error';
import {
  groupKindOf, HealthCheckExpression, isBuiltinApiVersion, readinessDeclarationOf, registeredHealthCheck,
} from './health-checks';

/**
 * The service account platform stages are applied as: kustomize-controller's own, which `flux install` binds to
 * cluster-admin (its `cluster-reconciler` ClusterRoleBinding). Named explicitly on every platform stage because
 * the controller runs with `--default-service-account` (Flux multi-tenancy lockdown,
 * https://fluxcd.io/flux/installation/configuration/multitenancy/): a Kustomization that names no account is
 * applied as that unprivileged default, never as the controller.
 */
export const PLATFORM_SERVICE_ACCOUNT = 'kustomize-controller';

/** A kind a tenant stage may hold. */
export interface TenantKind {
  /** e.g. `platform.mini-atlas.io/v1alpha1`. */
  readonly apiVersion: string;
  /** e.g. `WebApplication`. */
  readonly kind: string;
}

/**
 * What a tenant stage may hold: objects of `kinds`, each in `namespace`. The stage's Flux service account is
 * allowed exactly this, so anything else would fail in the cluster; synth refuses it first.
 */
export interface TenantStageScope {
  /** The one namespace the stage's objects live in (a workspace's). */
  readonly namespace: string;
  /** The kinds the stage may hold (at least one). */
  readonly kinds: readonly TenantKind[];
}

/** Properties of a {@link FluxStage}. */
export interface FluxStageProps {
  /** Folder below `dist/`, e.g. `core/operators`. Lowercase segments separated by `/`. */
  readonly path: string;
  /** Stages that must be Ready before this one is applied. @default [] */
  readonly dependsOn?: readonly FluxStage[];
  /** Wait for every applied object to become healthy before the stage is Ready. @default true */
  readonly wait?: boolean;
  /**
   * Health checks for kinds whose constructs register none (Flux `healthCheckExprs`), added to those derived
   * from the kinds the stage holds (see {@link registerHealthCheck}). An entry for a kind that has a
   * registered check is an error: Flux would use only one of the two.
   * @default []
   */
  readonly healthCheckExpressions?: readonly HealthCheckExpression[];
  /**
   * Delete objects that disappear from Git. Stateful objects inside additionally carry
   * `kustomize.toolkit.fluxcd.io/prune: disabled`. @default true
   */
  readonly prune?: boolean;
  /** How long Flux waits for health before failing the stage. @default '10m' */
  readonly timeout?: string;
  /**
   * Set when `path` is derived from a value that another construct checks (e.g. `DeliveryChart.addWorkspace`
   * derives `delivery/<name>` from the workspace name, which the Workspace checks): the path is then not
   * checked again, so one mistake is reported once, with the fix that applies to what the author wrote.
   * Names that value, e.g. `'the workspace name'`. @default undefined (the path is checked here)
   */
  readonly pathDerivedFrom?: string;
  /**
   * The service account (in Flux's namespace) kustomize-controller impersonates to apply the stage (the
   * Kustomization's `spec.serviceAccountName`). A tenant stage names its workspace's least-privileged account.
   * @default PLATFORM_SERVICE_ACCOUNT (`kustomize-controller`, cluster-admin)
   */
  readonly serviceAccountName?: string;
  /**
   * Makes the stage a tenant stage: it may hold only objects of these kinds in this namespace, and must name
   * a service account other than {@link PLATFORM_SERVICE_ACCOUNT}. @default undefined (a platform stage)
   */
  readonly tenant?: TenantStageScope;
}

const STAGE_SYMBOL = Symbol.for('mini-atlas.FluxStage');
const PLACEMENTS = new WeakMap<IConstruct, FluxStage>();
const PATH_PATTERN = new RegExp(`^${DNS_LABEL_SOURCE}(/${DNS_LABEL_SOURCE})*$`);

/** A folder of `dist/` and the Flux Kustomization that applies it. */
export class FluxStage extends Construct {
  /** True if `x` is a FluxStage (works across copies of the library). */
  public static isFluxStage(x: unknown): x is FluxStage {
    return typeof x === 'object' && x !== null && STAGE_SYMBOL in x;
  }

  /**
   * The stage an object is written to: the stage it was explicitly `place`d in (on it or the nearest
   * ancestor), else the nearest stage enclosing it, else undefined.
   */
  public static of(scope: IConstruct): FluxStage | undefined {
    for (const c of [...scope.node.scopes].reverse()) {
      const placed = PLACEMENTS.get(c);
      if (placed) return placed;
      if (FluxStage.isFluxStage(c)) return c;
    }
    return undefined;
  }

  /**
   * Writes `construct` (and what it contains) to `stage` instead of the stage enclosing it. Used when an
   * object must be applied one Flux step earlier than its siblings, e.g. a Workspace (which creates the
   * namespace) before the objects that live in that namespace.
   */
  public static place(construct: IConstruct, stage: FluxStage): void {
    PLACEMENTS.set(construct, stage);
    stage.placed.add(construct);
  }

  /** Folder below `dist/`. */
  public readonly path: string;
  /** Name of the Flux Kustomization (the path with `/` replaced by `-`). */
  public readonly kustomizationName: string;
  public readonly wait: boolean;
  public readonly prune: boolean;
  public readonly timeout: string;
  /** The service account Flux applies the stage as (the Kustomization's `spec.serviceAccountName`). */
  public readonly serviceAccountName: string;
  /** What the stage may hold, when it is a tenant stage. */
  public readonly tenant?: TenantStageScope;
  /** The health checks given explicitly ({@link FluxStageProps.healthCheckExpressions}). */
  public readonly explicitHealthChecks: readonly HealthCheckExpression[];
  private readonly deps: FluxStage[];
  /** Constructs `place`d in this stage from elsewhere in the tree. */
  private readonly placed = new Set<IConstruct>();

  public constructor(scope: Construct, id: string, props: FluxStageProps) {
    super(scope, id);
    Object.defineProperty(this, STAGE_SYMBOL, { value: true });
    this.path = props.path;
    this.kustomizationName = props.path.replace(/\//g, '-');
    this.wait = props.wait ?? true;
    this.prune = props.prune ?? true;
    this.timeout = props.timeout ?? '10m';
    this.serviceAccountName = props.serviceAccountName ?? PLATFORM_SERVICE_ACCOUNT;
    this.tenant = props.tenant;
    this.explicitHealthChecks = props.healthCheckExpressions ?? [];
    this.deps = [...(props.dependsOn ?? [])];
    requirePlacement(this);
    addIssueCheck(this, () => [
      ...(PATH_PATTERN.test(this.path) || props.pathDerivedFrom !== undefined
        ? []
        : [issue(this, 'path', this.path, 'must be lowercase DNS-label segments separated by "/"', 'use a path like "core/operators"')]),
      ...this.checkHealthCoverage(),
      ...this.checkTenantScope(),
    ]);
  }

  /**
   * The objects written to this stage: those in its subtree and in constructs `place`d here, minus
   * those placed in (or nested in) another stage. In construct-tree order.
   */
  public apiObjects(): ApiObject[] {
    const found = new Set<ApiObject>();
    for (const root of [this, ...this.placed]) {
      for (const c of root.node.findAll()) if (c instanceof ApiObject && FluxStage.of(c) === this) found.add(c);
    }
    return [...found];
  }

  /**
   * The stage's Flux `healthCheckExprs`: the registered health check of every kind the stage holds, plus the
   * explicit ones, sorted by API version and kind. Derived from the construct tree each time it is read.
   */
  public get healthCheckExpressions(): readonly HealthCheckExpression[] {
    const byKind = new Map<string, HealthCheckExpression>();
    for (const o of this.apiObjects()) {
      const check = registeredHealthCheck(this, o.apiVersion, o.kind);
      if (check) byKind.set(groupKindOf(check.apiVersion, check.kind), check);
    }
    for (const e of this.explicitHealthChecks) {
      const key = groupKindOf(e.apiVersion, e.kind);
      if (!byKind.has(key)) byKind.set(key, e);
    }
    return [...byKind.values()].sort((a, b) => a.apiVersion.localeCompare(b.apiVersion) || a.kind.localeCompare(b.kind));
  }

  /** Stages this one depends on. */
  public get dependsOn(): readonly FluxStage[] {
    return this.deps;
  }

  /** Adds a dependency. */
  public addDependency(...stages: FluxStage[]): void {
    for (const s of stages) if (!this.deps.includes(s)) this.deps.push(s);
  }

  /**
   * A tenant stage holds only its scope's kinds in its scope's namespace, and is not applied as the platform's
   * account: Flux applies it with exactly the rights of its workspace, so a hostile or mistaken object (a
   * ClusterRoleBinding, an instance in another workspace) is refused here instead of failing the team's stage.
   */
  private checkTenantScope(): ValidationIssue[] {
    const scope = this.tenant;
    if (!scope) return [];
    const out: ValidationIssue[] = [];
    if (this.serviceAccountName === PLATFORM_SERVICE_ACCOUNT) {
      out.push(issue(this, 'serviceAccountName', this.serviceAccountName,
        `is the platform's cluster-admin account, but stage "${this.path}" is a tenant stage`,
        `name the workspace's own delivery account (one bound only in namespace "${scope.namespace}")`));
    }
    const allowed = scope.kinds.map((k) => `${k.apiVersion} ${k.kind}`);
    for (const o of this.apiObjects()) {
      const kind = `${o.apiVersion} ${o.kind}`;
      if (!allowed.includes(kind)) {
        out.push(issue(o, 'kind', kind,
          `is not allowed in tenant stage "${this.path}": it may hold only ${scope.kinds.map((k) => k.kind).join(', ')} in namespace "${scope.namespace}", all its Flux service account may create`,
          'a team creates only its workspace\'s instances; anything else belongs to the platform (core or foundation)'));
        continue;
      }
      const ns = o.metadata.namespace;
      if (ns !== scope.namespace) {
        out.push(issue(o, 'metadata.namespace', ns ?? '(none)',
          `is outside tenant stage "${this.path}", which may write only into namespace "${scope.namespace}"`,
          `create the instance inside workspace "${scope.namespace}"`));
      }
    }
    return out;
  }

  /**
   * A waiting stage must be able to tell that each custom resource it holds works: its kind needs a
   * registered health check or a readiness declaration (kstatus would count it healthy as soon as it
   * exists; see `health-checks.ts`). An explicit check must not shadow a registered one.
   */
  private checkHealthCoverage(): ValidationIssue[] {
    const out: ValidationIssue[] = [];
    for (const e of this.explicitHealthChecks) {
      if (registeredHealthCheck(this, e.apiVersion, e.kind)) {
        out.push(issue(this, 'healthCheckExpressions', `${e.apiVersion} ${e.kind}`,
          `duplicates the health check registered for ${groupKindOf(e.apiVersion, e.kind)} (Flux uses only the first entry per kind)`,
          'remove the explicit entry; the registered check is derived for every stage that holds the kind'));
      }
    }
    if (!this.wait) return out;
    const uncovered = new Map<string, { apiVersion: string; kind: string; objects: string[] }>();
    for (const o of this.apiObjects()) {
      if (isBuiltinApiVersion(o.apiVersion) || readinessDeclarationOf(o.apiVersion, o.kind)) continue;
      const key = groupKindOf(o.apiVersion, o.kind);
      if (registeredHealthCheck(this, o.apiVersion, o.kind) || this.explicitHealthChecks.some((e) => groupKindOf(e.apiVersion, e.kind) === key)) continue;
      const entry = uncovered.get(key) ?? { apiVersion: o.apiVersion, kind: o.kind, objects: [] };
      entry.objects.push(o.node.path);
      uncovered.set(key, entry);
    }
    for (const { apiVersion, kind, objects } of uncovered.values()) {
      out.push(issue(this, 'healthCheckExpressions', `${apiVersion} ${kind}`,
        `stage "${this.path}" waits for ${objects.join(', ')}, but custom kind ${groupKindOf(apiVersion, kind)} has no registered ` +
        'health check and no readiness declaration, so Flux would count it healthy as soon as it exists',
        `register one in the construct that creates the kind: registerHealthCheck(this, { apiVersion: '${apiVersion}', kind: '${kind}', current: <CEL: ready for the current generation> })`));
    }
    return out;
  }
}

// Every object of an app is written exactly once: inside a Flux stage (else no Flux Kustomization applies it)
// and in a file of its own (two objects with the same kind, namespace and name in one stage would overwrite each
// other). Checks of the whole app, registered on its root through `addIssueCheck` (cdk8s's `node.addValidation`),
// so plain `app.synth()` reports these problems exactly as `npm run synth` does.

/** Roots that carry the placement checks (a marker: each root gets them once). */
const CHECKED_ROOTS = new WeakSet<IConstruct>();

/**
 * Registers the placement checks on `scope`'s root, once per root: objects outside any stage
 * ({@link strayObjectIssues}) and objects defined twice ({@link duplicateObjectIssues}; only when nothing else
 * is wrong, since a name clash another check reports with its fix makes two objects of one name). Called by
 * `FluxStage`'s constructor (an app with a stage is a Mini-Atlas app) and by `renderApp` (an app without any
 * stage has nothing it could write).
 */
export function requirePlacement(scope: IConstruct): void {
  const root = scope.node.root;
  if (CHECKED_ROOTS.has(root)) return;
  CHECKED_ROOTS.add(root);
  addIssueCheck(root, () => strayObjectIssues(root));
  addIssueCheck(root, () => duplicateObjectIssues(root), { whenNoOtherIssue: true });
}

/** Every object under `root` outside any FluxStage (no Flux Kustomization would apply it), in construct-tree order. */
export function strayObjectIssues(root: IConstruct): ValidationIssue[] {
  return root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && !FluxStage.of(c)).map((c) =>
    issue(c, 'scope', `${c.kind}/${c.name}`, 'is outside any FluxStage, so no Flux Kustomization would apply it',
      'create it inside a FluxStage (a Workspace, a chart of buildPlatform, or your own stage), or place it with FluxStage.place'));
}

/**
 * Every object whose file in its stage's folder ({@link objectFileName}) an earlier object (in construct-tree
 * order) already takes: the two would overwrite each other.
 */
export function duplicateObjectIssues(root: IConstruct): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const seen = new Map<string, string>();
  for (const c of root.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    const stage = FluxStage.of(c);
    if (!stage) continue;
    const object = c.toJson() as RenderedObject;
    const path = `${stage.path}/${objectFileName(object)}`;
    const previous = seen.get(path);
    if (previous !== undefined) {
      out.push(issue(c, 'metadata.name', objectKey(object), `is defined twice in ${stage.path} (also at ${previous})`, 'give one of them another name'));
      continue;
    }
    seen.set(path, c.node.path);
  }
  return out;
}
