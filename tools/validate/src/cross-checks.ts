/**
 * The library's cross-checks (mini-atlas `lib/foundation/cross-checks.ts`), applied to the Mini-Atlas
 * instances in a directory of manifests: the rules are imported, never restated; this file only finds their
 * inputs in `dist/`:
 * - instances of the platform's kinds (`platform.mini-atlas.io`), with the defaults of the RGD in `dist/`
 *   that generates their kind applied (as the API server applies the generated CRD's defaults);
 * - the broker count: the replicas of the broker node pools of the Kafka cluster the Topic RGD's KafkaTopic
 *   is labelled for (`strimzi.io/cluster`);
 * - the listener hostname: the Gateway listener the WebApplication RGD's HTTPRoute attaches to (`parentRefs`);
 * - the allowed registries: the `image-registries` policy in the directory (`allowedRegistriesOf`);
 * - an Infrastructure's own spec: PostgreSQL or the cache on, its additional database names.
 * A fact not found in the directory (no policy, no Gateway) means that rule is not checked.
 */
import {
  additionalDatabaseProblem, allowedRegistriesOf, DistDocument, ENV_LISTS, envProblems, imageRegistryProblem, infrastructurePods,
  infrastructureServicesProblem, JsonObject, JsonValue, listenerHostnameProblem, PLATFORM_API_VERSION, PLATFORM_GROUP, PodDemand,
  postgresNameProblem, quotaProblems, topicQuotaProblem, topicReplicasProblem, type ValidationIssue, webApplicationPods, workloadPods,
} from 'mini-atlas';
import { Violation } from './model';
import { asList, asObject, asString, metaOf, violation } from './objects';
import { RgdModel } from './rgd';
import { SchemaNode } from './schema-node';

/** The value with the schema's defaults applied where a field is absent (objects recursively). */
export function withDefaults(node: SchemaNode | undefined, value: JsonValue | undefined): JsonValue | undefined {
  const v = value === undefined ? node?.default : value;
  if (!node?.properties || !v || typeof v !== 'object' || Array.isArray(v)) return v;
  const out: JsonObject = { ...v };
  for (const [name, child] of node.properties) {
    const filled = withDefaults(child, out[name]);
    if (filled !== undefined) out[name] = filled;
  }
  return out;
}

/** An instance of a platform kind, its spec resolved. */
interface Instance {
  readonly doc: DistDocument;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly spec: JsonObject;
}

const num = (v: JsonValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);

/** The template of the first resource of `kind` in the RGD generating `generatedKind`. */
function templateOf(rgds: readonly RgdModel[], generatedKind: string, kind: string): JsonObject | undefined {
  const rgd = rgds.find((m) => m.generated.kind === generatedKind && m.generated.group === PLATFORM_GROUP);
  return rgd?.resources.find((r) => r.kind === kind)?.template;
}

/** Brokers of the Kafka cluster `cluster`: replicas of its node pools with the broker role. */
function brokersOf(docs: readonly DistDocument[], cluster: string): number | undefined {
  const pools = docs.map((d) => d.object).filter((o) => o.kind === 'KafkaNodePool' && asString(asObject(asObject(o.metadata)?.labels)?.['strimzi.io/cluster']) === cluster);
  if (pools.length === 0) return undefined;
  return pools.filter((p) => asList(asObject(p.spec)?.roles).includes('broker')).reduce((sum, p) => sum + (num(asObject(p.spec)?.replicas) ?? 0), 0);
}

/** The hostname of the Gateway listener an HTTPRoute template's first parentRef names ('*' when it has none). */
function listenerHostnameOf(docs: readonly DistDocument[], route: JsonObject | undefined): string | undefined | null {
  const parent = asObject(asList(asObject(route?.spec)?.parentRefs)[0]);
  const gateway = docs.map((d) => d.object).find((o) => o.kind === 'Gateway' && metaOf(o).name === asString(parent?.name) && metaOf(o).namespace === asString(parent?.namespace));
  if (!gateway) return null;
  const section = asString(parent?.sectionName);
  const listener = asList(asObject(gateway.spec)?.listeners).map(asObject).find((l) => section === undefined || asString(l?.name) === section);
  return listener ? asString(listener.hostname) : null;
}

/** The pods an instance creates, when its (resolved) spec has the fields they are counted from. */
function podsOf(i: Instance): PodDemand[] {
  const resources = asObject(i.spec.resources);
  const postgres = asObject(i.spec.postgres);
  const cache = asObject(i.spec.cache);
  const replicas = num(i.spec.replicas);
  const cpu = asString(resources?.cpu);
  const memory = asString(resources?.memory);
  if (i.kind === 'WebApplication' && replicas !== undefined && cpu !== undefined && memory !== undefined) {
    const autoscaling = asObject(i.spec.autoscaling);
    const maxReplicas = num(autoscaling?.maxReplicas);
    const scaled = autoscaling?.enabled === true && maxReplicas !== undefined ? { autoscaling: { enabled: true, maxReplicas } } : {};
    return webApplicationPods(i.name, { replicas, resources: { cpu, memory }, ...scaled });
  }
  const type = asString(i.spec.type);
  const concurrencyPolicy = asString(i.spec.concurrencyPolicy);
  if (i.kind === 'Workload' && type !== undefined && replicas !== undefined && concurrencyPolicy !== undefined && cpu !== undefined && memory !== undefined) {
    return workloadPods(i.name, { type, replicas, concurrencyPolicy, resources: { cpu, memory } });
  }
  const instances = num(postgres?.instances);
  const storage = asString(postgres?.storage);
  const postgresEnabled = postgres?.enabled;
  const enabled = cache?.enabled;
  const cacheMemory = asString(cache?.memory);
  if (i.kind === 'Infrastructure' && typeof postgresEnabled === 'boolean' && instances !== undefined && storage !== undefined
    && typeof enabled === 'boolean' && cacheMemory !== undefined) {
    return infrastructurePods(i.name, { postgres: { enabled: postgresEnabled, instances, storage }, cache: { enabled, memory: cacheMemory } });
  }
  return [];
}

