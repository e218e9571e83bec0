/**
 * The application container every workload abstraction runs (WebApplication, Workload): its fields, declared
 * once and spread into each abstraction's schema, and the parts of the RGD templates built from them (the
 * environment as one KRO expression, command and arguments, the restricted pod).
 */
import * as k8s from '../../imports/k8s';
import { PINNED_IMAGE_PATTERN } from '../shared/names';
import { fields } from '../shared/fields';
import {
  BYTES_PATTERN, CONFIG_KEY_PATTERN, CPU_PATTERN, ENV_NAME_PATTERN, OPTIONAL_NAME_PATTERN, SUBDOMAIN_NAME_PATTERN,
} from '../shared/patterns';
import { cel } from '../shared/cel';
import { PlatformWiring } from '../core/platform-wiring';
import {
  cacheSecret, cacheService, celKafkaTopicName, celKafkaWorkspacePrefix, databaseSecret, databaseService, KAFKA_WORKSPACE_SECRETS,
} from './conventions';
import { KAFKA_CLIENT_SECURITY } from '../core/shared-kafka';
import { RESTRICTED_CONTAINER, restrictedPod } from './restricted-security';
import { Cluster } from '../../imports/postgresql.cnpg.io';
import { CACHE_LABELS, DATABASE_LABELS } from './infrastructure/definition';
import { ExternalResource } from './resource-graph';

/** Most environment variables of one list (`env`, `secretEnv`, `configMapEnv`). */
export const MAX_ENV = 64;
/** Most items of `command` and of `args`. */
export const MAX_ARGS = 32;

const ENV_NAME_HINT = 'an environment variable name: letters, digits, "_", "-" and ".", not starting with a digit (Kubernetes IsEnvVarName)';
const KEY_HINT = 'a ConfigMap or Secret key: letters, digits, "-", "_" and "." (Kubernetes IsConfigMapKey)';
const envName = { type: 'string', required: true, pattern: ENV_NAME_PATTERN, patternHint: ENV_NAME_HINT, description: 'Name of the environment variable' } as const;
const key = { type: 'string', required: true, pattern: CONFIG_KEY_PATTERN, maxLength: 253, patternHint: KEY_HINT, description: 'Key whose value the variable receives' } as const;

/**
 * A list of variables each read from a key of a Secret or ConfigMap of the workspace: items `{ name, <ref>, key }`
 * with `<ref>` the object's name (a DNS-1123 subdomain).
 */
function referencedEnv<R extends string, T extends string>(ref: R, typeName: T, kind: 'Secret' | 'ConfigMap') {
  const object = {
    type: 'string', required: true, pattern: SUBDOMAIN_NAME_PATTERN, maxLength: 253,
    patternHint: `a ${kind} name (DNS-1123 subdomain)`, description: `${kind} in the same workspace`,
  } as const;
  return {
    type: 'list', default: [], maxItems: MAX_ENV,
    description: `Environment variables read from a key of a ${kind} in the workspace (the pod does not start until it exists)`,
    items: {
      type: 'object', typeName, description: `An environment variable from a ${kind} key`,
      fields: { name: envName, ...({ [ref]: object } as Record<R, typeof object>), key },
    },
  } as const;
}

