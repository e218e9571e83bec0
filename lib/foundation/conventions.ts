/**
 * Names derived from instance names. Each abstraction's RGD creates objects under these names and the
 * others (and the library) refer to them through the same functions, so the wiring cannot disagree.
 * Every function has a TypeScript form (for synth-time checks) and a CEL form (for RGD templates).
 */

/** The CloudNativePG Cluster of an Infrastructure. */
export const databaseCluster = (infra: string): string => infra;
/** The operator-generated credentials Secret of an Infrastructure's database. */
export const databaseSecret = (infra: string): string => `${infra}-app`;
/** The read-write Service of an Infrastructure's database. */
export const databaseService = (infra: string): string => `${infra}-rw`;
/** The cache Deployment/Service of an Infrastructure. */
export const cacheService = (infra: string): string => `${infra}-cache`;
/** The Secret holding the generated cache password. */
export const cacheSecret = (infra: string): string => `${infra}-cache-auth`;
/** The Kafka topic (and KafkaTopic object) of a Topic: unique across workspaces because namespaces have no dots. */
export const kafkaTopicName = (namespace: string, topic: string): string => `${namespace}.${topic}`;
/** Longest name CloudNativePG-derived objects allow for a cluster (`<name>-<n>` pods, `-rw`/`-app`, jobs). */
export const MAX_DATABASE_NAME = 50;
/** Kafka's limit on topic names. */
export const MAX_KAFKA_TOPIC_NAME = 249;

/** CEL for a suffixed name: `name + "-suffix"`. */
export const celSuffixed = (nameExpr: string, suffix: string): string => `${nameExpr} + "${suffix}"`;
