/**
 * A KRO ResourceGraphDefinition whose instance schema comes from a {@link Fields} declaration, so the RGD
 * schema and the library's TypeScript types cannot drift apart. Every resource gets the `readyWhen` of its kind
 * from `CHILD_READINESS` (./readiness.ts), so an instance is Ready only when its children are; a resource of a
 * kind the table does not classify is a synth error.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ResourceGraphDefinition,
  ResourceGraphDefinitionSpecSchemaScope,
} from '../../imports/kro.run';
import { PLATFORM_API_VERSION, PLATFORM_GROUP, PLATFORM_VERSION } from '../shared/api';
import { cel } from '../shared/cel';
import { dataAnnotations } from '../shared/data-bearing';
import { addIssueCheck, issue, issueAt, ValidationIssue } from '../shared/validation-error';
import {
  CONDITION_OBSERVED_CURRENT, conditionExists, HealthCheckExpression, registerHealthCheck,
} from '../gitops/health-checks';
import { defaultProblems, Fields, simpleSchemaTypes, toSimpleSchema } from '../shared/fields';
import { apiGroupOf } from '../shared/api';
import { NOT_AWAITED_ANNOTATION, notAwaitedProblem, readinessOf } from './readiness';
import { partOfLabel } from '../shared/platform-name';
import { ManagedResources } from '../core/operators/kro';

/**
 * CEL: KRO's root `Ready` condition is True for the current generation. KRO (v0.9.3, pkg/apis/condition_set.go)
 * stamps every condition it sets with the object's `metadata.generation` and recomputes `Ready` from the
 * dependent conditions, counting a dependent as unhealthy while its `observedGeneration` is stale; its own
 * `IsRootReady` is exactly this test. Neither RGDs nor instances have a `status.observedGeneration`.
 */
const KRO_READY_FOR_GENERATION = conditionExists(`c.type == 'Ready' && c.status == 'True' && ${CONDITION_OBSERVED_CURRENT}`);

/**
 * Flux health check of a `ResourceGraphDefinition` (kro.run/v1alpha1, KRO v0.9.3): `Ready` for the current
 * generation, failed when KRO rejects the graph.
 *
 * `Ready` depends on GraphRevisionsResolved, GraphAccepted, KindReady and ControllerReady, so it is True only
 * once the generated CRD is established and the instance controller serves this generation
 * (pkg/controller/resourcegraphdefinition/controller_status.go). `status.state` is not used: it is `Inactive`
 * on the first reconciliation of every new RGD (GraphAccepted True, revision still compiling, kind and
 * controller not ready yet), so a `failed` on `Inactive` would end Flux's wait at once on every fresh
 * install; and `Active` says nothing about which generation is served. `GraphAccepted=False`
 * (reason InvalidResourceGraph) for this generation means the spec itself is invalid: a real failure.
 */
export const RESOURCE_GRAPH_DEFINITION_HEALTH_CHECK: HealthCheckExpression = {
  apiVersion: ResourceGraphDefinition.GVK.apiVersion,
  kind: ResourceGraphDefinition.GVK.kind,
  current: KRO_READY_FOR_GENERATION,
  failed: conditionExists(`c.type == 'GraphAccepted' && c.status == 'False' && ${CONDITION_OBSERVED_CURRENT}`),
};

/**
 * Flux health check of the instances of an RGD-generated kind (KRO v0.9.3): `Ready` for the current
 * generation. There is deliberately no `failed`: KRO sets `status.state` to `ERROR` whenever one reconcile
 * hits an error (a webhook not ready yet, a conflict) and then retries, so a `failed` on it would end Flux's
 * wait on errors that clear by themselves; the stage's timeout decides.
 *
 * KRO adds `status.conditions` and `status.state` to every generated CRD (pkg/graph/crd/crd.go) and writes
 * the built-in conditions Ready ← InstanceManaged, GraphResolved, ResourcesReady; `state` is `ACTIVE` exactly
 * when Ready is True for the current generation, otherwise IN_PROGRESS, ERROR or DELETING (api/v1alpha1/
 * instance_state.go; pkg/controller/instance/status.go `initialStatus`, state.go `Update`). `ResourcesReady`
 * is False while a child is not ready yet, which is progress, not failure. An RGD that declares its own
 * `conditions` replaces the built-in ones on the wire; {@link ResourceGraph} never does.
 * @param apiVersion the instances' API version, e.g. `platform.mini-atlas.io/v1alpha1`
 * @param kind the generated kind, e.g. `WebApplication`
 */
export function kroInstanceHealthCheck(apiVersion: string, kind: string): HealthCheckExpression {
  return {
    apiVersion,
    kind,
    current: KRO_READY_FOR_GENERATION,
  };
}