/** Runs every cross-check on the platform instances among `docs`. */
export function checkCrossReferences(docs: readonly DistDocument[], rgds: readonly RgdModel[]): Violation[] {
  const out: Violation[] = [];
  /** A problem of instance `i`, as the library's rules report it: its field below `spec`, value as JSON, rule and fix. */
  const reportIssue = (i: Instance, p: Omit<ValidationIssue, 'path'>): void => {
    out.push(violation(i.doc, 'cross-check', `$.spec.${p.field}`, `${p.value} ${p.rule}.${p.fix ? ` Fix: ${p.fix}` : ''}`));
  };
  const report = (i: Instance, field: string, value: JsonValue, p: Required<Pick<ValidationIssue, 'rule' | 'fix'>> | undefined): void => {
    if (p) reportIssue(i, { field, value: JSON.stringify(value), ...p });
  };
  const instances: Instance[] = [];
  for (const doc of docs) {
    if (doc.object.apiVersion !== PLATFORM_API_VERSION) continue;
    const kind = asString(doc.object.kind) ?? '';
    const rgd = rgds.find((m) => m.generated.group === PLATFORM_GROUP && m.generated.kind === kind);
    const spec = asObject(withDefaults(rgd?.specNode, doc.object.spec ?? {}));
    if (spec) instances.push({ doc, kind, ...metaOf(doc.object), spec });
  }
  const ofKind = (kind: string): Instance[] => instances.filter((i) => i.kind === kind);

  const cluster = asString(asObject(asObject(templateOf(rgds, 'Topic', 'KafkaTopic')?.metadata)?.labels)?.['strimzi.io/cluster']);
  const brokers = cluster === undefined ? undefined : brokersOf(docs, cluster);
  for (const t of ofKind('Topic')) {
    const replicas = num(t.spec.replicas);
    if (brokers !== undefined && replicas !== undefined) report(t, 'replicas', replicas, topicReplicasProblem(replicas, brokers));
  }

  const listener = listenerHostnameOf(docs, templateOf(rgds, 'WebApplication', 'HTTPRoute'));
  const registries = docs.map((d) => allowedRegistriesOf(d.object)).filter((r): r is readonly string[] => r !== undefined);
  for (const app of ofKind('WebApplication')) {
    const hostname = asString(app.spec.hostname);
    if (hostname !== undefined && listener !== null) report(app, 'hostname', hostname, listenerHostnameProblem(hostname, listener, app.name));
  }
  for (const app of [...ofKind('WebApplication'), ...ofKind('Workload')]) {
    const image = asString(app.spec.image);
    if (image !== undefined) report(app, 'image', image, registries.map((r) => imageRegistryProblem(image, r)).find((p) => p));
    const lists = Object.fromEntries(ENV_LISTS.map((l) => [l, asList(app.spec[l]).map(asObject).map((v) => ({ name: asString(v?.name) ?? '' }))]));
    for (const p of envProblems(lists)) report(app, p.field, p.value, p);
  }

  for (const infra of ofKind('Infrastructure')) {
    const postgres = asObject(infra.spec.postgres);
    for (const field of ['database', 'owner'] as const) {
      const name = asString(postgres?.[field]);
      if (name !== undefined) report(infra, `postgres.${field}`, name, postgresNameProblem(field, name));
    }
    const postgresOn = postgres?.enabled;
    const cacheOn = asObject(infra.spec.cache)?.enabled;
    if (typeof postgresOn === 'boolean' && typeof cacheOn === 'boolean') report(infra, 'postgres.enabled', postgresOn, infrastructureServicesProblem(postgresOn, cacheOn));
    const bootstrap = asString(postgres?.database);
    const names = asList(postgres?.databases).map((d) => asString(asObject(d)?.name));
    if (bootstrap !== undefined && names.every((n): n is string => n !== undefined)) {
      names.forEach((n, index) => report(infra, `postgres.databases[${index}].name`, n, additionalDatabaseProblem(names, index, bootstrap)));
    }
  }

  for (const ws of ofKind('Workspace')) {
    const quota = asObject(ws.spec.quota);
    const cpu = asString(quota?.cpu);
    const memory = asString(quota?.memory);
    const pods = num(quota?.pods);
    const storage = asString(quota?.storage);
    const topicLimit = num(quota?.topics);
    const topics = ofKind('Topic').filter((t) => t.namespace === ws.name).map((t) => t.name);
    if (topicLimit !== undefined) report(ws, 'quota.topics', topicLimit, topicQuotaProblem(topicLimit, topics));
    if (cpu === undefined || memory === undefined || pods === undefined) continue;
    const demands = instances.filter((i) => i.namespace === ws.name).flatMap(podsOf);
    for (const p of quotaProblems({ cpu, memory, pods, storage }, demands)) reportIssue(ws, { ...p, field: `quota.${p.field}` });
  }
  return out;
}
