/**
 * When a child of a ResourceGraphDefinition counts as ready, defined once per kind.
 *
 * KRO (v0.9, `pkg/runtime/node_readiness.go`) treats a resource without `readyWhen` as ready as soon as it
 * exists, and an instance is `ACTIVE` with `Ready=True` only when every resource is ready
 * (`pkg/controller/instance/state.go`). So every child kind that reports readiness must carry a `readyWhen`,
 * or a WebApplication whose pods never start reports Ready. {@link ResourceGraph} applies the rule of this
 * table to every resource of the kind; a kind missing from the table is a synth error, so a kind added later
 * must be classified here: with its readiness rule, or with the reason it has none.
 *
 * One exception is declared, never implied: a child whose kind has a signal may be left out of its instance's
 * readiness only with a stated reason (`GraphResource.notAwaited`), which the template carries as the
 * {@link NOT_AWAITED_ANNOTATION} annotation and `npm run validate` checks. Today one child uses it: the
 * Workspace's KafkaUser (lib/foundation/workspace/definition.ts, `KAFKA_USER_NOT_AWAITED`).
 *
 * KRO's restrictions on `readyWhen` (v0.9 `pkg/graph/builder.go`, `validateAndCompileNode`): an expression may
 * read only its own resource (by id), is type-checked against the kind's schema and must return bool. At run
 * time all entries must be true; a missing field (`no such key`) counts as "not ready yet". The expressions
 * below guard every optional field with `has()` anyway, so each is total: it never errors, on any status.
 */
import { apiGroupOf } from '../shared/api';

/** A kind whose readiness KRO must wait for. */
export interface ReadinessSignal {
  /** What "ready" means for the kind, and the upstream source of the rule. */
  readonly signal: string;
  /**
   * The `readyWhen` conditions for a resource with id `self`: bare CEL (no `${…}`), all of which must hold.
   * Each reads only `self` and is total (guards optional fields with `has()`).
   */
  readonly readyWhen: (self: string) => readonly string[];
}

/** A kind with no readiness to wait for. */
export interface NoReadinessSignal {
  /** Why KRO may count the resource ready once it exists (one line). */
  readonly noSignal: string;
}

/** One kind of child and its readiness. */
export type ChildReadiness = { readonly group: string; readonly kind: string } & (ReadinessSignal | NoReadinessSignal);

/** CEL: the counter at `path`, or 0 when absent (Kubernetes status counters are `omitempty`). */
const count = (path: string): string => `(has(${path}) ? ${path} : 0)`;

/**
 * CEL: `self`'s controller has observed its current spec (`status.observedGeneration` has reached
 * `metadata.generation`), so its status conditions and counters describe the current generation.
 */
export function celObservedCurrentGeneration(self: string): string {
  return `has(${self}.status) && has(${self}.status.observedGeneration) && ${self}.status.observedGeneration >= ${self}.metadata.generation`;
}

/** CEL: `self` has a status condition of `type` with status `"True"`. */
export function celConditionTrue(self: string, type: string): string {
  return `has(${self}.status) && has(${self}.status.conditions) && ${self}.status.conditions.exists(c, c.type == ${JSON.stringify(type)} && c.status == "True")`;
}

/**
 * Readiness of every child kind the platform's RGDs create. Key: API group (`''` for the core group) and kind;
 * every version of the kind shares the rule.
 */
