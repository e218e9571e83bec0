/**
 * The shared Gateway (class `cilium`) through which WebApplications are exposed over HTTPS. Only workspace
 * namespaces may attach routes, and only to the HTTPS listener; the HTTP listener carries one route of the
 * platform's own, which redirects every request to HTTPS.
 *
 * The certificate never enters Git: the HTTPS listener references a `kubernetes.io/tls` Secret in the Gateway's
 * namespace that exists in the cluster only. On Kind, `npm run cluster:up` creates it from a local CA (openssl)
 * before Flux applies the Gateway; in production the platform team creates it (or cert-manager issues it into
 * that name) before the shared-services stage runs.
 */
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import {
  Gateway,
  GatewaySpecListenersAllowedRoutesNamespacesFrom,
  GatewaySpecListenersTlsMode,
  HttpRoute,
  HttpRouteSpecRulesFiltersRequestRedirectScheme,
  HttpRouteSpecRulesFiltersRequestRedirectStatusCode,
  HttpRouteSpecRulesFiltersType,
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

/**
 * Flux health check of a Gateway API `HTTPRoute` (gateway.networking.k8s.io/v1, v1.6.1): every parent the route
 * names reports `Accepted=True` for the current generation (route status is per parent: `status.parents[]`,
 * each with conditions carrying `observedGeneration`; apis/v1/httproute_types.go, RouteConditionAccepted).
 * `Accepted=False` for the current generation means the Gateway refused the route: a failure.
 */
export const HTTP_ROUTE_HEALTH_CHECK: HealthCheckExpression = {
  apiVersion: HttpRoute.GVK.apiVersion,
  kind: HttpRoute.GVK.kind,
  current: `has(status.parents) && size(status.parents) > 0 && status.parents.all(p, ${conditionExists(`c.type == 'Accepted' && c.status == 'True' && ${CONDITION_OBSERVED_CURRENT}`, 'p.conditions')})`,
  failed: `has(status.parents) && status.parents.exists(p, ${conditionExists(`c.type == 'Accepted' && c.status == 'False' && ${CONDITION_OBSERVED_CURRENT}`, 'p.conditions')})`,
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
   * HTTP listener port; it only redirects to HTTPS. With Cilium's host-network mode Envoy binds it on the
   * node; ports below 1024 would need NET_BIND_SERVICE. Kind maps the same port on the laptop. Behind a load
   * balancer any TCP port (1–65535) will do.
   * @default 8080
   */
  readonly httpPort?: number;
  /**
   * HTTPS listener port, where applications are served (same binding rules as `httpPort`); status URLs carry
   * it unless it is 443. @default 8443
   */
  readonly httpsPort?: number;
  /**
   * The `kubernetes.io/tls` Secret (a DNS-1123 subdomain, in the Gateway's namespace) holding the certificate and key for
   * `*.<domain>`. It is never synthesized: on Kind `npm run cluster:up` creates it from a local CA; elsewhere
   * create it before the shared-services stage (`kubectl create secret tls …`), or let cert-manager issue a
   * Certificate into this name. @default 'gateway-tls'
   */
  readonly tlsSecretName?: string;
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
  /** Port of the HTTP listener, which only redirects to HTTPS. */
  public readonly httpPort: number;
  /** Port of the HTTPS listener, where applications are served (their status URLs carry it unless it is 443). */
  public readonly httpsPort: number;
  /** The Secret with the listener's certificate (in {@link SharedGateway.namespace}); never in `dist/`. */
  public readonly tlsSecretName: string;
  /** GatewayClass of the Gateway. */
  public readonly className: string;
  /** How the listeners are reached. */
  public readonly listenerMode: GatewayListenerMode;
  /** Name of the listener applications attach to (`sectionName` of their HTTPRoutes): the HTTPS one. */
  public readonly listenerName = 'https';
  /** Name of the HTTP listener, which only redirects to HTTPS. */
  public readonly redirectListenerName = 'http';
  /** Hostname of both listeners: `*.<domain>`; an application's host name must lie under it. */
  public readonly listenerHostname: string;

  public constructor(scope: Construct, id: string, props: SharedGatewayProps = {}) {
    super(scope, id);
    this.gatewayName = props.name ?? 'platform';
    this.namespace = props.namespace ?? 'gateway-system';
    this.domain = props.domain ?? 'localtest.me';
    this.httpPort = props.httpPort ?? 8080;
    this.httpsPort = props.httpsPort ?? 8443;
    this.tlsSecretName = props.tlsSecretName ?? 'gateway-tls';
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
            // Only the platform's redirect route (in the Gateway's own namespace) attaches here.
            name: this.redirectListenerName,
            protocol: 'HTTP',
            port: this.httpPort,
            hostname: this.listenerHostname,
            allowedRoutes: { namespaces: { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME } },
          },
          {
            name: this.listenerName,
            protocol: 'HTTPS',
            port: this.httpsPort,
            hostname: this.listenerHostname,
            // Envoy terminates TLS with the Secret's certificate (Gateway API ListenerTLSConfig: certificateRefs
            // default to core-group Secrets in the Gateway's namespace).
            tls: { mode: GatewaySpecListenersTlsMode.TERMINATE, certificateRefs: [{ group: '', kind: 'Secret', name: this.tlsSecretName }] },
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
    // Every plain-HTTP request under the domain is answered with a redirect to the same URL over HTTPS
    // (Gateway API HTTPRequestRedirectFilter: scheme and port replaced, host and path kept).
    new HttpRoute(this, 'https-redirect', {
      metadata: { name: 'https-redirect', namespace: this.namespace, labels },
      spec: {
        parentRefs: [{ name: this.gatewayName, sectionName: this.redirectListenerName }],
        hostnames: [this.listenerHostname],
        rules: [{
          filters: [{
            type: HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
            requestRedirect: {
              scheme: HttpRouteSpecRulesFiltersRequestRedirectScheme.HTTPS,
              port: this.httpsPort,
              statusCode: HttpRouteSpecRulesFiltersRequestRedirectStatusCode.VALUE_301,
            },
          }],
        }],
      },
    });
    registerHealthCheck(this, GATEWAY_HEALTH_CHECK);
    registerHealthCheck(this, HTTP_ROUTE_HEALTH_CHECK);
    addIssueCheck(this, () => this.check());
  }

  /** The URL of a host name on the listener applications attach to: `https://<host>:8443` (no port for 443). */
  public urlFor(hostname: string): string {
    return `${this.urlScheme}://${hostname}${this.urlPortSuffix}`;
  }

  /** CEL building {@link SharedGateway.urlFor} from a CEL string expression for the host name (for RGD status fields). */
  public urlCel(hostnameExpr: string): string {
    return `"${this.urlScheme}://" + ${hostnameExpr}${this.urlPortSuffix ? ` + "${this.urlPortSuffix}"` : ''}`;
  }

  private get urlScheme(): string {
    return 'https';
  }

  private get urlPortSuffix(): string {
    return this.httpsPort === 443 ? '' : `:${this.httpsPort}`;
  }

  private check(): ValidationIssue[] {
    const out: ValidationIssue[] = [];
    const d = hostnameProblem(this.domain);
    if (d) out.push(issue(this, 'domain', this.domain, d));
    const className = dnsSubdomainProblem(this.className);
    if (className) out.push(issue(this, 'className', this.className, className, 'name the GatewayClass of your Gateway controller'));
    if (!GATEWAY_LISTENER_MODES.includes(this.listenerMode)) {
      out.push(issue(this, 'listenerMode', this.listenerMode, `must be one of ${GATEWAY_LISTENER_MODES.join(', ')}`));
    } else {
      for (const [field, port] of [['httpPort', this.httpPort], ['httpsPort', this.httpsPort]] as const) {
        if (this.listenerMode === 'host-network') {
          if (!Number.isInteger(port) || port < 1024 || port > 65535) {
            out.push(issue(this, field, port, 'must be between 1024 and 65535 (host-network Envoy cannot bind privileged ports)', 'pick a port from 1024, or listenerMode load-balancer'));
          }
        } else if (!Number.isInteger(port) || port < 1 || port > 65535) {
          out.push(issue(this, field, port, 'must be a TCP port (an integer from 1 to 65535)'));
        }
      }
    }
    if (this.httpPort === this.httpsPort) out.push(issue(this, 'httpsPort', this.httpsPort, 'is also the HTTP port: the two listeners need two ports', 'keep the defaults 8080 and 8443, or choose two ports'));
    const secret = dnsSubdomainProblem(this.tlsSecretName);
    if (secret) out.push(issue(this, 'tlsSecretName', this.tlsSecretName, secret, 'name the kubernetes.io/tls Secret in the Gateway namespace that holds the certificate for *.<domain>'));
    return out;
  }
}
