/**
 * Data-bearing kinds: the one declaration of which objects hold data, so that losing one loses data.
 *
 * Three things are derived from it, and nothing else decides them:
 * - Flux never prunes them: every object of such a kind in `dist/`, and every Namespace in `dist/` that holds
 *   one, carries `kustomize.toolkit.fluxcd.io/prune: disabled` ({@link withDataProtection}, applied by
 *   `renderApp`). Flux documents the annotation as the per-object delete policy that "can be used to protect
 *   sensitive resources such as Namespaces, PVCs and PVs from accidental deletion" (fluxcd/kustomize-controller
 *   docs/spec/v1/kustomizations.md, "Controlling the apply behavior of resources").
 * - The `stateful-deletion` Kyverno policy refuses to delete them, and the namespaces holding them, until the
 *   owning instance carries `platform.mini-atlas.io/allow-delete: "true"` (lib/foundation/policies).
 * - The offline validator reports a data-bearing object or namespace in `dist/` without the annotation, and a
 *   volume of a data-bearing object on a StorageClass that does not retain it ({@link dataProtectionProblems}).
 */
import { ANNOTATIONS, apiGroupOf, PLATFORM_GROUP, PLATFORM_VERSION } from './api';
import { JsonObject, isJsonObject, jsonAt } from './json';

/** One kind of object that holds data. */
export interface DataBearingKind {
  /** API group (`''` for the core group), e.g. `postgresql.cnpg.io`. */
  readonly group: string;
  /** The served version the policy reads it with, e.g. `v1`. */
  readonly version: string;
  /** Kind, e.g. `Cluster`. */
  readonly kind: string;
  /** Plural resource name (Kyverno match rules and `resource.List`), e.g. `clusters`. */
  readonly resource: string;
  /** Whether objects of the kind live in a namespace. */
  readonly namespaced: boolean;
  /** What is lost with it, for messages and docs (lowercase phrase). */
  readonly holds: string;
  /**
   * Path (field names) to the StorageClass name of the volumes it asks for, when it asks for any; that class
   * must retain its volumes (`reclaimPolicy: Retain`). @default none: it owns no volumes of its own
   */
  readonly storageClassPath?: readonly string[];
  /**
   * What deleting the object destroys beyond itself (one line, upstream source in a comment). A kind with it
   * is a data-holding child for the change guard: an RGD change that makes KRO delete such a child needs an
   * acknowledgement (lib/foundation/data-children.ts). @default none: deleting it alone loses no data
   */
  readonly deletionLoses?: string;
  /**
   * Paths (field names) of sizes that can only grow: the operator refuses or ignores a smaller value, so the
   * change guard of `writeDist` refuses it at synth. @default none
   */
  readonly growOnly?: readonly (readonly string[])[];
}

/**
 * Every data-bearing kind of the platform: the instances whose deletion deletes data (KRO deletes their
 * children), the children that hold it (a CloudNativePG Cluster deletes its PVCs with it, Strimzi deletes a
 * topic and its messages with its KafkaTopic), the shared Kafka cluster, and the RGDs (deleting one stops KRO
 * managing every instance of its kind; with KRO's `allowCRDDeletion` it deletes the CRD and every instance).
 */