export const CHILD_READINESS: readonly ChildReadiness[] = [
  {
    group: 'apps',
    kind: 'Deployment',
    signal: 'rolled out: the Deployment controller observed the current generation, every replica of spec.replicas is updated and available, ' +
      'and no old replica is left (the rule of `kubectl rollout status`, k8s.io/kubectl pkg/polymorphichelpers/rollout_status.go); ' +
      'spec.replicas 0 is ready, and absent counters count as 0',
    readyWhen: (d) => [
      celObservedCurrentGeneration(d),
      `has(${d}.status) && ${count(`${d}.status.updatedReplicas`)} >= ${d}.spec.replicas`,
      `has(${d}.status) && ${count(`${d}.status.replicas`)} <= ${count(`${d}.status.updatedReplicas`)}`,
      `has(${d}.status) && ${count(`${d}.status.availableReplicas`)} >= ${count(`${d}.status.updatedReplicas`)}`,
    ],
  },
  {
    group: 'batch',
    kind: 'Job',
    // The Job controller adds `Complete` (type JobComplete) with status True once the Job succeeded, and
    // `Failed` once it gave up (k8s.io/api batch/v1 JobConditionType; Kubernetes docs, "Jobs": "Job termination
    // and cleanup"). A Job is run once; its result is what the instance waits for.
    signal: 'the Job completed: its Complete condition is True (a Job that failed or still runs is not ready)',
    readyWhen: (j) => [celConditionTrue(j, 'Complete')],
  },
  {
    group: 'batch',
    kind: 'CronJob',
    noSignal: 'the CronJob controller starts its Jobs at the schedule; a CronJob has no readiness, each Job\'s outcome is in that Job',
  },
  {
    group: 'autoscaling',
    kind: 'HorizontalPodAutoscaler',
    noSignal: 'it scales the Deployment, whose own rule covers the pods; without metrics (ScalingActive False) it keeps the current replicas, which is degraded scaling, not an unavailable app',
  },
  {
    group: 'policy',
    kind: 'PodDisruptionBudget',
    noSignal: 'the eviction API enforces it from creation; its status counts the healthy pods, which the Deployment\'s rule covers',
  },
  {
    group: 'postgresql.cnpg.io',
    kind: 'Cluster',
    // CloudNativePG sets `Ready` True only in the phase "Cluster in healthy state" (pkg/resources/status/phase.go),
    // i.e. no switchover, failover, upgrade or replica creation under way. Its conditions carry no
    // observedGeneration and the Cluster status has none either, so right after `instances` changes the True
    // condition still describes the old spec: `readyInstances == spec.instances` closes that gap.
    signal: 'CloudNativePG\'s Ready condition is True and readyInstances equals spec.instances',
    readyWhen: (db) => [
      celConditionTrue(db, 'Ready'),
      `has(${db}.status) && ${count(`${db}.status.readyInstances`)} == ${db}.spec.instances`,
    ],
  },
  {
    group: 'postgresql.cnpg.io',
    kind: 'Database',
    // CloudNativePG's instance manager reconciles a Database (CREATE/ALTER DATABASE, then each extension) and
    // writes `status.applied` (true once reconciled without error) with `status.observedGeneration`
    // (postgresql.cnpg.io_databases.yaml, DatabaseStatus; its own `kubectl get` column Applied reads it).
    signal: 'CloudNativePG reconciled the current generation and status.applied is true',
    readyWhen: (d) => [celObservedCurrentGeneration(d), `has(${d}.status) && has(${d}.status.applied) && ${d}.status.applied == true`],
  },
  {
    group: 'kafka.strimzi.io',
    kind: 'KafkaTopic',
    // Strimzi: status.observedGeneration is "the generation of the CRD that was last reconciled by the operator"
    // (043-Crd-kafkatopic.yaml); its own `kubectl get` column Ready reads the Ready condition.
    signal: 'the Topic Operator reconciled the current generation and reports the Ready condition True',
    readyWhen: (t) => [celObservedCurrentGeneration(t), celConditionTrue(t, 'Ready')],
  },
  {
    group: 'kafka.strimzi.io',
    kind: 'KafkaUser',
    // Strimzi's User Operator: status.observedGeneration is "the generation of the CRD that was last reconciled
    // by the operator" and Ready True once the user, its ACLs, quotas and Secret exist (044-Crd-kafkauser.yaml).
    signal: 'the User Operator reconciled the current generation (user, ACLs, quotas, Secret) and reports the Ready condition True',
    readyWhen: (u) => [celObservedCurrentGeneration(u), celConditionTrue(u, 'Ready')],
  },
  {
    group: '',
    kind: 'Namespace',
    signal: 'status.phase is Active (the API server sets it on creation; Terminating while it is deleted)',
    readyWhen: (ns) => [`has(${ns}.status) && has(${ns}.status.phase) && ${ns}.status.phase == "Active"`],
  },
  {
    group: '',
    kind: 'Service',
    noSignal: 'a ClusterIP Service works once it exists; the pods behind it are covered by their Deployment\'s rule',
  },
  {
    group: '',
    kind: 'ResourceQuota',
    // The quota admission plugin refuses every object a quota limits while `status.used` lacks one of the limited
    // resources ("status unknown for quota: <name>, resources: <resources>"; k8s.io/apiserver
    // pkg/admission/plugin/resourcequota/controller.go, `hasUsageStats`). kube-controller-manager's resourcequota
    // controller fills `status.used` for the resources it has an evaluator for; it gets the object-count evaluator
    // of a custom resource (`count/<plural>.<group>`) only when its discovery sync, every 30 s, finds the CRD
    // (pkg/controller/resourcequota resource_quota_monitor.go `SyncMonitors`; cmd/kube-controller-manager
    // `Sync(ctx, discoveryFunc, 30*time.Second)`), and recomputes an existing quota only when its spec.hard
    // changes, an object it counts is updated or deleted, or at its full resync (`--resource-quota-sync-period`,
    // 5 min by default; resource_quota_controller.go `enqueueAll`): the monitors have no handler for additions.
    signal: 'kube-controller-manager\'s resourcequota controller has computed the usage of every limited resource (each key of spec.hard is in status.used); ' +
      'until then the API server refuses every object the quota limits with "status unknown for quota"',
    readyWhen: (q) => [
      `has(${q}.spec.hard) ? ${q}.spec.hard.all(k, has(${q}.status) && has(${q}.status.used) && k in ${q}.status.used) : true`,
    ],
  },
  { group: '', kind: 'LimitRange', noSignal: 'admission applies it from creation; it has no status' },
  { group: '', kind: 'ServiceAccount', noSignal: 'the API server authenticates and authorizes it from creation; it has no status' },
  { group: 'rbac.authorization.k8s.io', kind: 'Role', noSignal: 'the authorizer reads it from creation; it has no status' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding', noSignal: 'the authorizer reads it from creation; it has no status' },
  {
    group: 'cilium.io',
    kind: 'CiliumNetworkPolicy',
    noSignal: 'the agents enforce it once it exists; its only status is a `Valid` verdict from the optional operator-side validator, not enforcement',
  },
  {
    group: 'gateway.networking.k8s.io',
    kind: 'HTTPRoute',
    // Decision: not gated. A route's Accepted/ResolvedRefs conditions are written per parent by the Gateway's
    // controller. Gating on them would turn every team's WebApplication red whenever the one shared Gateway is
    // missing or not programmed; that fault is reported once, by the health check of the shared-services stage.
    noSignal: 'its Accepted condition is written by the shared Gateway\'s controller; a Gateway fault is reported once, by the shared-services stage, not by every team',
  },
];

/**
 * The one declared exception to the rule: a child whose instance does not wait for it although its kind has a
 * readiness signal (`GraphResource.notAwaited`) carries this annotation on its template, the reason as its value,
 * so the exception and its reason are in `dist/` and on the live object; `npm run validate` accepts a child without
 * its kind's `readyWhen` only with it.
 */
export const NOT_AWAITED_ANNOTATION = 'platform.mini-atlas.io/readiness-not-awaited';

/**
 * What is wrong with declaring a child of a kind not awaited with `reason`, or undefined when the exception holds:
 * the kind must have a readiness signal (otherwise there is nothing to opt out of) and the reason must be stated.
 * @param readiness the kind's entry in {@link CHILD_READINESS} (undefined: unclassified, reported on its own)
 * @param reason the stated reason (`GraphResource.notAwaited`, or the annotation's value in `dist/`)
 */
export function notAwaitedProblem(readiness: ChildReadiness | undefined, reason: string): { rule: string; fix: string } | undefined {
  if (!readiness) return undefined;
  if (!('readyWhen' in readiness)) {
    return {
      rule: `declares ${readiness.kind} not awaited, but its kind has no readiness signal to opt out of (CHILD_READINESS: ${readiness.noSignal})`,
      fix: 'remove notAwaited',
    };
  }
  if (reason.trim() === '') {
    return {
      rule: `states no reason: an instance may skip the readiness of a ${readiness.kind} (${readiness.signal}) only for a stated reason`,
      fix: 'say why the instance must not wait for it, or remove notAwaited so the kind\'s readyWhen applies',
    };
  }
  return undefined;
}

/** The readiness entry of a kind, or undefined when the table does not classify it. */
export function readinessOf(apiVersion: string, kind: string): ChildReadiness | undefined {
  const group = apiGroupOf(apiVersion);
  return CHILD_READINESS.find((r) => r.group === group && r.kind === kind);
}
