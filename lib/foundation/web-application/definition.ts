/**
 * The WebApplication API: a Deployment (pinned image, probes, resources, restricted security context), a
 * Service and an HTTPRoute on the shared Gateway. Connection details of a database and a topic in the same
 * workspace arrive as environment variables.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-33';
import { HttpRoute } from '../../../imports/gateway.networking.k8s.io';
import {
  CiliumNetworkPolicy,
  CiliumNetworkPolicySpecIngressFromEntities,
  CiliumNetworkPolicySpecIngressToPortsPortsProtocol,
} from '../../../imports/cilium.io';
import { LABELS } from '../../shared/api';
import { cel } from '../../shared/cel';
import { WEB_APPLICATION_FIELDS } from './schema';
import { cacheSecret, cacheService, celKafkaTopicName, databaseSecret, databaseService } from '../conventions';
import { PlatformWiring } from '../../core/platform-wiring';
import { ResourceGraph } from '../resource-graph';
import { RESTRICTED_CONTAINER, restrictedPod } from '../restricted-security';

const NAME = 'schema.metadata.name';
const NS = 'schema.metadata.namespace';
const DB = 'schema.spec.database';
const TOPIC = 'schema.spec.topic';

/** `cond ? then : ""` as a KRO string expression. */
const when = (cond: string, then: string): string => cel(`${cond} ? ${then} : ""`);
/** A Secret name that exists only when `cond`; otherwise a name no Secret has (the reference is optional). */
const optionalSecret = (cond: string, then: string): string => cel(`${cond} ? ${then} : ${NAME} + "-none"`);

/** Port of the Service in front of the pods. */
export const SERVICE_PORT = 80;
/**
 * UID/GID every application runs as. Images often declare a user by name (`USER app`), which the kubelet
 * cannot verify against `runAsNonRoot`; a fixed unprivileged UID makes the check verifiable for any image.
 */
export const APP_UID = 65532;

/** The RGD behind `kind: WebApplication`. */
export class WebApplicationDefinition extends ResourceGraph {
  public constructor(scope: Construct, id: string, wiring: PlatformWiring) {
    const name = cel(NAME);
    const ns = cel(NS);
    const hasDb = `${DB} != ""`;
    const hasTopic = `${TOPIC} != ""`;
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
      resources: [
        {
          id: 'deployment',
          template: k8s.KubeDeployment.manifest({
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
                    env: [
                      { name: 'PORT', value: cel('string(schema.spec.port)') },
                      { name: 'DATABASE_SECRET_NAME', value: when(hasDb, databaseSecret.cel(DB)) },
                      { name: 'DATABASE_HOST', value: when(hasDb, databaseService.celHost(DB, NS)) },
                      {
                        name: 'DATABASE_URI',
                        valueFrom: { secretKeyRef: { name: optionalSecret(hasDb, databaseSecret.cel(DB)), key: 'uri', optional: true } },
                      },
                      { name: 'CACHE_HOST', value: when(hasDb, cacheService.celHost(DB, NS)) },
                      {
                        name: 'CACHE_PASSWORD',
                        valueFrom: { secretKeyRef: { name: optionalSecret(hasDb, cacheSecret.cel(DB)), key: 'password', optional: true } },
                      },
                      { name: 'KAFKA_BOOTSTRAP_SERVERS', value: when(hasTopic, JSON.stringify(wiring.kafka.bootstrapServers)) },
                      { name: 'KAFKA_TOPIC', value: when(hasTopic, celKafkaTopicName(NS, TOPIC)) },
                    ],
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
          }),
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
  }
}
