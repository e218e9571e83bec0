/**
 * Cross-checks: rules that relate an instance to the rest of the platform (the shared Kafka, the shared
 * Gateway, the image policy, the workspace quota, PostgreSQL and CloudNativePG). Each would otherwise pass
 * synth and fail only in the cluster, often silently (a route that never attaches, a topic that never becomes
 * Ready, pods the quota refuses).
 *
 * Each rule is one function on plain values returning the broken rule and its fix, or undefined. The tenant
 * constructs (lib/delivery) turn a result into a validation issue with their construct path, field and value;
 * the offline validator (`tools/validate`, `npm run validate`) applies the same functions to the instances in
 * `dist/`. A rule is written here once.
 */
import { formatBytes, formatCpu, parseQuantity } from '../shared/quantity';
import { show, ValidationIssue } from '../shared/validation-error';
import { CACHE_CPU_LIMIT, DATABASE_LIMITS } from './infrastructure/definition';

// A broken cross-check is the rule and fix of a ValidationIssue (`Required<Pick<ValidationIssue, 'rule' | 'fix'>>`):
// the rule is appended to `field = value:`; the caller knows the field and the value.

/**
 * A topic's replication factor must not exceed the brokers of the shared Kafka cluster: Kafka refuses to
 * create it (`InvalidReplicationFactorException`: replication factor larger than available brokers), so the
 * Topic Operator keeps the KafkaTopic `Ready=False` and the Topic never becomes Ready.
 * @param replicas the topic's `spec.replicas`
 * @param brokers broker nodes of the shared cluster (the environment profile's `kafka.nodes`)
 */
export function topicReplicasProblem(replicas: number, brokers: number): Required<Pick<ValidationIssue, 'rule' | 'fix'>> | undefined {
  if (replicas <= brokers) return undefined;
  return {
    rule: `is more than the ${brokers} broker${brokers === 1 ? '' : 's'} of the shared Kafka cluster: Kafka cannot place ${replicas} replicas, so the KafkaTopic is never Ready`,
    fix: `set replicas to at most ${brokers}, or give the environment profile more Kafka nodes`,
  };
}

/**
 * An application's host name must lie inside the hostname of the Gateway listener its HTTPRoute attaches to.
 * Gateway API (gateway.networking.k8s.io/v1 `Listener.hostname`): no hostname matches every host; `*.d` is a
 * suffix match (`a.d` and `b.a.d`, never `d` itself); any other hostname matches only itself. A route with no
 * matching host is not accepted (`Accepted=False`, reason `NoMatchingListenerHostname`) and gets no traffic.
 * @param hostname the application's host name
 * @param listenerHostname the listener's `hostname`, e.g. `*.localtest.me` (undefined: the listener has none)
 * @param instanceName the app's name (`<workspace>-<app>`): the fix suggests `<instanceName>.<domain>`, a host name the
 *   workspace owns (hostname-ownership policy); without it, the host name's first label under the domain
 */
export function listenerHostnameProblem(hostname: string, listenerHostname: string | undefined, instanceName?: string): Required<Pick<ValidationIssue, 'rule' | 'fix'>> | undefined {
  if (listenerHostname === undefined) return undefined;
  const wildcard = listenerHostname.startsWith('*.');
  const inside = wildcard ? hostname.endsWith(listenerHostname.slice(1)) && hostname.length > listenerHostname.length - 1 : hostname === listenerHostname;
  if (inside) return undefined;
  const domain = wildcard ? listenerHostname.slice(2) : listenerHostname;
  return {
    rule: `is outside the shared Gateway's listener hostname "${listenerHostname}": the HTTPRoute would not be accepted (NoMatchingListenerHostname) and the app would get no traffic`,
    fix: wildcard ? `use a host name under ${domain}, e.g. "${instanceName ?? hostname.split('.')[0]}.${domain}"` : `use the host name "${domain}"`,
  };
}

/**
 * An image must come from a registry the `image-registries` policy allows (the registries of the
 * {@link ImageRegistryPolicy} in the app, or those of the policy in `dist/`): Kyverno would refuse the app's
 * Deployment. The same test as the policy's CEL: the image starts with one of the allowed prefixes.
 * @param image the image reference
 * @param allowedRegistries the policy's allowed prefixes, e.g. `['ghcr.io/', 'docker.io/']`
 */
