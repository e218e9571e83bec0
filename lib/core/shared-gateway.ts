/**
 * The shared Gateway (class `cilium`) through which WebApplications are exposed. Only workspace namespaces
 * may attach routes to it.
 */
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import {
  Gateway,
  GatewaySpecListenersAllowedRoutesNamespacesFrom,
} from '../../imports/gateway.networking.k8s.io';
import { LABELS } from '../shared/api';
import { dnsSubdomainProblem, hostnameProblem } from '../shared/names';
import { addIssueCheck, issue, ValidationIssue } from '../shared/validation-error';
import { CONDITION_OBSERVED_CURRENT, conditionExists, HealthCheckExpression, registerHealthCheck } from '../gitops/health-checks';
import { partOfLabel } from '../shared/platform-name';

/** Reasons of `Accepted=False` that reject the Gateway's spec: it stays rejected until the spec changes. */
const GATEWAY_REJECTED_REASONS = ['Invalid', 'InvalidParameters', 'UnsupportedAddress', 'ListenersNotValid'];

/**
 * Flux health check of a Gateway API `Gateway` (gateway.networking.k8s.io/v1, Gateway API v1.6.1):
 * `Programmed=True` for the current generation.
 *
 * A Gateway has no `status.observedGeneration` (so Flux's generation check never applies); each condition
 * carries its own `observedGeneration`, which implementations "MUST always update" to the generation they
 * acted on. The CRD defaults the status to `Accepted` and `Programmed` Unknown with reason `Pending`.
 * `Programmed` "indicates whether a Gateway has generated some configuration that is assumed to be ready soon
 * in the underlying data plane" and may be False with `Pending`, `NoResources` or `AddressNotAssigned` while
 * the controller works, so False alone is not a failure. `Accepted=False` with `Invalid`, `InvalidParameters`,
 * `UnsupportedAddress` or `ListenersNotValid` rejects the spec itself (apis/v1/gateway_types.go,
 * GatewayConditionProgrammed / GatewayConditionAccepted).
 */
export const GATEWAY_HEALTH_CHECK: HealthCheckExpression = {
  apiVersion: Gateway.GVK.apiVersion,
  kind: Gateway.GVK.kind,
  current: conditionExists(`c.type == 'Programmed' && c.status == 'True' && ${CONDITION_OBSERVED_CURRENT}`),
  failed: conditionExists(
    `c.type == 'Accepted' && c.status == 'False' && c.reason in [${GATEWAY_REJECTED_REASONS.map((r) => `'${r}'`).join(', ')}] && ${CONDITION_OBSERVED_CURRENT}`),
};

/** Properties of {@link SharedGateway}. */
export interface SharedGatewayProps {
  /** Gateway name. @default 'platform' */
  readonly name?: string;
  /** Namespace of the Gateway. @default 'gateway-system' */
  readonly namespace?: string;
  /**
   * Domain under which applications get host names (listener hostname `*.<domain>`). `localtest.me` and all
   * its subdomains resolve to 127.0.0.1 in public DNS, so nothing needs editing on the laptop.
   * @default 'localtest.me'
   */
  readonly domain?: string;
  /**
   * HTTP listener port. With Cilium's host-network mode Envoy binds it on the node; ports below 1024 would
   * need NET_BIND_SERVICE. Kind maps the same port on the laptop. Behind a load balancer any TCP port
   * (1–65535) will do.
   * @default 8080
   */
  readonly httpPort?: number;
  /** GatewayClass of the Gateway (the controller that programs it). @default 'cilium' */
  readonly className?: string;
  /**
   * How the Gateway's listeners are reached: `host-network` (Envoy binds the listener ports on every node;
   * Kind and bare metal without a load balancer) or `load-balancer` (the class's controller publishes a
   * Service of type LoadBalancer per Gateway, a cloud's load balancer in front). With class `cilium` the
   * Core layer sets Cilium's `gatewayAPI.hostNetwork.enabled` from it
   * (https://docs.cilium.io/en/stable/network/servicemesh/gateway-api/gateway-api/#host-network-mode).
   * @default 'host-network'
   */
  readonly listenerMode?: GatewayListenerMode;
}

