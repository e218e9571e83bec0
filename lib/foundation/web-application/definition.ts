/**
 * The WebApplication API: a Deployment (pinned image, probes, resources, restricted security context), a
 * Service and an HTTPRoute on the shared Gateway. Connection details of a database and a topic in the same
 * workspace arrive as environment variables.
 */
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { HttpRoute } from '../../../imports/gateway.networking.k8s.io';
import {
  CiliumNetworkPolicy,
  CiliumNetworkPolicySpecIngressFromEntities,
  CiliumNetworkPolicySpecIngressToPortsPortsProtocol,
} from '../../../imports/cilium.io';
import { LABELS } from '../../shared/api';
import { cel } from '../../shared/cel';
import { WEB_APPLICATION_FIELDS } from './schema';
import {
  cacheSecret, cacheService, celKafkaTopicName, celKafkaWorkspacePrefix, databaseSecret, databaseService, KAFKA_WORKSPACE_SECRETS,
} from '../conventions';
import { KAFKA_CLIENT_SECURITY } from '../../core/shared-kafka';
import { PlatformWiring } from '../../core/platform-wiring';
import { CACHE_LABELS } from '../infrastructure/definition';
import { ResourceGraph } from '../resource-graph';
import { RESTRICTED_CONTAINER, restrictedPod } from '../restricted-security';

const NAME = 'schema.metadata.name';
const NS = 'schema.metadata.namespace';
const DB = 'schema.spec.database';
const TOPIC = 'schema.spec.topic';

/** A CEL map literal of an environment variable with a literal or computed `value`. */
const envValue = (name: string, valueExpr: string): string => `{"name": ${JSON.stringify(name)}, "value": ${valueExpr}}`;
/** A CEL map literal of an environment variable read from a key of a Secret. */
const envSecret = (name: string, secretExpr: string, key: string): string =>
  `{"name": ${JSON.stringify(name)}, "valueFrom": {"secretKeyRef": {"name": ${secretExpr}, "key": ${JSON.stringify(key)}}}}`;
/** `cond ? [entries] : []` as CEL. */
const envWhen = (cond: string, entries: readonly string[]): string => `(${cond} ? [${entries.join(', ')}] : [])`;

/**
 * The container's environment as one KRO expression building the list, so a variable exists only when it has
 * a value: `DATABASE_*` only with a database, `KAFKA_*` only with a topic. KRO v0.9.3 has no per-entry
 * condition in a template (`includeWhen` takes whole resources; its `omit()` needs the alpha CELOmitFunction
 * gate), but a field may be one standalone expression of the field's type (pkg/graph/builder.go
 * `validateExpressionType`: a list of maps is checked structurally against the list of EnvVar).
 * @param cacheExpr CEL that is true when the app's Infrastructure runs a cache
 */
