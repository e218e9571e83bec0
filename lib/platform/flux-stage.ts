/**
 * A Flux stage: one folder of `dist/` reconciled by one Flux Kustomization.
 *
 * Every object created inside a stage (at any depth) is written to `dist/<path>/`. The flux-system chart
 * turns the stages into Kustomizations, so the Flux graph is derived from the construct tree and can never
 * list a path that is not synthesized.
 */
import { Construct, IConstruct } from 'constructs';
import { addIssueCheck, issue } from '../core/validation-error';

/** A Flux health check expression (kustomize-controller `healthCheckExprs`). */
export interface HealthCheckExpression {
  /** API version of the checked kind, e.g. `kro.run/v1alpha1`. */
  readonly apiVersion: string;
  /** Kind. */
  readonly kind: string;
  /** CEL: the object is healthy. */
  readonly current: string;
  /** CEL: the object has failed. @default - none */
  readonly failed?: string;
}

/** Properties of a {@link FluxStage}. */
export interface FluxStageProps {
  /** Folder below `dist/`, e.g. `core/operators`. Lowercase segments separated by `/`. */
  readonly path: string;
  /** Stages that must be Ready before this one is applied. @default [] */
  readonly dependsOn?: readonly FluxStage[];
  /** Wait for every applied object to become healthy before the stage is Ready. @default true */
  readonly wait?: boolean;
  /** Extra health checks for custom kinds (Flux `healthCheckExprs`). @default [] */
  readonly healthCheckExpressions?: readonly HealthCheckExpression[];
  /**
   * Delete objects that disappear from Git. Stateful objects inside additionally carry
   * `kustomize.toolkit.fluxcd.io/prune: disabled`. @default true
   */
  readonly prune?: boolean;
  /** How long Flux waits for health before failing the stage. @default '10m' */
  readonly timeout?: string;
}

const STAGE_SYMBOL = Symbol.for('mini-atlas.FluxStage');
const PLACEMENTS = new WeakMap<IConstruct, FluxStage>();
const PATH_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\/[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A folder of `dist/` and the Flux Kustomization that applies it. */
export class FluxStage extends Construct {
  /** True if `x` is a FluxStage (works across copies of the library). */
  public static isFluxStage(x: unknown): x is FluxStage {
    return typeof x === 'object' && x !== null && STAGE_SYMBOL in x;
  }

  /**
   * The stage an object is written to: the stage it was explicitly {@link place}d in (on it or the nearest
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
  }

  /** Folder below `dist/`. */
  public readonly path: string;
  /** Name of the Flux Kustomization (the path with `/` replaced by `-`). */
  public readonly kustomizationName: string;
  public readonly wait: boolean;
  public readonly prune: boolean;
  public readonly timeout: string;
  public readonly healthCheckExpressions: readonly HealthCheckExpression[];
  private readonly deps: FluxStage[];

  public constructor(scope: Construct, id: string, props: FluxStageProps) {
    super(scope, id);
    Object.defineProperty(this, STAGE_SYMBOL, { value: true });
    this.path = props.path;
    this.kustomizationName = props.path.replace(/\//g, '-');
    this.wait = props.wait ?? true;
    this.prune = props.prune ?? true;
    this.timeout = props.timeout ?? '10m';
    this.healthCheckExpressions = props.healthCheckExpressions ?? [];
    this.deps = [...(props.dependsOn ?? [])];
    addIssueCheck(this, () =>
      PATH_PATTERN.test(this.path)
        ? []
        : [issue(this, 'path', this.path, 'must be lowercase DNS-label segments separated by "/"', 'use a path like "core/operators"')],
    );
  }

  /** Stages this one depends on. */
  public get dependsOn(): readonly FluxStage[] {
    return this.deps;
  }

  /** Adds a dependency. */
  public addDependency(...stages: FluxStage[]): void {
    for (const s of stages) if (!this.deps.includes(s)) this.deps.push(s);
  }
}
