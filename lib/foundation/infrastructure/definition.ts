/**
 * The Infrastructure API: a CloudNativePG PostgreSQL cluster and a Valkey cache, with credentials generated
 * in the cluster (never in Git) and exposed by reference, and service discovery in the instance status.
 *
 * - PostgreSQL: database and owner come from the instance; the operator generates the owner's password in
 *   the `<name>-app` Secret (no `bootstrap.initdb.secret`, no superuser access, no post-init SQL).
 *   Volumes use the `retained` StorageClass, so deleting the Cluster keeps the data on a Released volume.
 * - Valkey: `requirepass` comes from `<name>-cache-auth`, which Kyverno generates with a random password
 *   the first time the cache Service appears (see `CachePasswordPolicy`).
 */
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import {
  Cluster,
  ClusterSpecResourcesLimits,
  ClusterSpecResourcesRequests,
  Database,
  DatabaseSpecDatabaseReclaimPolicy,
  DatabaseProps,
} from '../../../imports/postgresql.cnpg.io';
import { ANNOTATIONS, LABELS } from '../../shared/api';
import { cel } from '../../shared/cel';
import { EnvironmentProfile, LOCAL } from '../../shared/environment';
import { infrastructureFields } from './schema';
import { CLOUDNATIVE_PG, VALKEY } from '../../shared/versions';
import {
  additionalDatabaseObject, bootstrapDatabaseObject, cacheSecret, cacheService, databaseSecret, databaseService,
} from '../conventions';
import { PlatformWiring } from '../../core/platform-wiring';
import { ResourceGraph } from '../resource-graph';
import { RESTRICTED_CONTAINER, restrictedPod } from '../restricted-security';

const NAME = 'schema.metadata.name';
const NS = 'schema.metadata.namespace';
const CACHE_ON = '${schema.spec.cache.enabled}';
const POSTGRES_ON = 'schema.spec.postgres.enabled';
/** Labels every PostgreSQL Cluster of an Infrastructure carries (with the instance's name as `app.kubernetes.io/instance`). */
export const DATABASE_LABELS = { [LABELS.name]: 'postgresql', [LABELS.component]: 'database' } as const;
/**
 * A CloudNativePG Database manifest whose `spec.extensions` is one KRO expression building `[{"name": e}, …]`
 * from a CEL list of extension names (the typed `manifest()` serializes `extensions` as a list, so the
 * expression is put in after it). CloudNativePG runs `CREATE EXTENSION` for each as the superuser, at the
 * version the image's control file names (ExtensionSpec: `ensure` defaults to present, `version` to the default).
 */
function databaseManifest(props: DatabaseProps, extensionsExpr: string): Record<string, unknown> {
  const manifest = Database.manifest(props) as { spec: Record<string, unknown> };
  manifest.spec.extensions = cel(`${extensionsExpr}.map(e, {"name": e})`);
  return manifest;
}
/** Valkey's port. */
export const CACHE_PORT = 6379;
/** UID/GID of the `valkey` user in the official image. */
const VALKEY_UID = 999;
/** Labels every cache Service and pod carries (with the instance's name as `app.kubernetes.io/instance`). */
export const CACHE_LABELS = { [LABELS.name]: 'valkey', [LABELS.component]: 'cache' } as const;
/** Requests of each PostgreSQL instance (the CNPG Cluster's `resources`). */
export const DATABASE_REQUESTS = { cpu: '100m', memory: '256Mi' } as const;
/** Limits of each PostgreSQL instance: what it counts against the workspace quota. */
export const DATABASE_LIMITS = { cpu: '1', memory: '512Mi' } as const;
/** CPU request of the cache. */
export const CACHE_CPU_REQUEST = '50m';
/** CPU limit of the cache (its memory request and limit are the instance's `cache.memory`). */
export const CACHE_CPU_LIMIT = '500m';