/** The container fields every workload abstraction has. */
export const CONTAINER_FIELDS = fields({
  image: {
    type: 'string', required: true, pattern: PINNED_IMAGE_PATTERN, maxLength: 255,
    patternHint: 'an image reference with a tag other than latest, or a digest, e.g. ghcr.io/team/app:1.2.3',
    description: 'Container image, pinned by tag or digest',
  },
  command: {
    type: 'list', items: { type: 'string' }, default: [], maxItems: MAX_ARGS,
    description: 'Entrypoint: replaces the image\'s ENTRYPOINT (empty: the image\'s)',
  },
  args: {
    type: 'list', items: { type: 'string' }, default: [], maxItems: MAX_ARGS,
    description: 'Arguments: replace the image\'s CMD (empty: the image\'s)',
  },
  env: {
    type: 'list', default: [], maxItems: MAX_ENV, description: 'Plain environment variables (never secrets: they are in Git)',
    items: {
      type: 'object', typeName: 'EnvVar', description: 'An environment variable with a literal value',
      fields: { name: envName, value: { type: 'string', required: true, description: 'Value of the variable' } },
    },
  },
  secretEnv: referencedEnv('secret', 'SecretEnvVar', 'Secret'),
  configMapEnv: referencedEnv('configMap', 'ConfigMapEnvVar', 'ConfigMap'),
  resources: {
    type: 'object', description: 'Requests and limits of the application container',
    fields: {
      cpu: { type: 'string', default: '250m', pattern: CPU_PATTERN, patternHint: 'a CPU quantity such as 250m', description: 'CPU request and limit' },
      memory: { type: 'string', default: '256Mi', pattern: BYTES_PATTERN, patternHint: 'a quantity such as 256Mi', description: 'Memory request and limit' },
    },
  },
  database: {
    type: 'string', default: '', pattern: OPTIONAL_NAME_PATTERN, maxLength: 63, patternHint: 'the name of an Infrastructure in the same workspace',
    description: 'Infrastructure (in the same workspace) whose connection details the app receives',
  },
  topic: {
    type: 'string', default: '', pattern: OPTIONAL_NAME_PATTERN, maxLength: 63, patternHint: 'the name of a Topic in the same workspace',
    description: 'Topic (in the same workspace) whose connection details the app receives',
  },
});

/**
 * Environment variable names the platform sets itself: `PORT` (a WebApplication's port) and every name under
 * the prefixes of the wiring (`DATABASE_*`, `CACHE_*`, `KAFKA_*`). A team's variable of such a name would
 * silently shadow or be shadowed by the platform's (Kubernetes keeps the last of duplicate names), so it is
 * refused at synth.
 */
export const PLATFORM_ENV = { names: ['PORT'], prefixes: ['DATABASE_', 'CACHE_', 'KAFKA_'] } as const;

/** The three lists of environment variables, in the order they are added to the container. */
export const ENV_LISTS = ['env', 'secretEnv', 'configMapEnv'] as const;

/** One environment-variable problem of a spec: the field (e.g. `env[1].name`), its value and the rule. */
export interface EnvProblem {
  readonly field: string;
  readonly value: string;
  readonly rule: string;
  readonly fix: string;
}

/**
 * The environment rules the schema cannot express: a name the platform sets (`PORT`, `DATABASE_*`, `CACHE_*`,
 * `KAFKA_*`), and a name
 * set twice across `env`, `secretEnv` and `configMapEnv` (Kubernetes accepts duplicates and the last one
 * wins, so the first would be dead configuration).
 */
export function envProblems(spec: { readonly [K in typeof ENV_LISTS[number]]?: readonly { readonly name: string }[] }): EnvProblem[] {
  const out: EnvProblem[] = [];
  const seen = new Map<string, string>();
  for (const list of ENV_LISTS) {
    (spec[list] ?? []).forEach((v, i) => {
      const field = `${list}[${i}].name`;
      const prefix = PLATFORM_ENV.prefixes.find((p) => v.name.startsWith(p));
      if ((PLATFORM_ENV.names as readonly string[]).includes(v.name) || prefix) {
        out.push({
          field, value: v.name,
          rule: `is set by the platform (${[...PLATFORM_ENV.names, ...PLATFORM_ENV.prefixes.map((p) => `${p}*`)].join(', ')})`,
          fix: 'choose another name; the platform\'s connection details arrive under these names',
        });
        return;
      }
      const first = seen.get(v.name);
      if (first !== undefined) {
        out.push({ field, value: v.name, rule: `is already set by ${first}: Kubernetes keeps only the last of two variables of one name`, fix: 'set each variable once' });
        return;
      }
      seen.set(v.name, field);
    });
  }
  return out;
}

const NS = 'schema.metadata.namespace';
const DB = 'schema.spec.database';
const TOPIC = 'schema.spec.topic';

/** A CEL map literal of an environment variable with a literal or computed `value`. */
const envValue = (name: string, valueExpr: string): string => `{"name": ${JSON.stringify(name)}, "value": ${valueExpr}}`;
/** A CEL map literal of an environment variable read from a key of a Secret. */
const envSecret = (name: string, secretExpr: string, keyName: string): string =>
  `{"name": ${JSON.stringify(name)}, "valueFrom": {"secretKeyRef": {"name": ${secretExpr}, "key": ${JSON.stringify(keyName)}}}}`;
