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
import { PlatformWiring } from '../../core/platform-wiring';
import { ResourceGraph } from '../resource-graph';
import { egressPolicyResource } from '../egress';
import { appPodSpec, CONNECTION_EXTERNALS, envExpression, HAS_CACHE, HAS_DATABASE, withContainerExpressions } from '../container';

const NAME = 'schema.metadata.name';
const NS = 'schema.metadata.namespace';
/** CEL: the app scales with a HorizontalPodAutoscaler. */
const AUTOSCALED = 'schema.spec.autoscaling.enabled';
/** CEL: more than one pod can run (the replicas, or the autoscaler's maximum). */
const SEVERAL_PODS = `${AUTOSCALED} ? schema.spec.autoscaling.maxReplicas > 1 : schema.spec.replicas > 1`;
/** CEL: the probe path `field`, or `healthPath` when it is empty. */
const probePath = (field: string): string => `schema.spec.${field} != "" ? schema.spec.${field} : schema.spec.healthPath`;
/** The keys from a Deployment manifest to its pod spec. */
const DEPLOYMENT_POD = ['spec', 'template', 'spec'] as const;

/** Port of the Service in front of the pods. */
export const SERVICE_PORT = 80;
export { APP_UID } from '../container';

/** The RGD behind `kind: WebApplication`. */
export class WebApplicationDefinition extends ResourceGraph {
  /** The shared Gateway the applications' HTTPRoutes attach to. */
  public readonly gateway: PlatformWiring['gateway'];

  public constructor(scope: Construct, id: string, wiring: PlatformWiring) {
    const name = cel(NAME);
    const ns = cel(NS);
    const selector = { [LABELS.name]: 'web-application', [LABELS.instance]: name };
    const labels = { ...selector, [LABELS.workspace]: ns, [LABELS.managedBy]: 'kro' };
    const probe = (field: string, initialDelaySeconds: number): k8s.Probe => ({
      httpGet: { path: cel(probePath(field)), port: k8s.IntOrString.fromString('http') },
      initialDelaySeconds,
      periodSeconds: 10,
    });
    const env = envExpression(wiring, HAS_CACHE, HAS_DATABASE, 'schema.spec.port');
    /** The app's Deployment; `replicas` undefined leaves the field to the autoscaler. */
    const deployment = (replicas: number | undefined): Record<string, unknown> => withContainerExpressions(env, DEPLOYMENT_POD, k8s.KubeDeployment.manifest({
      metadata: { name, namespace: ns, labels },
      spec: {
        ...(replicas === undefined ? {} : { replicas }),
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: appPodSpec({
            ports: [{ name: 'http', containerPort: cel<number>('schema.spec.port') }],
            readinessProbe: probe('readinessPath', 2),
            livenessProbe: probe('livenessPath', 10),
          }),
        },
      },
    }));

    super(scope, id, {
      kind: 'WebApplication',
      fields: WEB_APPLICATION_FIELDS,
      status: {
        // The listener the route attaches to decides scheme and port (the shared Gateway's HTTPS listener).
        url: cel(wiring.gateway.urlCel('schema.spec.hostname')),
        availableReplicas: '${deployment.status.availableReplicas}',
      },
      printerColumns: [
        { name: 'Image', type: 'string', jsonPath: '.spec.image' },
        { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
        { name: 'Available', type: 'integer', jsonPath: '.status.availableReplicas' },
        { name: 'URL', type: 'string', jsonPath: '.status.url' },
      ],
      externals: CONNECTION_EXTERNALS,
      resources: [
        // Two forms of the one Deployment (the same name), exactly one included: with `replicas` from the spec,
        // or, when the autoscaler owns the count, without the field at all. KRO applies its templates with
        // server-side apply and re-applies every field it sets, so a `replicas` in the template would undo each
        // scaling step of the HorizontalPodAutoscaler (Kubernetes docs, "Horizontal Pod Autoscaling":
        // "Migrating Deployments and StatefulSets to horizontal autoscaling" — remove spec.replicas from the
        // manifests). KRO v0.9.3 has no per-field condition (`omit()` needs the alpha CELOmitFunction gate), so
        // the choice is per resource, with `includeWhen`.
        { id: 'deployment', includeWhen: [cel(`!${AUTOSCALED}`)], template: deployment(cel<number>('schema.spec.replicas')) },
        { id: 'autoscaledDeployment', includeWhen: [cel(AUTOSCALED)], template: deployment(undefined) },
        {
          id: 'autoscaler',
          includeWhen: [cel(AUTOSCALED)],
          template: k8s.KubeHorizontalPodAutoscalerV2.manifest({
            metadata: { name, namespace: ns, labels },
            spec: {
              scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
              minReplicas: cel<number>('schema.spec.autoscaling.minReplicas'),
              maxReplicas: cel<number>('schema.spec.autoscaling.maxReplicas'),
              // Utilization is relative to the pods' CPU request (autoscaling/v2 MetricTarget.averageUtilization).
              metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cel<number>('schema.spec.autoscaling.cpuUtilization') } } }],
            },
          }),
        },
        {
          // Voluntary disruptions (a node drain) evict one pod at a time; with a single pod the budget would
          // block every drain, so it exists only when more than one pod can run.
          id: 'disruptionBudget',
          includeWhen: [cel(SEVERAL_PODS)],
          template: k8s.KubePodDisruptionBudget.manifest({
            metadata: { name, namespace: ns, labels },
            spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
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
        egressPolicyResource({
          name: cel(`${NAME} + "-egress"`),
          namespace: ns,
          labels,
          endpointSelector: { matchLabels: selector },
          listExpr: 'schema.spec.egress',
          description: 'External host names this web application may reach (app egress), and their DNS lookups',
        }),
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
