/**
 * Health checks by kind: how Flux tells that an object of a custom kind is actually working.
 *
 * A waiting Flux stage (`wait: true`) is Ready only when every object it applied is healthy. For a custom
 * resource kind without a `healthCheckExprs` entry, kustomize-controller falls back to kstatus' generic
 * rules, which read only `status.observedGeneration` and the `Reconciling`/`Stalled` conditions
 * (sigs.k8s.io/cli-utils `pkg/kstatus/status/generic.go`, `checkGenericProperties`); anything else counts as
 * Current. So a Strimzi `NotReady=True`, a Gateway that is not `Programmed` or a KRO instance whose `Ready`
 * condition is False is "healthy" to Flux as soon as it exists. Every custom kind a waiting stage holds
 * therefore either has a health check registered here (by the construct that creates the kind) or a
 * {@link ReadinessDeclaration} saying why it needs none; {@link FluxStage} derives each stage's
 * `healthCheckExprs` from the kinds it actually holds and reports any other custom kind.
 *
 * How Flux evaluates an entry (kustomize-controller v1.9.x with fluxcd/pkg `runtime/cel`,
 * `status_evaluator.go`, which implements RFC-0009 "Custom Health Checks for Kustomization using CEL"):
 * 1. if the object has `status.observedGeneration` and it differs from `metadata.generation`, the object is
 *    InProgress and no expression is evaluated;
 * 2. otherwise `inProgress`, `failed` and `current` are evaluated in that order (absent ones skipped) and the
 *    first that is true decides: InProgress, Failed or Current;
 * 3. if none is true the object is InProgress.
 * The expressions are parsed without declarations: their variables are the object's top-level fields
 * (`apiVersion`, `kind`, `metadata`, `spec`, `status`; there is no `self`). Reading a top-level field the
 * object lacks (e.g. `status` before the controller first wrote one) is an evaluation error, which kstatus
 * reports as Unknown: Flux keeps polling until `spec.timeout` ("has(status) errors if status does not (yet)
 * exist", kustomize-controller `docs/spec/v1/kustomizations.md`, "Health check expressions").
 * Failed ends the wait at once: kustomize-controller fails fast unless its `DisableFailFastBehavior` feature
 * gate is set (fluxcd/pkg `ssa/manager_wait.go`, `WaitOptions.FailFast`). A `failed` expression must
 * therefore match only states the controller will not leave by itself, never a transient "not yet".
 * Entries are matched by API group and kind (the version is ignored) and only the first entry for a group and
 * kind is used (fluxcd/pkg `runtime/cel/status_poller.go`, `PollerWithCustomHealthChecks`).
 */
import { IConstruct } from 'constructs';
import { addIssueCheck, issue } from '../shared/validation-error';
import { apiGroupOf } from '../shared/api';

/** A Flux health check for one kind (a kustomize-controller `healthCheckExprs` entry). */
export interface HealthCheckExpression {
  /** API version of the checked kind, e.g. `kafka.strimzi.io/v1`. Flux matches on its group only. */
  readonly apiVersion: string;
  /** Kind, e.g. `Kafka`. */
  readonly kind: string;
  /** CEL over the object's top-level fields: the object is healthy (Flux status Current). */
  readonly current: string;
  /**
   * CEL: the object has failed and will not recover by itself (Flux stops waiting at once).
   * @default - none: a failure shows as a timeout
   */
  readonly failed?: string;
  /** CEL: the object is still being reconciled. @default - none: whatever is neither failed nor current is in progress */
  readonly inProgress?: string;
}

/** `group/Kind` (`/Kind` for the core group): the identity Flux matches health checks on. */
export function groupKindOf(apiVersion: string, kind: string): string {
  return `${apiGroupOf(apiVersion)}/${kind}`;
}

/**
 * The API groups Kubernetes itself serves (every group of the pinned v1.36 API schema; a test compares this
 * list with it). Objects of these groups are built-in: kstatus knows their readiness rules.
 */
export const KUBERNETES_API_GROUPS: ReadonlySet<string> = new Set([
  '', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'apiregistration.k8s.io', 'apps', 'authentication.k8s.io',
  'authorization.k8s.io', 'autoscaling', 'batch', 'certificates.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io',
  'events.k8s.io', 'flowcontrol.apiserver.k8s.io', 'internal.apiserver.k8s.io', 'networking.k8s.io', 'node.k8s.io',
  'policy', 'rbac.authorization.k8s.io', 'resource.k8s.io', 'scheduling.k8s.io', 'storage.k8s.io',
  'storagemigration.k8s.io',
]);

/** Whether an `apiVersion` belongs to a built-in Kubernetes API group (not a custom resource). */
export function isBuiltinApiVersion(apiVersion: string): boolean {
  return KUBERNETES_API_GROUPS.has(apiGroupOf(apiVersion));
}