/** `cond ? [entries] : []` as CEL. */
const envWhen = (cond: string, entries: readonly string[]): string => `(${cond} ? [${entries.join(', ')}] : [])`;

/** Id of the collection of every cache Service (KRO `externalRef` with a selector). */
export const CACHES = 'caches';
/** Id of the collection of every Infrastructure's PostgreSQL Cluster (KRO `externalRef` with a selector). */
export const DATABASES = 'databases';

/**
 * The container's environment as one KRO expression building the list, so a variable exists only when it has
 * a value: `PORT` only for an app with a port, `DATABASE_*` only with a database whose PostgreSQL runs,
 * `CACHE_*` only when its cache runs, `KAFKA_*` only with a topic; then the team's `env`, `secretEnv` and
 * `configMapEnv`, in that order. KRO v0.9.3 has no per-entry condition in a template (`includeWhen` takes whole
 * resources; its `omit()` needs the alpha CELOmitFunction gate), but a field may be one standalone expression of
 * the field's type (pkg/graph/builder.go `validateExpressionType`: a list of maps is checked structurally
 * against the list of EnvVar). A `secretKeyRef`/`configMapKeyRef` is not optional: the kubelet does not start
 * the container until the key exists (CreateContainerConfigError).
 * @param cacheExpr CEL that is true when the app's Infrastructure runs a cache
 * @param postgresExpr CEL that is true when the app's Infrastructure runs PostgreSQL
 * @param portExpr CEL of the app's port, or undefined when the workload serves no port (no `PORT`)
 */
export function envExpression(wiring: PlatformWiring, cacheExpr: string, postgresExpr: string, portExpr?: string): string {
  const hasDb = `${DB} != ""`;
  const hasTopic = `${TOPIC} != ""`;
  return [
    ...(portExpr === undefined ? [] : [`[${envValue('PORT', `string(${portExpr})`)}]`]),
    // The connection details CloudNativePG writes into the `<cluster>-app` Secret (cloudnative-pg
    // pkg/specs/secrets.go `CreateSecret`: keys username, user, password, dbname, host, port, uri, jdbc-uri…);
    // DATABASE_HOST is the same read-write Service as its `host`, qualified with the namespace.
    envWhen(`${hasDb} && ${postgresExpr}`, [
      envValue('DATABASE_SECRET_NAME', databaseSecret.cel(DB)),
      envValue('DATABASE_HOST', databaseService.celHost(DB, NS)),
      envSecret('DATABASE_PORT', databaseSecret.cel(DB), 'port'),
      envSecret('DATABASE_NAME', databaseSecret.cel(DB), 'dbname'),
      envSecret('DATABASE_USER', databaseSecret.cel(DB), 'username'),
      envSecret('DATABASE_PASSWORD', databaseSecret.cel(DB), 'password'),
      envSecret('DATABASE_URI', databaseSecret.cel(DB), 'uri'),
    ]),
    envWhen(`${hasDb} && ${cacheExpr}`, [
      envValue('CACHE_HOST', cacheService.celHost(DB, NS)),
      envSecret('CACHE_PASSWORD', cacheSecret.cel(DB), 'password'),
    ]),
    // The workspace's Kafka user (its name is the workspace's) and the copies the `kafka-credentials` policy keeps
    // of its Secret and of the cluster CA in the workspace: a pod starts once they exist.
    envWhen(hasTopic, [
      envValue('KAFKA_BOOTSTRAP_SERVERS', JSON.stringify(wiring.kafka.bootstrapServers)),
      envValue('KAFKA_SECURITY_PROTOCOL', JSON.stringify(KAFKA_CLIENT_SECURITY.protocol)),
      envValue('KAFKA_SASL_MECHANISM', JSON.stringify(KAFKA_CLIENT_SECURITY.saslMechanism)),
      envValue('KAFKA_USERNAME', NS),
      envSecret('KAFKA_PASSWORD', JSON.stringify(KAFKA_WORKSPACE_SECRETS.credentials), 'password'),
      envSecret('KAFKA_SASL_JAAS_CONFIG', JSON.stringify(KAFKA_WORKSPACE_SECRETS.credentials), 'sasl.jaas.config'),
      envSecret('KAFKA_CA_CERT', JSON.stringify(KAFKA_WORKSPACE_SECRETS.clusterCa), 'ca.crt'),
      envValue('KAFKA_TOPIC', celKafkaTopicName(NS, TOPIC)),
      envValue('KAFKA_GROUP_PREFIX', celKafkaWorkspacePrefix(NS)),
    ]),
    'schema.spec.env.map(e, {"name": e.name, "value": e.value})',
    'schema.spec.secretEnv.map(e, {"name": e.name, "valueFrom": {"secretKeyRef": {"name": e.secret, "key": e.key}}})',
    'schema.spec.configMapEnv.map(e, {"name": e.name, "valueFrom": {"configMapKeyRef": {"name": e.configMap, "key": e.key}}})',
  ].join(' + ');
}