export function envExpression(wiring: PlatformWiring, cacheExpr: string): string {
  const hasDb = `${DB} != ""`;
  const hasTopic = `${TOPIC} != ""`;
  return [
    `[${envValue('PORT', 'string(schema.spec.port)')}]`,
    envWhen(hasDb, [
      envValue('DATABASE_SECRET_NAME', databaseSecret.cel(DB)),
      envValue('DATABASE_HOST', databaseService.celHost(DB, NS)),
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
  ].join(' + ');
}

/** Id of the collection of every cache Service (KRO `externalRef` with a selector). */
const CACHES = 'caches';
/**
 * CEL: the app's Infrastructure runs a cache, i.e. its cache Service exists. The WebApplication RGD cannot read
 * the Infrastructure's spec (a scalar externalRef to it would have to exist even for apps without a database,
 * and a skipped one skips its dependents); it reads the cache Services instead: a collection is a list, empty
 * when nothing matches, and KRO watches it, so the variables appear once the cache does (KRO v0.9.3 docs,
 * "External References": collections).
 */
const HAS_CACHE = `${CACHES}.exists(s, s.metadata.namespace == ${NS} && s.metadata.name == ${cacheService.cel(DB)})`;

/**
 * Sets the first container's `env` of a Deployment manifest to one KRO expression. The typed `manifest()`
 * helpers serialize `env` as a list, so the expression is put in after them.
 */
function withEnv(expression: string, deployment: Record<string, unknown>): Record<string, unknown> {
  const containers = (deployment.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers;
  containers[0]!.env = cel(expression);
  return deployment;
}

/** Port of the Service in front of the pods. */
export const SERVICE_PORT = 80;
/**
 * UID/GID every application runs as. Images often declare a user by name (`USER app`), which the kubelet
 * cannot verify against `runAsNonRoot`; a fixed unprivileged UID makes the check verifiable for any image.
 */
export const APP_UID = 65532;

/** The RGD behind `kind: WebApplication`. */
export class WebApplicationDefinition extends ResourceGraph {
  /** The shared Gateway the applications' HTTPRoutes attach to. */
  public readonly gateway: PlatformWiring['gateway'];

  public constructor(scope: Construct, id: string, wiring: PlatformWiring) {
    const name = cel(NAME);
    const ns = cel(NS);
    const selector = { [LABELS.name]: 'web-application', [LABELS.instance]: name };
    const labels = { ...selector, [LABELS.workspace]: ns, [LABELS.managedBy]: 'kro' };
    const resources = {
      requests: { cpu: k8s.Quantity.fromString(cel('schema.spec.resources.cpu')), memory: k8s.Quantity.fromString(cel('schema.spec.resources.memory')) },
      limits: { cpu: k8s.Quantity.fromString(cel('schema.spec.resources.cpu')), memory: k8s.Quantity.fromString(cel('schema.spec.resources.memory')) },
    };
    const probe = (initialDelaySeconds: number): k8s.Probe => ({
      httpGet: { path: cel('schema.spec.healthPath'), port: k8s.IntOrString.fromString('http') },
      initialDelaySeconds,
      periodSeconds: 10,
    });

    super(scope, id, {
      kind: 'WebApplication',
      fields: WEB_APPLICATION_FIELDS,
      status: {
        url: cel(`"http://" + schema.spec.hostname + ":${wiring.gateway.httpPort}"`),
        availableReplicas: '${deployment.status.availableReplicas}',
      },
      printerColumns: [
        { name: 'Image', type: 'string', jsonPath: '.spec.image' },
        { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
        { name: 'Available', type: 'integer', jsonPath: '.status.availableReplicas' },
        { name: 'URL', type: 'string', jsonPath: '.status.url' },
      ],
      externals: [{ id: CACHES, apiVersion: 'v1', kind: 'Service', metadata: { selector: { matchLabels: CACHE_LABELS } } }],
      resources: [
        {
          id: 'deployment',
          template: withEnv(envExpression(wiring, HAS_CACHE), k8s.KubeDeployment.manifest({
            metadata: { name, namespace: ns, labels },
            spec: {
              replicas: cel<number>('schema.spec.replicas'),
              selector: { matchLabels: selector },
              template: {
                metadata: { labels },
                spec: {
                  automountServiceAccountToken: false,
                  securityContext: restrictedPod(APP_UID),
                  containers: [{
                    name: 'app',
                    image: cel('schema.spec.image'),
                    ports: [{ name: 'http', containerPort: cel<number>('schema.spec.port') }],
                    readinessProbe: probe(2),
                    livenessProbe: probe(10),
                    resources,
                    securityContext: RESTRICTED_CONTAINER,
                    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                  }],
                  volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
                },
              },
            },
          })),
        },
        {
          id: 'service',
          template: k8s.KubeService.manifest({
            metadata: { name, namespace: ns, labels },
            spec: {
              selector,
              ports: [{ name: 'http', port: SERVICE_PORT, targetPort: k8s.IntOrString.fromString('http') }],
            },
          }),
        },
        {
          // The shared Gateway's Envoy reaches backends as Cilium's `ingress` identity; it may reach only this
          // application's pods, on their HTTP port (the workspace's default-deny lets nothing else in).
          id: 'gatewayAccess',
          template: CiliumNetworkPolicy.manifest({
            metadata: { name: cel(`${NAME} + "-gateway"`), namespace: ns, labels },
            spec: {
              description: 'The shared Gateway reaches this web application on its HTTP port',
              endpointSelector: { matchLabels: selector },
              ingress: [{
                fromEntities: [CiliumNetworkPolicySpecIngressFromEntities.INGRESS],
                toPorts: [{ ports: [{ port: cel('string(schema.spec.port)'), protocol: CiliumNetworkPolicySpecIngressToPortsPortsProtocol.TCP }] }],
              }],
            },
          }),
        },
        {
          id: 'route',
          template: HttpRoute.manifest({
            metadata: { name, namespace: ns, labels },
            spec: {
              parentRefs: [{
                name: wiring.gateway.gatewayName,
                namespace: wiring.gateway.namespace,
                sectionName: wiring.gateway.listenerName,
              }],
              hostnames: [cel('schema.spec.hostname')],
              rules: [{ backendRefs: [{ name: cel('service.metadata.name'), port: SERVICE_PORT }] }],
            },
          }),
        },
      ],
    });
    this.gateway = wiring.gateway;
  }
}