/** One resource of the graph. */
export interface GraphResource {
  /** Identifier used in expressions (`${deployment.status…}`). lowerCamelCase. */
  readonly id: string;
  /** The manifest, built with a generated class's `manifest()`; `${…}` values via `cel()`. */
  readonly template: object;
  /** Conditions under which the resource exists at all. @default always */
  readonly includeWhen?: readonly string[];
  /**
   * Makes the resource a collection (KRO `forEach`): one object per element of the list the expression yields,
   * bound to `variable` in the template, e.g. `{ db: '${schema.spec.postgres.databases}' }`. The readiness
   * rule of its kind then applies to every item (`each` in KRO's `readyWhen` of a collection; kro.run/docs
   * "Collections", "Readiness with Collections"). @default none: one object
   */
  readonly forEach?: Readonly<Record<string, string>>;
  /**
   * Extra `${…}` conditions for readiness, after the rule of the resource's kind in `CHILD_READINESS`
   * (lib/foundation/readiness.ts), which applies to every resource automatically.
   * @default none: the kind's rule alone
   */
  readonly readyWhen?: readonly string[];
  /**
   * The declared exception to the readiness rule: why the instance must not wait for this resource although its
   * kind has a readiness signal in `CHILD_READINESS`. Set, the kind's `readyWhen` is not applied and the template
   * carries the reason as the `platform.mini-atlas.io/readiness-not-awaited` annotation (`NOT_AWAITED_ANNOTATION`),
   * which `npm run validate` requires of a child without its kind's `readyWhen`. A blank reason, a kind without a
   * signal, or extra `readyWhen` conditions beside it are synth errors (`notAwaitedProblem`).
   * @default undefined: the instance waits for the resource (its kind's rule)
   */
  readonly notAwaited?: string;
  /**
   * The plural resource of the template's kind, when Kubernetes' guess from the kind is wrong for it
   * (see {@link guessResource}). KRO is granted management of it. @default guessResource(kind)
   */
  readonly resource?: string;
}

/**
 * An object the graph reads but never creates (KRO `externalRef`), by name or, with a `selector`, as a
 * collection (a list of every match; empty when none). Its id is usable in expressions like a resource's.
 */
export interface ExternalResource {
  /** Identifier used in expressions. lowerCamelCase. */
  readonly id: string;
  readonly apiVersion: string;
  readonly kind: string;
  /** A name (one object), or a label selector (a collection). Without a namespace, a collection spans all. */
  readonly metadata: {
    readonly name?: string;
    readonly namespace?: string;
    readonly selector?: { readonly matchLabels: Readonly<Record<string, string>> };
  };
}

/** Properties of {@link ResourceGraph}. */
export interface ResourceGraphProps {
  /** Kind of the generated API, e.g. `WebApplication`. */
  readonly kind: string;
  /** Instance fields (the single schema source). */
  readonly fields: Fields;
  /** Status fields: name → `${…}` expression. @default {} */
  readonly status?: Readonly<Record<string, string>>;
  /** Cluster-scoped instances (Workspace). @default false */
  readonly clusterScoped?: boolean;
  /** The resources. */
  readonly resources: readonly GraphResource[];
  /** Objects the graph reads (listed before the resources). @default none */
  readonly externals?: readonly ExternalResource[];
  /** Extra `kubectl get` columns, shown between the readiness columns and the age column. @default none */
  readonly printerColumns?: readonly PrinterColumn[];
  /**
   * Rights KRO needs beyond managing the resources' kinds and reading the externals, which are derived: e.g.
   * `bind` on the ClusterRoles a RoleBinding child names, or the rights of a Role child (Kubernetes lets KRO
   * create a Role or binding only with the rights it grants, or `bind`/`escalate`:
   * https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping).
   * @default none
   */
  readonly permissions?: readonly ManagedResources[];
}

/** A `kubectl get` column of the generated CRD. */
export interface PrinterColumn {
  /** Column header. */
  readonly name: string;
  /** OpenAPI type of the value: `string`, `integer`, `date`… */
  readonly type: string;
  /** JSONPath into the instance, e.g. `.spec.replicas`. */
  readonly jsonPath: string;
  /** Shown in `kubectl explain` and API docs. @default none */
  readonly description?: string;
}

/**
 * The instance's state and Ready condition, first in every generated CRD's columns. KRO shows these by default
 * but drops its defaults when an RGD sets `additionalPrinterColumns` (KRO v0.9 `pkg/graph/crd/crd.go`,
 * `newCRDAdditionalPrinterColumns`), so the platform always lists them itself.
 */
export const READINESS_COLUMNS: readonly PrinterColumn[] = [
  { name: 'State', type: 'string', jsonPath: '.status.state', description: 'KRO\'s state of the instance: ACTIVE once every resource is ready' },
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status', description: 'The instance\'s Ready condition' },
];
/** The age column `kubectl get` shows when a CRD has no columns of its own; last in every generated CRD. */
export const AGE_COLUMN: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

