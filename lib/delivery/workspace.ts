/**
 * A Workspace: an isolated tenant. Apps, infrastructure and topics are created *in* it:
 *
 * ```ts
 * const ws = new Workspace(chart, 'team-a', { team: 'team-a' });
 * const db = new Infrastructure(ws, 'db');
 * new WebApplication(ws, 'web', { image: 'ghcr.io/acme/web:1.0.0', hostname: 'web.localtest.me', database: db });
 * ```
 */
import { Construct, IConstruct } from 'constructs';
import { isReservedNamespace, LABELS } from '../shared/api';
import { EnvironmentProfile, LOCAL } from '../shared/environment';
import { issue, issueAt, ValidationIssue } from '../shared/validation-error';
import { WORKSPACE_FIELDS, workspaceFields, WorkspaceSpec } from '../foundation/workspace/schema';
import { Fields } from '../shared/fields';
import { quotaProblems, topicQuotaProblem } from '../foundation/cross-checks';
import { egressHostProblem } from '../foundation/egress';
import { freeId, Instance, register, registered } from './instance';

/** Resource limits of a workspace; every value defaults from the environment profile. */
export interface WorkspaceQuota {
  /** Total CPU limits of all pods. @default '4' (local profile) */
  readonly cpu?: string;
  /** Total memory limits of all pods. @default '8Gi' (local profile) */
  readonly memory?: string;
  /** Total requested persistent storage. @default '20Gi' (local profile) */
  readonly storage?: string;
  /** Maximum number of pods. @default 40 (local profile) */
  readonly pods?: number;
  /** CPU limit given to containers that set none. @default '250m' (local profile) */
  readonly defaultContainerCpu?: string;
  /** Memory limit given to containers that set none. @default '256Mi' (local profile) */
  readonly defaultContainerMemory?: string;
  /** Maximum number of Topics in the workspace (0–100; the ResourceQuota counts them). @default 10 */
  readonly topics?: number;
  /** Bytes per second the workspace's Kafka user may publish to each broker (1024–104857600). @default 1048576 */
  readonly kafkaProducerBytesPerSecond?: number;
  /** Bytes per second the workspace's Kafka user may fetch from each broker (1024–104857600). @default 2097152 */
  readonly kafkaConsumerBytesPerSecond?: number;
}

/**
 * An external host the pods may connect to (egress by name; Cilium FQDN policy). Everything else outside the
 * platform stays denied.
 */
export interface EgressHost {
  /**
   * Fully qualified lowercase DNS name (RFC 1123; labels ≤ 63 characters, ≤ 253 in all), exact (`api.stripe.com`)
   * or with one leading `*.` label that matches one label in its place (`*.stripe.com`; Cilium `matchPattern`).
   * `*`, `**.` and `*.<top-level domain>` are refused.
   */
  readonly host: string;
  /** TCP ports allowed to the host (1–8 ports, each 1–65535), e.g. `[443]`. */
  readonly ports: number[];
}

/** The validation issues of an `egress` list beyond its schema: {@link egressHostProblem} for each host. */
export function egressIssues(scope: IConstruct, hosts: readonly EgressHost[] | undefined): ValidationIssue[] {
  return (hosts ?? []).flatMap((h, i) => {
    const p = egressHostProblem(h.host);
    return p ? [issue(scope, `spec.egress[${i}].host`, h.host, p, 'list the exact host names the app calls, e.g. api.stripe.com, or *.<domain> for one label')] : [];
  });
}

/** Properties of a {@link Workspace}. */
export interface WorkspaceProps {
  /** Team that owns the workspace (DNS label). */
  readonly team: string;
  /** ResourceQuota and LimitRange sizes. @default the environment profile's workspace quota */
  readonly quota?: WorkspaceQuota;
  /**
   * External hosts every pod of the workspace may connect to (at most 16), rendered as the CiliumNetworkPolicy
   * `workspace-egress`. An application can allow hosts for its own pods only (`WebApplicationProps.egress`).
   * @default []
   */
  readonly egress?: EgressHost[];
  /**
   * Sizes: the quota defaults here, and the defaults of the Infrastructure and Topics created in the workspace.
   * Not part of the instance's spec. @default LOCAL
   */
  readonly environment?: EnvironmentProfile;
  /**
   * The platform domain (the shared Gateway's `*.<domain>`): its WebApplications may only use host names the
   * workspace owns, `<workspace>.<domain>` or `<workspace>-<name>.<domain>` (the rule the `hostname-ownership`
   * admission policy enforces in the cluster). `DeliveryChart.addWorkspace` sets it.
   * @default no ownership check (a workspace created outside a DeliveryChart does not know the domain)
   */
  readonly hostDomain?: string;
}

