/**
 * Names derived from instance names. Each abstraction's RGD creates objects under these names and the
 * others (and the library) refer to them through the same definitions, so the wiring cannot disagree.
 * Every rule has a TypeScript form (for synth-time checks) and a CEL form (for RGD templates).
 */

/** A name derived from an instance name by a suffix, as a value and as a KRO expression. */
export interface DerivedName {
  /** The derived name, e.g. `team-a-db-app`. */
  (instance: string): string;
  readonly suffix: string;
  /** CEL producing the derived name from a CEL expression for the instance name. */
  cel(instanceExpr: string): string;
  /** In-cluster host of the derived Service: `<name><suffix>.<namespace>.svc`. */
  host(instance: string, namespace: string): string;
  /** CEL for `host`. */
  celHost(instanceExpr: string, namespaceExpr: string): string;
}

function derivedName(suffix: string): DerivedName {
  return Object.assign((instance: string) => `${instance}${suffix}`, {
    suffix,
    cel: (instanceExpr: string) => `${instanceExpr} + "${suffix}"`,
    host: (instance: string, namespace: string) => `${instance}${suffix}.${namespace}.svc`,
    celHost: (instanceExpr: string, namespaceExpr: string) => `${instanceExpr} + "${suffix}." + ${namespaceExpr} + ".svc"`,
  });
}

/** The operator-generated credentials Secret of an Infrastructure's database. */
export const databaseSecret = derivedName('-app');
/** The read-write Service of an Infrastructure's database. */
export const databaseService = derivedName('-rw');
/** Every Service CloudNativePG creates for a cluster (read-write, read-only, any instance). */
export const DATABASE_SERVICE_SUFFIXES = ['-rw', '-ro', '-r'] as const;
/**
 * The CloudNativePG Database object of an Infrastructure's bootstrap database (created only when it lists
 * extensions); additional databases are {@link additionalDatabaseObject}.
 */
export const bootstrapDatabaseObject = derivedName('-db');
/**
 * The CloudNativePG Database object of an additional database: `<instance>-db-<database>` with `_` as `-`
 * (a PostgreSQL identifier may hold `_`, a Kubernetes name may not).
 */
export const additionalDatabaseObject = Object.assign(
  (instance: string, database: string): string => `${instance}-db-${database.replace(/_/g, '-')}`,
  { cel: (instanceExpr: string, databaseExpr: string): string => `${instanceExpr} + "-db-" + ${databaseExpr}.replace("_", "-")` },
);
/** The cache Deployment/Service of an Infrastructure. */
export const cacheService = derivedName('-cache');
/** The Secret holding the generated cache password. */
export const cacheSecret = derivedName('-cache-auth');

/** The Kafka topic (and KafkaTopic object) of a Topic: unique across workspaces because namespaces have no dots. */
export const kafkaTopicName = (namespace: string, topic: string): string => `${namespace}.${topic}`;
/** CEL for {@link kafkaTopicName}. */
export const celKafkaTopicName = (namespaceExpr: string, topicExpr: string): string => `${namespaceExpr} + "." + ${topicExpr}`;

/** Longest name CloudNativePG-derived objects allow for a cluster (`<name>-<n>` pods, `-rw`/`-app`, jobs). */
export const MAX_DATABASE_NAME = 50;
/** Kafka's limit on topic names. */
export const MAX_KAFKA_TOPIC_NAME = 249;

/**
 * The prefix of every Kafka topic and consumer group a workspace owns: `<workspace>.`. Its KafkaUser's ACLs
 * allow exactly the names under it; namespaces have no dots, so no workspace's prefix is a prefix of another's.
 */
export const kafkaWorkspacePrefix = (workspace: string): string => `${workspace}.`;
/** CEL for {@link kafkaWorkspacePrefix}. */
export const celKafkaWorkspacePrefix = (workspaceExpr: string): string => `${workspaceExpr} + "."`;

/**
 * The copies a workspace holds of what Strimzi writes in the Kafka namespace (a `secretKeyRef` cannot cross
 * namespaces): the workspace user's credentials (`password`, `sasl.jaas.config`) and the cluster CA
 * certificate clients trust (`ca.crt`). The `kafka-credentials` policy creates and keeps them in sync.
 */
export const KAFKA_WORKSPACE_SECRETS = { credentials: 'kafka-credentials', clusterCa: 'kafka-cluster-ca' } as const;