/** Why a custom kind needs no health check of its own. */
export interface ReadinessDeclaration {
  /** API group. */
  readonly group: string;
  /** Kind. @default - every kind of the group */
  readonly kind?: string;
  /**
   * `'kstatus'`: the kind follows kstatus conventions, so Flux's generic check is right; or the `group/Kind`
   * whose health check covers objects of this kind.
   */
  readonly readiness: 'kstatus' | { readonly coveredBy: string };
  /** The reason, with its upstream source. */
  readonly reason: string;
}

const FLUX_KINDS_REASON =
  'Flux kinds report Reconciling/Stalled conditions and status.observedGeneration as kstatus expects; kustomize-controller ' +
  'health-checks them natively (docs/spec/v1/kustomizations.md, "Health checks": "Flux kinds: HelmRelease, HelmRepository, GitRepository, etc.")';

/**
 * Custom kinds whose readiness needs no expression. Facts about upstream kinds, shared by the synth rule in
 * {@link FluxStage} and the offline validator (`tools/validate/src/flux-health.ts`).
 */
export const READINESS_DECLARATIONS: readonly ReadinessDeclaration[] = [
  { group: 'source.toolkit.fluxcd.io', readiness: 'kstatus', reason: FLUX_KINDS_REASON },
  { group: 'kustomize.toolkit.fluxcd.io', readiness: 'kstatus', reason: FLUX_KINDS_REASON },
  { group: 'helm.toolkit.fluxcd.io', readiness: 'kstatus', reason: FLUX_KINDS_REASON },
  {
    group: 'kafka.strimzi.io',
    kind: 'KafkaNodePool',
    readiness: { coveredBy: 'kafka.strimzi.io/Kafka' },
    reason: 'Strimzi reconciles node pools as part of their Kafka: the Kafka reconciliation writes each KafkaNodePool ' +
      'status, whose conditions only ever carry warnings (cluster-operator KafkaPool.generateNodePoolStatus), and the ' +
      'Kafka turns Ready only once the pools\' nodes are rolled out (KafkaAssemblyOperator.createOrUpdate)',
  },
];

/** The declaration covering a kind, if any. */
export function readinessDeclarationOf(apiVersion: string, kind: string): ReadinessDeclaration | undefined {
  const group = apiGroupOf(apiVersion);
  return READINESS_DECLARATIONS.find((d) => d.group === group && (d.kind === undefined || d.kind === kind));
}

interface Registration {
  readonly check: HealthCheckExpression;
  readonly by: IConstruct;
}

const REGISTRIES = new WeakMap<IConstruct, Map<string, Registration>>();

function registryOf(scope: IConstruct): Map<string, Registration> {
  const root = scope.node.root;
  let registry = REGISTRIES.get(root);
  if (!registry) REGISTRIES.set(root, (registry = new Map()));
  return registry;
}

function sameExpressions(a: HealthCheckExpression, b: HealthCheckExpression): boolean {
  return a.current === b.current && a.failed === b.failed && a.inProgress === b.inProgress;
}

/**
 * Registers the health check of a kind in the app of `scope`; called by the construct that creates the kind
 * or its objects. Registering the same expressions again is a no-op; different expressions for a group and
 * kind that already has a check are reported at synth (Flux would use only one of them).
 */
export function registerHealthCheck(scope: IConstruct, check: HealthCheckExpression): void {
  const registry = registryOf(scope);
  const key = groupKindOf(check.apiVersion, check.kind);
  const previous = registry.get(key);
  if (!previous) {
    registry.set(key, { check, by: scope });
    return;
  }
  if (sameExpressions(previous.check, check)) return;
  addIssueCheck(scope, () => [issue(scope, 'healthCheck', `${check.apiVersion} ${check.kind}`,
    `differs from the health check ${previous.by.node.path} registered for ${key} (Flux uses one check per kind)`,
    'register one health check per kind')]);
}

/** The health check registered in the app of `scope` for a kind, matched by group and kind as Flux does. */
export function registeredHealthCheck(scope: IConstruct, apiVersion: string, kind: string): HealthCheckExpression | undefined {
  return registryOf(scope).get(groupKindOf(apiVersion, kind))?.check;
}

/** Every health check registered in the app of `scope`, with the path of the construct that registered it. */
export function registeredHealthChecks(scope: IConstruct): { readonly check: HealthCheckExpression; readonly registeredBy: string }[] {
  return [...registryOf(scope).values()].map((r) => ({ check: r.check, registeredBy: r.by.node.path }));
}

/** CEL: `status.observedGeneration` is the object's current `metadata.generation`. */
export const STATUS_OBSERVED_CURRENT = 'has(status.observedGeneration) && status.observedGeneration == metadata.generation';

/** CEL over a condition `c`: it was set for the object's current `metadata.generation`. */
export const CONDITION_OBSERVED_CURRENT = 'has(c.observedGeneration) && c.observedGeneration == metadata.generation';

/**
 * CEL: some condition `c` of `list` satisfies `predicate`; false (not an error) when the list is absent.
 * @param predicate CEL over `c`
 * @param list the conditions field @default 'status.conditions'
 */
export function conditionExists(predicate: string, list = 'status.conditions'): string {
  return `has(${list}) && ${list}.exists(c, ${predicate})`;
}