export function imageRegistryProblem(image: string, allowedRegistries: readonly string[]): Required<Pick<ValidationIssue, 'rule' | 'fix'>> | undefined {
  if (allowedRegistries.some((r) => image.startsWith(r))) return undefined;
  return {
    rule: `comes from a registry the image-registries policy denies (allowed: ${allowedRegistries.join(', ')}): Kyverno would reject the app's Deployment`,
    fix: `use an image from ${allowedRegistries.join(', ')}, or allow its registry in the FoundationChart's images.allowedRegistries`,
  };
}

/**
 * Names PostgreSQL or CloudNativePG reserve, by the field they cannot be used for:
 * - database `postgres`: CloudNativePG connects to it for every administrative task and requires it to exist
 *   (CloudNativePG docs, "Bootstrap": "DO NOT DELETE the postgres user or the postgres database"); initdb
 *   creates it, so it cannot be the application database;
 * - database `template0`, `template1`: the template databases every PostgreSQL cluster has (PostgreSQL docs,
 *   "Template Databases"); `CREATE DATABASE` of either fails;
 * - owner `postgres`: the superuser initdb creates, which CloudNativePG uses (same "Bootstrap" note);
 * - owner `streaming_replica`: the replication user CloudNativePG creates and reserves (CloudNativePG docs,
 *   "PostgreSQL Role management": reserved users `postgres`, `streaming_replica`);
 * - owner `pg_*`: PostgreSQL reserves role names beginning with `pg_` (PostgreSQL docs, "Database Roles":
 *   "role names beginning with pg_ are reserved"); `CREATE ROLE pg_x` fails;
 * - owner `public`, `none`: `CREATE ROLE` refuses both ("role name \"%s\" is reserved", PostgreSQL
 *   src/backend/commands/user.c, CreateRole); `public` names the pseudo-role every role belongs to.
 */
export const RESERVED_POSTGRES_NAMES = {
  database: { names: ['postgres', 'template0', 'template1'], prefixes: [] },
  owner: { names: ['postgres', 'streaming_replica', 'public', 'none'], prefixes: ['pg_'] },
} as const satisfies Record<'database' | 'owner', { names: readonly string[]; prefixes: readonly string[] }>;

/**
 * Whether `name` is reserved for `field` ({@link RESERVED_POSTGRES_NAMES}): CloudNativePG's bootstrap
 * would fail and the database would never be created.
 */
export function postgresNameProblem(field: 'database' | 'owner', name: string): Required<Pick<ValidationIssue, 'rule' | 'fix'>> | undefined {
  const reserved = RESERVED_POSTGRES_NAMES[field];
  const prefix = reserved.prefixes.find((p) => name.startsWith(p));
  if (!(reserved.names as readonly string[]).includes(name) && !prefix) return undefined;
  const all = [...reserved.names.map((n) => `"${n}"`), ...reserved.prefixes.map((p) => `"${p}*"`)].join(', ');
  return {
    rule: `is reserved by PostgreSQL or CloudNativePG (${field === 'database' ? 'database' : 'role'} names ${all}): the bootstrap would fail`,
    fix: `choose another ${field === 'database' ? 'database' : 'owner'} name, e.g. "app"`,
  };
}

/**
 * An Infrastructure must run something: with `postgres.enabled` and `cache.enabled` both false it would create
 * no object at all, yet report Ready, and an app wired to it would get no connection details.
 * @param postgres the instance's `postgres.enabled`
 * @param cache the instance's `cache.enabled`
 */
export function infrastructureServicesProblem(postgres: boolean, cache: boolean): Required<Pick<ValidationIssue, 'rule' | 'fix'>> | undefined {
  if (postgres || cache) return undefined;
  return {
    rule: 'turns off PostgreSQL and the cache together: the Infrastructure would run nothing',
    fix: 'enable postgres (a database), the cache, or both; remove the Infrastructure if it needs neither',
  };
}

