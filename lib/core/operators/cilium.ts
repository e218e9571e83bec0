/** Cilium: CNI with kube-proxy replacement and the Gateway API controller (host-network mode for Kind). */
import { Construct } from 'constructs';
import { CILIUM } from '../../shared/versions';
import { ChartSourceProps, HelmComponent } from '../helm-component';
import { addIssueCheck, issue } from '../../shared/validation-error';

/** Properties of {@link Cilium}. */
export interface CiliumProps extends ChartSourceProps {
  /**
   * Host of the API server as seen from the nodes. Without kube-proxy, Cilium cannot use the `kubernetes`
   * Service to reach it. `auto` makes the chart read host and port from `kube-public/cluster-info`, which
   * every kubeadm-based cluster (Kind included) publishes, so the Kind cluster name can be anything.
   * @default 'auto'
   */
  readonly apiServerHost?: string;
  /**
   * The API server's secure port: Cilium's `k8sServicePort` when `apiServerHost` is given (with `auto` Cilium reads
   * it from `kube-public/cluster-info`), and in every case the only port database pods may reach the API server on
   * (the workspace policy `postgres-api-server`; Cilium's policy sees the API server's own port, after kube-proxy
   * replacement has translated `kubernetes.default:443` to it). Kind (kubeadm) serves on 6443. The control-plane
   * test suite starts kube-apiserver on a free port it picks, but it has no Cilium datapath, so there the policy
   * is checked for shape only.
   * @default 6443
   */
  readonly apiServerPort?: number;
  /** Install Hubble (flow observability) with its relay. @default false */
  readonly hubble?: boolean;
  /**
   * Envoy of Cilium's Gateway API implementation binds the Gateways' listener ports on each node
   * (`gatewayAPI.hostNetwork.enabled`) instead of publishing a LoadBalancer Service per Gateway
   * (https://docs.cilium.io/en/stable/network/servicemesh/gateway-api/gateway-api/#host-network-mode).
   * @default true (Kind has no load balancer)
   */
  readonly gatewayHostNetwork?: boolean;
}

/** The Cilium HelmRelease (`kube-system/cilium`). The same values are used by `npm run cluster:up`. */
export class Cilium extends HelmComponent {
  /** The API server's secure port (see {@link CiliumProps.apiServerPort}). */
  public readonly apiServerPort: number;

  public constructor(scope: Construct, id: string, props: CiliumProps = {}) {
    const hubble = props.hubble ?? false;
    const host = props.apiServerHost ?? 'auto';
    const port = props.apiServerPort ?? 6443;
    super(scope, id, {
      chart: CILIUM.chart,
      repository: props.repository,
      namespace: 'kube-system',
      createNamespace: false,
      values: {
        kubeProxyReplacement: true,
        ...(host === 'auto'
          ? { k8sServiceHost: 'auto' }
          : { k8sServiceHost: host, k8sServicePort: port }),
        ipam: { mode: 'kubernetes' },
        operator: { replicas: 1 },
        l7Proxy: true,
        gatewayAPI: {
          enabled: true,
          // Kind has no LoadBalancer: Envoy listens on the node itself; Kind maps the listener ports.
          hostNetwork: { enabled: props.gatewayHostNetwork ?? true },
          externalTrafficPolicy: 'Cluster',
        },
        hubble: hubble
          ? { enabled: true, relay: { enabled: true }, ui: { enabled: false } }
          : { enabled: false },
      },
    });
    this.apiServerPort = port;
    addIssueCheck(this, () => (Number.isInteger(port) && port >= 1 && port <= 65535
      ? []
      : [issue(this, 'apiServerPort', port, 'must be a TCP port (an integer from 1 to 65535)', 'use the port kube-apiserver serves on (6443 on Kind)')]));
  }
}