/**
 * The plural resource name KRO gives a generated kind: the lowercased kind, pluralized (KRO v0.9.3
 * pkg/graph/crd/crd.go: `flect.Pluralize(strings.ToLower(kind))`). Covers the English rules flect applies to
 * such names: consonant + `y` → `ies`; `s`, `x`, `z`, `ch`, `sh` → `es`; otherwise `s`.
 */
export function kroPlural(kind: string): string {
  const k = kind.toLowerCase();
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(k)) return `${k}es`;
  return `${k}s`;
}

/**
 * The plural resource of a kind as Kubernetes guesses it (apimachinery `meta.UnsafeGuessKindToResource`): the
 * lowercased kind, `s` → `ses`, `y` → `ies`, otherwise `+s`. Right for every kind the platform's RGDs create;
 * a kind with an irregular plural names it in {@link GraphResource.resource}.
 */
export function guessResource(kind: string): string {
  const k = kind.toLowerCase();
  if (k.endsWith('s')) return `${k}es`;
  if (k.endsWith('y')) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

const MANAGE_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const READ_VERBS = ['get', 'list', 'watch'];

/**
 * Merges grants: one rule per API group, verbs and resource names, resources in first-seen order, rules in the
 * order their first resource appears; a read of a resource another rule already manages is dropped.
 */
export function mergeManagedResources(grants: readonly ManagedResources[]): ManagedResources[] {
  const key = (g: ManagedResources) => JSON.stringify([g.apiGroup, g.verbs ?? MANAGE_VERBS, g.resourceNames ?? null]);
  const managed = new Set(grants.filter((g) => g.verbs === undefined && g.resourceNames === undefined).flatMap((g) => g.resources.map((r) => `${g.apiGroup}/${r}`)));
  const rules = new Map<string, { g: ManagedResources; resources: string[] }>();
  for (const g of grants) {
    const isRead = g.verbs !== undefined && g.resourceNames === undefined && g.verbs.every((v) => READ_VERBS.includes(v));
    const resources = isRead ? g.resources.filter((r) => !managed.has(`${g.apiGroup}/${r}`)) : g.resources;
    if (resources.length === 0) continue;
    const rule = rules.get(key(g)) ?? { g, resources: [] };
    for (const r of resources) if (!rule.resources.includes(r)) rule.resources.push(r);
    rules.set(key(g), rule);
  }
  return [...rules.values()].map(({ g, resources }) => ({ ...g, resources }));
}

/** A ResourceGraphDefinition in the platform group. */
export class ResourceGraph extends Construct {
  /** The generated kind. */
  public readonly kind: string;
  /** The instances' API version (`platform.mini-atlas.io/v1alpha1`). */
  public readonly apiVersion: string;
  /** The instance fields: the schema, its defaults and its change rules (`immutable`, `growOnly`). */
  public readonly fields: Fields;
  /** The generated kind's plural resource name, e.g. `webapplications`. */
  public readonly resource: string;
  /** The RGD object. */
  public readonly definition: ApiObject;
  /** The resources, by id. */
  public readonly resourceIds: readonly string[];
  /** Whether instances are cluster-scoped (then no team stage holds them). */
  public readonly clusterScoped: boolean;
  /**
   * What KRO must be allowed to do for this graph, derived: manage the instances and their status, manage
   * every resource's kind, read the externals' kinds, and the graph's own {@link ResourceGraphProps.permissions}.
   */
  public readonly kroPermissions: readonly ManagedResources[];

  public constructor(scope: Construct, id: string, props: ResourceGraphProps) {
    super(scope, id);
    this.kind = props.kind;
    this.apiVersion = PLATFORM_API_VERSION;
    this.fields = props.fields;
    this.resource = kroPlural(props.kind);
    this.resourceIds = props.resources.map((r) => r.id);
    this.clusterScoped = props.clusterScoped ?? false;
    const kindOf = (template: object): { apiVersion: string; kind: string } | undefined => {
      const { apiVersion, kind } = template as { apiVersion?: unknown; kind?: unknown };
      return typeof apiVersion === 'string' && typeof kind === 'string' ? { apiVersion, kind } : undefined;
    };
    this.kroPermissions = [
      { apiGroup: PLATFORM_GROUP, resources: [this.resource] },
      { apiGroup: PLATFORM_GROUP, resources: [`${this.resource}/status`], verbs: ['get', 'update', 'patch'] },
      ...props.resources.flatMap((r) => {
        const k = kindOf(r.template);
        return k ? [{ apiGroup: apiGroupOf(k.apiVersion), resources: [r.resource ?? guessResource(k.kind)] }] : [];
      }),
      ...(props.externals ?? []).map((e) => ({ apiGroup: apiGroupOf(e.apiVersion), resources: [guessResource(e.kind)], verbs: READ_VERBS })),
      ...(props.permissions ?? []),
    ];
    // Issues of the readiness rule: unclassified kinds and broken exceptions (notAwaited).
    const unclassified: ValidationIssue[] = [];
    const resources = props.resources.map((r) => {
      const { apiVersion, kind } = r.template as { apiVersion?: unknown; kind?: unknown };
      const readiness = typeof apiVersion === 'string' && typeof kind === 'string' ? readinessOf(apiVersion, kind) : undefined;
      if (!readiness) {
        unclassified.push(issue(this, `resources.${r.id}.template`, `${String(apiVersion)} ${String(kind)}`,
          'has no readiness rule: its kind is not in CHILD_READINESS (lib/foundation/readiness.ts), so KRO would count it ready as soon as it exists',
          `add group ${JSON.stringify(typeof apiVersion === 'string' ? apiGroupOf(apiVersion) : '')} kind ${JSON.stringify(kind)} to CHILD_READINESS, with its readyWhen rule or the reason it reports no readiness`));
      }
      if (r.notAwaited === undefined) {
        const readyWhen = [...(readiness && 'readyWhen' in readiness ? readiness.readyWhen(r.forEach ? 'each' : r.id).map((c) => cel(c)) : []), ...(r.readyWhen ?? [])];
        return { ...r, readyWhen };
      }
      const problem = notAwaitedProblem(readiness, r.notAwaited);
      if (problem) unclassified.push(issue(this, `resources.${r.id}.notAwaited`, r.notAwaited, problem.rule, problem.fix));
      if (r.readyWhen) {
        unclassified.push(issue(this, `resources.${r.id}.readyWhen`, r.readyWhen.join(' && '),
          'is set beside notAwaited: a resource the instance does not wait for has no readiness conditions', 'remove readyWhen, or notAwaited'));
      }
      const { metadata } = r.template as { metadata?: { annotations?: Record<string, string> } };
      const template = { ...r.template, metadata: { ...metadata, annotations: { ...metadata?.annotations, [NOT_AWAITED_ANNOTATION]: r.notAwaited } } };
      return { ...r, template, readyWhen: [] };
    });
    addIssueCheck(this, () => [
      ...unclassified,
      ...defaultProblems(props.fields).map((p) => issueAt(this, {
        field: `${p.field}.default`, value: p.value, rule: `${p.rule}, the field's own constraint: the API server would refuse the RGD's CRD`,
        fix: 'change the default; a profile-dependent default comes from the environment profile (EnvironmentProfile)',
      }, 'schema.spec.')),
    ]);
    const types = simpleSchemaTypes(props.fields);
    const name = `${props.kind.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}.${PLATFORM_GROUP}`;
    this.definition = new ResourceGraphDefinition(this, 'rgd', {
      // An RGD is data-bearing: Flux never prunes it.
      metadata: { name, labels: partOfLabel(this), annotations: dataAnnotations(ResourceGraphDefinition.GVK.apiVersion, ResourceGraphDefinition.GVK.kind) },
      spec: {
        schema: {
          apiVersion: PLATFORM_VERSION,
          group: PLATFORM_GROUP,
          kind: props.kind,
          scope: props.clusterScoped ? ResourceGraphDefinitionSpecSchemaScope.CLUSTER : ResourceGraphDefinitionSpecSchemaScope.NAMESPACED,
          spec: toSimpleSchema(props.fields),
          // The named item types of list and map fields (`[]EnvVar`); absent when none needs one, so RGDs without stay as they were.
          ...(Object.keys(types).length > 0 ? { types } : {}),
          ...(props.status ? { status: props.status } : {}),
          additionalPrinterColumns: [...READINESS_COLUMNS, ...(props.printerColumns ?? []), AGE_COLUMN],
        },
        resources: [
          ...(props.externals ?? []).map((e) => ({ id: e.id, externalRef: { apiVersion: e.apiVersion, kind: e.kind, metadata: { ...e.metadata } } })),
          ...resources.map((r) => ({
          id: r.id,
          ...(r.forEach ? { forEach: Object.entries(r.forEach).map(([variable, expr]) => ({ [variable]: expr })) } : {}),
          template: r.template,
          ...(r.includeWhen ? { includeWhen: [...r.includeWhen] } : {}),
          ...(r.readyWhen.length > 0 ? { readyWhen: r.readyWhen } : {}),
          })),
        ],
      },
    });
    // Flux waits for the RGD in its stage and for the instances in theirs.
    registerHealthCheck(this, RESOURCE_GRAPH_DEFINITION_HEALTH_CHECK);
    registerHealthCheck(this, kroInstanceHealthCheck(PLATFORM_API_VERSION, props.kind));
  }
}