/**
 * Why the additional database at `index` of `names` cannot be created, or undefined. CloudNativePG's Database
 * CRD refuses `postgres`, `template0` and `template1` ("the name … is reserved", postgresql.cnpg.io_databases.yaml
 * `spec.name` validations); one name twice, or the bootstrap database again, would be two Database objects for
 * one PostgreSQL database, each reconciling it (CloudNativePG docs, "PostgreSQL Database Management": one
 * Database object per database).
 * @param names every additional database name of the instance, in order
 * @param bootstrap the instance's `postgres.database`
 */
export function additionalDatabaseProblem(names: readonly string[], index: number, bootstrap: string): Required<Pick<ValidationIssue, 'rule' | 'fix'>> | undefined {
  const name = names[index]!;
  if ((RESERVED_POSTGRES_NAMES.database.names as readonly string[]).includes(name)) {
    return {
      rule: `is reserved by PostgreSQL (${RESERVED_POSTGRES_NAMES.database.names.map((n) => `"${n}"`).join(', ')}): CloudNativePG's Database resource refuses it`,
      fix: 'choose another database name',
    };
  }
  if (name === bootstrap) return { rule: 'is the bootstrap database (postgres.database), which the cluster creates already', fix: 'list only the databases beside it; put its extensions in postgres.extensions' };
  const first = names.indexOf(name);
  if (first < index) return { rule: `is listed twice (also at postgres.databases[${first}])`, fix: 'list each database once' };
  return undefined;
}

/** Pods an instance creates, with the limits of each pod (requests equal limits on every platform pod). */
export interface PodDemand {
  /** What creates them, e.g. `team-a-web` or `team-a-db database`. */
  readonly source: string;
  /** Number of pods. */
  readonly pods: number;
  /** CPU limit of each pod, a quantity. */
  readonly cpu: string;
  /** Memory limit of each pod, a quantity. */
  readonly memory: string;
  /** Volume each pod claims (its PVC's `requests.storage`), a quantity. @default none */
  readonly storage?: string;
}

/** The sizes a pod-running instance's spec gives its container. */
export interface ContainerSizes { readonly resources: { readonly cpu: string; readonly memory: string } }

/**
 * The pods of a WebApplication: `replicas` pods of `resources` (requests = limits), or, when autoscaling is
 * enabled, as many as the autoscaler may start (`maxReplicas`): the quota must hold the most that can run.
 */
export function webApplicationPods(
  name: string,
  spec: ContainerSizes & { readonly replicas: number; readonly autoscaling?: { readonly enabled: boolean; readonly maxReplicas: number } },
): PodDemand[] {
  const pods = spec.autoscaling?.enabled ? spec.autoscaling.maxReplicas : spec.replicas;
  return [{ source: name, pods, cpu: spec.resources.cpu, memory: spec.resources.memory }];
}

/**
 * The pods of a Workload: a worker's `replicas`; one for a job; one for a cron, two when `concurrencyPolicy`
 * is Allow or Replace (a new run may start while the last one's pod still runs or terminates).
 */
export function workloadPods(name: string, spec: ContainerSizes & { readonly type: string; readonly replicas: number; readonly concurrencyPolicy: string }): PodDemand[] {
  const pods = spec.type === 'worker' ? spec.replicas : spec.type === 'cron' && spec.concurrencyPolicy !== 'Forbid' ? 2 : 1;
  return [{ source: name, pods, cpu: spec.resources.cpu, memory: spec.resources.memory }];
}

/** The pods of an Infrastructure: the PostgreSQL instances and the cache, each when enabled. */
export function infrastructurePods(
  name: string,
  spec: {
    readonly postgres: { readonly enabled: boolean; readonly instances: number; readonly storage: string };
    readonly cache: { readonly enabled: boolean; readonly memory: string };
  },
): PodDemand[] {
  return [
    // CloudNativePG claims one volume of `storage.size` per instance (cloudnative-pg docs, "Storage").
    ...(spec.postgres.enabled
      ? [{ source: `${name} database`, pods: spec.postgres.instances, cpu: DATABASE_LIMITS.cpu, memory: DATABASE_LIMITS.memory, storage: spec.postgres.storage }]
      : []),
    ...(spec.cache.enabled ? [{ source: `${name} cache`, pods: 1, cpu: CACHE_CPU_LIMIT, memory: spec.cache.memory }] : []),
  ];
}