/** Longest workspace name: leaves room for `<workspace>-<name>` objects and their suffixes. */
export const MAX_WORKSPACE_NAME = 30;

/** A tenant workspace (cluster-scoped `Workspace` instance; its name is the namespace name). */
export class Workspace extends Instance<typeof WORKSPACE_FIELDS> {
  /** Namespace of the workspace (equal to its name). */
  public readonly namespace: string;
  /** Owning team. */
  public readonly team: string;
  /** The environment profile that sizes the workspace and its instances. */
  public readonly environment: EnvironmentProfile;
  /** The platform domain its applications' host names must be owned under, when known. */
  public readonly hostDomain?: string;

  /**
   * @param scope the chart (or any construct) holding the workspace
   * @param name workspace name: the namespace and the prefix of everything in it
   */
  public constructor(scope: Construct, name: string, props: WorkspaceProps) {
    const duplicates: string[] = [];
    const id = freeId(scope, name, duplicates);
    const environment = props.environment ?? LOCAL;
    const quota = { ...environment.workspaceQuota, ...(props.quota ?? {}) };
    const spec: WorkspaceSpec = { team: props.team, quota, ...(props.egress ? { egress: props.egress.map((e) => ({ ...e })) } : {}) };
    super(scope, id, duplicates, {
      kind: 'Workspace',
      name,
      fields: workspaceFields(environment),
      spec,
      labels: { [LABELS.workspace]: name, [LABELS.team]: props.team },
    });
    this.namespace = name;
    this.team = props.team;
    this.environment = environment;
    this.hostDomain = props.hostDomain;
    register(this, `workspace:${name}`);
  }

  /** The name an object named `name` gets in this workspace: `<workspace>-<name>`. */
  public qualify(name: string): string {
    return `${this.name}-${name}`;
  }

  protected override maxNameLength(): number {
    return MAX_WORKSPACE_NAME;
  }

  protected override validateInstance(): ValidationIssue[] {
    const out: ValidationIssue[] = [];
    if (isReservedNamespace(this.name)) {
      out.push(issue(this, 'name', this.name, 'is a reserved namespace (Kubernetes, Flux or a platform component)', 'choose a team-specific name such as "team-payments"'));
    }
    const same = registered<Workspace>(this, `workspace:${this.name}`);
    if (same.length > 1 && same[0] !== this) {
      out.push(issue(this, 'name', this.name, `is already the name of the workspace at ${same[0].node.path}`, 'workspace names are cluster-wide: pick another'));
    }
    out.push(...this.derivedNameClashes());
    out.push(...this.quotaShortfalls());
    out.push(...egressIssues(this, this.resolvedSpec.egress));
    const topics = this.node.findAll().filter((c): c is Instance<Fields> => c instanceof Instance && c.kind === 'Topic').map((t) => t.name);
    const topicQuota = topicQuotaProblem(this.resolvedSpec.quota.topics, topics);
    if (topicQuota) out.push(issue(this, 'spec.quota.topics', this.resolvedSpec.quota.topics, topicQuota.rule, topicQuota.fix));
    return out;
  }

  /** Quota fields too small for the pods of the workspace's instances. */
  private quotaShortfalls(): ValidationIssue[] {
    const demands = this.node.findAll().flatMap((c) => (c instanceof Instance && c !== this ? c.podDemands() : []));
    return quotaProblems(this.resolvedSpec.quota, demands).map((p) => issueAt(this, p, 'spec.quota.'));
  }

  /** Services and Deployments that two instances of this workspace would both create. */
  private derivedNameClashes(): ValidationIssue[] {
    const owners = new Map<string, string>();
    const out: ValidationIssue[] = [];
    const claim = (object: string, by: Instance<Fields>): void => {
      const prev = owners.get(object);
      if (prev && prev !== by.node.path) {
        out.push(issue(by, 'name', by.name, `would create ${object}, which ${prev} creates too`, 'rename one of them'));
      } else owners.set(object, by.node.path);
    };
    for (const c of this.node.findAll()) {
      if (c instanceof Instance && c !== this) for (const object of c.derivedObjects()) claim(object, c);
    }
    return out;
  }
}
