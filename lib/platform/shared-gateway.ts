/**
 * The shared Gateway (class `cilium`) through which WebApplications are exposed. Only workspace namespaces
 * may attach routes to it.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-33';
import {
  Gateway,
  GatewaySpecListenersAllowedRoutesNamespacesFrom,
} from '../../imports/gateway.networking.k8s.io';
import { LABELS } from '../core/api';
import { hostnameProblem } from '../core/names';
import { addIssueCheck, issue, ValidationIssue } from '../core/validation-error';

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
   * need NET_BIND_SERVICE. Kind maps the same port on the laptop.
   * @default 8080
   */
  readonly httpPort?: number;
}

/** The shared Gateway. */
export class SharedGateway extends Construct {
  public readonly gatewayName: string;
  public readonly namespace: string;
  public readonly domain: string;
  public readonly httpPort: number;
  /** Name of the HTTP listener (HTTPRoutes attach to it with `sectionName`). */
  public readonly listenerName = 'http';

  public constructor(scope: Construct, id: string, props: SharedGatewayProps = {}) {
    super(scope, id);
    this.gatewayName = props.name ?? 'platform';
    this.namespace = props.namespace ?? 'gateway-system';
    this.domain = props.domain ?? 'localtest.me';
    this.httpPort = props.httpPort ?? 8080;
    const labels = { [LABELS.partOf]: 'mini-atlas', [LABELS.component]: 'gateway' };

    new k8s.KubeNamespace(this, 'namespace', {
      metadata: { name: this.namespace, labels: { ...labels, 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    new Gateway(this, 'gateway', {
      metadata: { name: this.gatewayName, namespace: this.namespace, labels },
      spec: {
        gatewayClassName: 'cilium',
        listeners: [
          {
            name: this.listenerName,
            protocol: 'HTTP',
            port: this.httpPort,
            hostname: `*.${this.domain}`,
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
    if (!Number.isInteger(this.httpPort) || this.httpPort < 1024 || this.httpPort > 65535) {
      out.push(issue(this, 'httpPort', this.httpPort, 'must be between 1024 and 65535 (host-network Envoy cannot bind privileged ports)'));
    }
    return out;
  }
}