/** How the shared Gateway's listeners are reached (see {@link SharedGatewayProps.listenerMode}). */
export type GatewayListenerMode = 'host-network' | 'load-balancer';
/** The listener modes, in the order the error message lists them. */
export const GATEWAY_LISTENER_MODES: readonly GatewayListenerMode[] = ['host-network', 'load-balancer'];

/** The shared Gateway. */
export class SharedGateway extends Construct {
  public readonly gatewayName: string;
  public readonly namespace: string;
  public readonly domain: string;
  public readonly httpPort: number;
  /** GatewayClass of the Gateway. */
  public readonly className: string;
  /** How the listeners are reached. */
  public readonly listenerMode: GatewayListenerMode;
  /** Name of the HTTP listener (HTTPRoutes attach to it with `sectionName`). */
  public readonly listenerName = 'http';
  /** Hostname of the HTTP listener: `*.<domain>`; an application's host name must lie under it. */
  public readonly listenerHostname: string;

  public constructor(scope: Construct, id: string, props: SharedGatewayProps = {}) {
    super(scope, id);
    this.gatewayName = props.name ?? 'platform';
    this.namespace = props.namespace ?? 'gateway-system';
    this.domain = props.domain ?? 'localtest.me';
    this.httpPort = props.httpPort ?? 8080;
    this.className = props.className ?? 'cilium';
    this.listenerMode = props.listenerMode ?? 'host-network';
    this.listenerHostname = `*.${this.domain}`;
    const labels = { ...partOfLabel(this), [LABELS.component]: 'gateway' };

    new k8s.KubeNamespace(this, 'namespace', {
      metadata: { name: this.namespace, labels: { ...labels, 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    new Gateway(this, 'gateway', {
      metadata: { name: this.gatewayName, namespace: this.namespace, labels },
      spec: {
        gatewayClassName: this.className,
        listeners: [
          {
            name: this.listenerName,
            protocol: 'HTTP',
            port: this.httpPort,
            hostname: this.listenerHostname,
            allowedRoutes: {
              namespaces: {
                from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR,
                selector: { matchExpressions: [{ key: LABELS.workspace, operator: 'Exists' }] },
              },
            },
          },
        ],
      },
    });
    registerHealthCheck(this, GATEWAY_HEALTH_CHECK);
    addIssueCheck(this, () => this.check());
  }

  /** The URL at which a host name is reachable from the laptop. */
  public urlFor(hostname: string): string {
    return `http://${hostname}:${this.httpPort}`;
  }

  private check(): ValidationIssue[] {
    const out: ValidationIssue[] = [];
    const d = hostnameProblem(this.domain);
    if (d) out.push(issue(this, 'domain', this.domain, d));
    const className = dnsSubdomainProblem(this.className);
    if (className) out.push(issue(this, 'className', this.className, className, 'name the GatewayClass of your Gateway controller'));
    if (!GATEWAY_LISTENER_MODES.includes(this.listenerMode)) {
      out.push(issue(this, 'listenerMode', this.listenerMode, `must be one of ${GATEWAY_LISTENER_MODES.join(', ')}`));
    } else if (this.listenerMode === 'host-network') {
      if (!Number.isInteger(this.httpPort) || this.httpPort < 1024 || this.httpPort > 65535) {
        out.push(issue(this, 'httpPort', this.httpPort, 'must be between 1024 and 65535 (host-network Envoy cannot bind privileged ports)', 'pick a port from 1024, or listenerMode load-balancer'));
      }
    } else if (!Number.isInteger(this.httpPort) || this.httpPort < 1 || this.httpPort > 65535) {
      out.push(issue(this, 'httpPort', this.httpPort, 'must be a TCP port (an integer from 1 to 65535)'));
    }
    return out;
  }
}