/** A workspace quota's limits that the pods are checked against. */
export interface QuotaLimits {
  /** Total CPU limits (ResourceQuota `limits.cpu`). */
  readonly cpu: string;
  /** Total memory limits (ResourceQuota `limits.memory`). */
  readonly memory: string;
  /** Maximum number of pods. */
  readonly pods: number;
  /** Total storage the workspace's PVCs may request (ResourceQuota `requests.storage`). @default unchecked */
  readonly storage?: string;
}

/**
 * A workspace's Topics must fit its topic quota: the Workspace RGD's ResourceQuota counts Topic instances
 * (`count/topics.platform.mini-atlas.io`) and the API server refuses the Topic beyond it ("exceeded quota").
 * @param limit the workspace's `quota.topics`
 * @param topics names of the Topic instances in the workspace
 */
export function topicQuotaProblem(limit: number, topics: readonly string[]): Required<Pick<ValidationIssue, 'rule' | 'fix'>> | undefined {
  // A limit the schema refuses (negative, fractional) is left to the schema checks.
  if (!Number.isInteger(limit) || limit < 0 || topics.length <= limit) return undefined;
  return {
    rule: `is less than the workspace's ${topics.length} Topics (${topics.join(', ')}): the ResourceQuota would refuse the Topics beyond it`,
    fix: `raise quota.topics to at least ${topics.length}, or remove Topics`,
  };
}

/**
 * A workspace's ResourceQuota must hold every pod its instances create: the API server refuses a pod that
 * would exceed `limits.cpu`, `limits.memory` or `pods` ("exceeded quota"), so the last replicas never start
 * and their instance never becomes Ready. Sums are exact ({@link parseQuantity}); a quantity that does not
 * parse is left to the schema checks.
 * @returns one problem per quota field that is too small, in the order cpu, memory, storage, pods: a
 * ValidationIssue without its path, `field` the quota's (`cpu`, `memory`, `storage`, `pods`), `value` its JSON
 */
export function quotaProblems(quota: QuotaLimits, demands: readonly PodDemand[]): Required<Omit<ValidationIssue, 'path'>>[] {
  const used = demands.filter((d) => d.pods > 0);
  const out: Required<Omit<ValidationIssue, 'path'>>[] = [];
  const resources = [
    { field: 'cpu', what: 'CPU limits', of: (d: PodDemand) => d.cpu, format: formatCpu },
    { field: 'memory', what: 'memory limits', of: (d: PodDemand) => d.memory, format: formatBytes },
    { field: 'storage', what: 'volume requests', of: (d: PodDemand) => d.storage ?? '0', format: formatBytes },
  ] as const;
  for (const r of resources) {
    const given = quota[r.field];
    if (given === undefined) continue;
    const limit = parseQuantity(given);
    const each = used.map((d) => parseQuantity(r.of(d)));
    if (limit === undefined || each.some((v) => v === undefined)) continue;
    const total = used.reduce((sum, d, i) => sum + BigInt(d.pods) * each[i]!, 0n);
    if (total <= limit) continue;
    const claimed = r.field === 'storage' ? used.filter((d) => d.storage !== undefined) : used;
    const shown = claimed.map((d) => `${d.source} ${d.pods} × ${r.of(d)}`).join(', ');
    out.push({
      field: r.field, value: show(given),
      rule: `is less than the ${r.format(total)} ${r.what} of the pods the workspace's instances create (${shown}): the ResourceQuota would refuse the ${r.field === 'storage' ? 'volume claims' : 'pods'} beyond it`,
      fix: `raise quota.${r.field} to at least ${r.format(total)}, or lower the replicas or sizes`,
    });
  }
  const pods = used.reduce((sum, d) => sum + d.pods, 0);
  if (pods > quota.pods) {
    out.push({
      field: 'pods', value: show(quota.pods),
      rule: `is less than the ${pods} pods the workspace's instances create (${used.map((d) => `${d.source} ${d.pods}`).join(', ')}): the ResourceQuota would refuse the pods beyond it`,
      fix: `raise quota.pods to at least ${pods}, or lower the replicas`,
    });
  }
  return out;
}