export const DATA_BEARING_KINDS: readonly DataBearingKind[] = [
  { group: PLATFORM_GROUP, version: PLATFORM_VERSION, kind: 'Workspace', resource: 'workspaces', namespaced: false, holds: 'its namespace and everything in it' },
  { group: PLATFORM_GROUP, version: PLATFORM_VERSION, kind: 'Infrastructure', resource: 'infrastructures', namespaced: true, holds: 'its PostgreSQL database' },
  { group: PLATFORM_GROUP, version: PLATFORM_VERSION, kind: 'Topic', resource: 'topics', namespaced: true, holds: 'its topic and every message in it' },
  { group: 'postgresql.cnpg.io', version: 'v1', kind: 'Cluster', resource: 'clusters', namespaced: true, holds: 'a PostgreSQL database', storageClassPath: ['spec', 'storage', 'storageClass'],
    // The Cluster owns its PVCs, so they go with it; a retained PV stays behind unbound, and a new Cluster
    // bootstraps new, empty volumes (cloudnative-pg discussion #4278).
    deletionLoses: 'the PostgreSQL database: its volume claims go with the Cluster and a new Cluster starts empty',
    // CloudNativePG's webhook refuses a smaller storage size ("can't shrink existing storage").
    growOnly: [['spec', 'storage', 'size']] },
  { group: 'kafka.strimzi.io', version: 'v1', kind: 'KafkaTopic', resource: 'kafkatopics', namespaced: true, holds: 'a topic and every message in it',
    // The unidirectional Topic Operator deletes a managed topic when its KafkaTopic is deleted (Strimzi
    // documentation, "Configuring Kafka topics": `kubectl delete KafkaTopic` deletes the topic).
    deletionLoses: 'the Kafka topic and its records: the Topic Operator deletes the topic with the KafkaTopic' },
  { group: 'kafka.strimzi.io', version: 'v1', kind: 'Kafka', resource: 'kafkas', namespaced: true, holds: 'every topic of the cluster' },
  { group: 'kafka.strimzi.io', version: 'v1', kind: 'KafkaNodePool', resource: 'kafkanodepools', namespaced: true, holds: 'the brokers and their volumes', storageClassPath: ['spec', 'storage', 'class'],
    // Strimzi does not shrink persistent volumes (strimzi-kafka-operator documentation, "Resizing persistent
    // volumes": only increasing the size is supported).
    growOnly: [['spec', 'storage', 'size']] },
  { group: 'kro.run', version: 'v1alpha1', kind: 'ResourceGraphDefinition', resource: 'resourcegraphdefinitions', namespaced: false, holds: 'the management of every instance of its kind' },
];

/** The data-bearing kind of an object (`apiVersion`, `kind`), if it is one; any version of the group counts. */
export function dataBearingKindOf(apiVersion: string, kind: string, kinds: readonly DataBearingKind[] = DATA_BEARING_KINDS): DataBearingKind | undefined {
  const group = apiGroupOf(apiVersion);
  return kinds.find((k) => k.group === group && k.kind === kind);
}

/** The annotation that keeps Flux from pruning an object, as `metadata.annotations` entries. */
export const KEEP_DATA_ANNOTATIONS: Readonly<Record<string, string>> = { [ANNOTATIONS.fluxPrune]: 'disabled' };

/**
 * The annotations a construct puts on an object it creates of kind `apiVersion`/`kind`: the Flux prune
 * annotation when the kind is data-bearing, else none. Constructs use it so that a plain `app.synth()` carries
 * the annotation too; `renderApp` adds it to whatever else is data-bearing ({@link withDataProtection}).
 */
export function dataAnnotations(apiVersion: string, kind: string): Readonly<Record<string, string>> | undefined {
  return dataBearingKindOf(apiVersion, kind) ? KEEP_DATA_ANNOTATIONS : undefined;
}

/** The parts of a Kubernetes object the rules read. */
export interface ObjectIdentity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly annotations?: Readonly<Record<string, string>> };
}

/** Names of the namespaces that hold a data-bearing object among `objects`. */
export function namespacesHoldingData(objects: readonly ObjectIdentity[], kinds: readonly DataBearingKind[] = DATA_BEARING_KINDS): Set<string> {
  return new Set(objects.filter((o) => o.metadata.namespace && dataBearingKindOf(o.apiVersion, o.kind, kinds)).map((o) => o.metadata.namespace!));
}

/** Whether `o` must carry {@link KEEP_DATA_ANNOTATIONS}: it is data-bearing, or a Namespace in `holding`. */
export function mustKeep(o: ObjectIdentity, holding: ReadonlySet<string>, kinds: readonly DataBearingKind[] = DATA_BEARING_KINDS): boolean {
  if (dataBearingKindOf(o.apiVersion, o.kind, kinds)) return true;
  return o.apiVersion === 'v1' && o.kind === 'Namespace' && holding.has(o.metadata.name);
}