/** The RGD behind `kind: Infrastructure`. */
export class InfrastructureDefinition extends ResourceGraph {
  /**
   * @param environment the profile whose sizes become the schema defaults (`postgres.instances`, `postgres.storage`) @default LOCAL
   */
  public constructor(scope: Construct, id: string, wiring: PlatformWiring, environment: EnvironmentProfile = LOCAL) {
    const name = cel(NAME);
    const ns = cel(NS);
    const cacheName = cel(cacheService.cel(NAME));
    const cacheSecretName = cel(cacheSecret.cel(NAME));
    const labels = { [LABELS.workspace]: ns, [LABELS.managedBy]: 'kro', [LABELS.instance]: name };
    const cacheSelector = { ...CACHE_LABELS, [LABELS.instance]: name };
    const cacheMemory = k8s.Quantity.fromString(cel('schema.spec.cache.memory'));

    super(scope, id, {
      kind: 'Infrastructure',
      fields: infrastructureFields(environment),
      status: {
        databaseSecret: cel(`${POSTGRES_ON} ? ${databaseSecret.cel(NAME)} : ""`),
        databaseHost: cel(`${POSTGRES_ON} ? ${databaseService.celHost(NAME, NS)} : ""`),
        cacheHost: cel(`schema.spec.cache.enabled ? ${cacheService.celHost(NAME, NS)} : ""`),
        cacheSecret: cel(`schema.spec.cache.enabled ? ${cacheSecret.cel(NAME)} : ""`),
      },
      printerColumns: [
        { name: 'Instances', type: 'integer', jsonPath: '.spec.postgres.instances' },
        { name: 'Secret', type: 'string', jsonPath: '.status.databaseSecret' },
      ],
      resources: [
        {
          id: 'database',
          includeWhen: [cel(POSTGRES_ON)],
          template: Cluster.manifest({
            metadata: { name, namespace: ns, labels: { ...labels, ...DATABASE_LABELS } },
            spec: {
              instances: cel<number>('schema.spec.postgres.instances'),
              imageName: CLOUDNATIVE_PG.postgresImage,
              enableSuperuserAccess: false,
              storage: { size: cel('schema.spec.postgres.storage'), storageClass: wiring.databaseStorageClass },
              bootstrap: { initdb: { database: cel('schema.spec.postgres.database'), owner: cel('schema.spec.postgres.owner') } },
              resources: {
                requests: { cpu: ClusterSpecResourcesRequests.fromString(DATABASE_REQUESTS.cpu), memory: ClusterSpecResourcesRequests.fromString(DATABASE_REQUESTS.memory) },
                limits: { cpu: ClusterSpecResourcesLimits.fromString(DATABASE_LIMITS.cpu), memory: ClusterSpecResourcesLimits.fromString(DATABASE_LIMITS.memory) },
              },
              inheritedMetadata: { labels: { [LABELS.workspace]: ns } },
            },
          }),
        },
        {
          // The bootstrap database's extensions. CloudNativePG adopts a database that exists already (initdb
          // created it) and only ALTERs it to the spec (docs, "PostgreSQL Database Management"); `retain` keeps
          // the database when this object goes.
          id: 'bootstrapDatabase',
          includeWhen: [cel(`${POSTGRES_ON} && size(schema.spec.postgres.extensions) > 0`)],
          template: databaseManifest({
            metadata: { name: cel(bootstrapDatabaseObject.cel(NAME)), namespace: ns, labels },
            spec: {
              cluster: { name: cel('database.metadata.name') },
              name: cel('schema.spec.postgres.database'),
              owner: cel('schema.spec.postgres.owner'),
              databaseReclaimPolicy: DatabaseSpecDatabaseReclaimPolicy.RETAIN,
            },
          }, 'schema.spec.postgres.extensions'),
        },
        {
          // One Database per additional database (a KRO collection), owned by the same role; `retain`: removing
          // it from the list leaves the PostgreSQL database in place.
          id: 'databases',
          includeWhen: [cel(POSTGRES_ON)],
          forEach: { db: cel('schema.spec.postgres.databases') },
          template: databaseManifest({
            metadata: { name: cel(additionalDatabaseObject.cel(NAME, 'db.name')), namespace: ns, labels },
            spec: {
              cluster: { name: cel('database.metadata.name') },
              name: cel('db.name'),
              owner: cel('schema.spec.postgres.owner'),
              databaseReclaimPolicy: DatabaseSpecDatabaseReclaimPolicy.RETAIN,
            },
          }, 'db.extensions'),
        },
        {
          id: 'cacheService',
          includeWhen: [CACHE_ON],
          template: k8s.KubeService.manifest({
            metadata: {
              name: cacheName,
              namespace: ns,
              labels: { ...labels, ...cacheSelector },
              // Kyverno generates this Secret (random password) once; see CachePasswordPolicy.
              annotations: { [ANNOTATIONS.generatePassword]: cacheSecretName },
            },
            spec: { selector: cacheSelector, ports: [{ name: 'valkey', port: CACHE_PORT, targetPort: k8s.IntOrString.fromString('valkey') }] },
          }),
        },
        {
          id: 'cache',
          includeWhen: [CACHE_ON],
          template: k8s.KubeDeployment.manifest({
            metadata: { name: cel('cacheService.metadata.name'), namespace: ns, labels: { ...labels, ...cacheSelector } },
            spec: {
              replicas: 1,
              selector: { matchLabels: cacheSelector },
              template: {
                metadata: { labels: { ...labels, ...cacheSelector } },
                spec: {
                  automountServiceAccountToken: false,
                  securityContext: restrictedPod(VALKEY_UID),
                  containers: [{
                    name: 'valkey',
                    image: VALKEY.image,
                    // A cache: no persistence. $(VALKEY_PASSWORD) is expanded by the kubelet from the Secret.
                    args: ['--requirepass', '$(VALKEY_PASSWORD)', '--save', '', '--appendonly', 'no', '--dir', '/data'],
                    env: [{ name: 'VALKEY_PASSWORD', valueFrom: { secretKeyRef: { name: cacheSecretName, key: 'password' } } }],
                    ports: [{ name: 'valkey', containerPort: CACHE_PORT }],
                    readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('valkey') }, periodSeconds: 5 },
                    livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('valkey') }, initialDelaySeconds: 10, periodSeconds: 10 },
                    resources: {
                      requests: { cpu: k8s.Quantity.fromString(CACHE_CPU_REQUEST), memory: cacheMemory },
                      limits: { cpu: k8s.Quantity.fromString(CACHE_CPU_LIMIT), memory: cacheMemory },
                    },
                    securityContext: RESTRICTED_CONTAINER,
                    volumeMounts: [{ name: 'data', mountPath: '/data' }],
                  }],
                  volumes: [{ name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } }],
                },
              },
            },
          }),
        },
      ],
    });
  }
}