/**
 * CEL: the app's Infrastructure runs a cache, i.e. its cache Service exists. The RGD cannot read the
 * Infrastructure's spec (a scalar externalRef to it would have to exist even for apps without a database, and
 * a skipped one skips its dependents); it reads the cache Services instead: a collection is a list, empty when
 * nothing matches, and KRO watches it, so the variables appear once the cache does (KRO v0.9.3 docs,
 * "External References": collections).
 */
export const HAS_CACHE = `${CACHES}.exists(s, s.metadata.namespace == ${NS} && s.metadata.name == ${cacheService.cel(DB)})`;
/** CEL: the app's Infrastructure runs PostgreSQL, i.e. its Cluster exists (read as {@link HAS_CACHE} reads the cache). */
export const HAS_DATABASE = `${DATABASES}.exists(c, c.metadata.namespace == ${NS} && c.metadata.name == ${DB})`;

/** The collections {@link HAS_CACHE} and {@link HAS_DATABASE} read: every cache Service and every PostgreSQL Cluster. */
export const CONNECTION_EXTERNALS: readonly ExternalResource[] = [
  { id: CACHES, apiVersion: 'v1', kind: 'Service', metadata: { selector: { matchLabels: CACHE_LABELS } } },
  { id: DATABASES, apiVersion: Cluster.GVK.apiVersion, kind: Cluster.GVK.kind, metadata: { selector: { matchLabels: DATABASE_LABELS } } },
];

/**
 * UID/GID every application runs as. Images often declare a user by name (`USER app`), which the kubelet
 * cannot verify against `runAsNonRoot`; a fixed unprivileged UID makes the check verifiable for any image.
 */
export const APP_UID = 65532;

/** What a workload's container adds to the common one (ports, probes). */
export type ContainerExtras = Pick<k8s.Container, 'ports' | 'readinessProbe' | 'livenessProbe'>;

/**
 * The restricted pod spec of a workload: one container `app` with the pinned image, requests = limits from
 * `resources`, a 64 Mi `/tmp`, no service-account token. Its `env`, `command` and `args` are KRO expressions
 * set by {@link withContainerExpressions} after the typed manifest is built.
 */
export function appPodSpec(extras: ContainerExtras, restartPolicy?: string): k8s.PodSpec {
  const size = { cpu: k8s.Quantity.fromString(cel('schema.spec.resources.cpu')), memory: k8s.Quantity.fromString(cel('schema.spec.resources.memory')) };
  return {
    automountServiceAccountToken: false,
    ...(restartPolicy ? { restartPolicy } : {}),
    securityContext: restrictedPod(APP_UID),
    containers: [{
      name: 'app',
      image: cel('schema.spec.image'),
      ...extras,
      resources: { requests: size, limits: size },
      securityContext: RESTRICTED_CONTAINER,
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    }],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
  };
}

/**
 * Sets the app container's `env`, `command` and `args` of a manifest to KRO expressions (the environment of
 * {@link envExpression}, the spec's lists). The typed `manifest()` helpers serialize these fields as lists, so
 * the expressions are put in after them.
 * @param podSpecPath the keys from the manifest to its pod spec, e.g. `['spec', 'template', 'spec']`
 */
export function withContainerExpressions(envExpr: string, podSpecPath: readonly string[], manifest: Record<string, unknown>): Record<string, unknown> {
  const podSpec = podSpecPath.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, manifest);
  const container = (podSpec.containers as Record<string, unknown>[])[0]!;
  container.command = cel('schema.spec.command');
  container.args = cel('schema.spec.args');
  container.env = cel(envExpr);
  return manifest;
}