/**
 * The objects with the Flux prune annotation added to every data-bearing one and to every Namespace that holds
 * one (same order; other objects are returned as they are; nothing is mutated).
 */
export function withDataProtection<T extends ObjectIdentity>(objects: readonly T[], kinds: readonly DataBearingKind[] = DATA_BEARING_KINDS): T[] {
  const holding = namespacesHoldingData(objects, kinds);
  return objects.map((o) => (mustKeep(o, holding, kinds)
    ? { ...o, metadata: { ...o.metadata, annotations: { ...(o.metadata.annotations ?? {}), ...KEEP_DATA_ANNOTATIONS } } }
    : o));
}

/** One object of a set that breaks a data-protection rule. */
export interface DataProtectionProblem {
  /** Index of the object in the input. */
  readonly index: number;
  /** JSON path of the offending field, e.g. `$.metadata.annotations`. */
  readonly path: string;
  /** What is wrong and how to fix it (one sentence). */
  readonly message: string;
}

/**
 * Checks a whole `dist/` (every object of every Flux stage): each data-bearing object, and each Namespace that
 * holds one, carries `kustomize.toolkit.fluxcd.io/prune: disabled`; each volume a data-bearing object asks for
 * (directly, or as the template of a ResourceGraphDefinition resource) names a StorageClass of `objects` whose
 * `reclaimPolicy` is `Retain`.
 */
export function dataProtectionProblems(objects: readonly JsonObject[], kinds: readonly DataBearingKind[] = DATA_BEARING_KINDS): DataProtectionProblem[] {
  const ids = objects.map((o) => ({
    apiVersion: String(o.apiVersion), kind: String(o.kind),
    metadata: (isJsonObject(o.metadata) ? o.metadata : {}) as unknown as ObjectIdentity['metadata'],
  }));
  const holding = namespacesHoldingData(ids, kinds);
  const retained = new Set(objects.filter((o) => o.kind === 'StorageClass' && o.reclaimPolicy === 'Retain')
    .map((o) => String((o.metadata as JsonObject | undefined)?.name)));
  const out: DataProtectionProblem[] = [];
  const checkVolumes = (index: number, template: JsonObject, base: string): void => {
    const k = dataBearingKindOf(String(template.apiVersion), String(template.kind), kinds);
    if (!k?.storageClassPath) return;
    const cls = jsonAt(template, k.storageClassPath);
    if (typeof cls !== 'string' || !retained.has(cls)) {
      out.push({
        index,
        path: `${base}.${k.storageClassPath.join('.')}`,
        message: `${k.kind} holds ${k.holds}: its volumes must use a StorageClass with reclaimPolicy Retain, not ${cls === undefined ? 'the cluster default' : JSON.stringify(cls)}; set it to a retained class (${[...retained].sort().join(', ') || 'none in dist/'})`,
      });
    }
  };
  ids.forEach((o, index) => {
    if (mustKeep(o, holding, kinds) && o.metadata.annotations?.[ANNOTATIONS.fluxPrune] !== 'disabled') {
      const why = o.kind === 'Namespace' ? 'holds data-bearing objects' : `holds ${dataBearingKindOf(o.apiVersion, o.kind, kinds)!.holds}`;
      out.push({ index, path: '$.metadata.annotations', message: `${o.kind} ${o.metadata.name} ${why}: Flux would delete it when it leaves Git; annotate it ${ANNOTATIONS.fluxPrune}: disabled` });
    }
    checkVolumes(index, objects[index]!, '$');
    if (o.kind === 'ResourceGraphDefinition' && apiGroupOf(o.apiVersion) === 'kro.run') {
      const resources = jsonAt(objects[index], ['spec', 'resources']);
      if (Array.isArray(resources)) {
        resources.forEach((r, i) => {
          const t = isJsonObject(r) ? r.template : undefined;
          if (isJsonObject(t)) checkVolumes(index, t, `$.spec.resources[${i}].template`);
        });
      }
    }
  });
  return out;
}
