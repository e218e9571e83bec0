/** Cilium: CNI with kube-proxy replacement and the Gateway API controller (host-network mode for Kind). */
import { Construct } from 'constructs';
import { CILIUM } from '../../shared/versions';
import { HelmComponent } from '../helm-component';

/** Properties of {@link Cilium}. */
export interface CiliumProps {
  /**
   * Host of the API server as seen from the nodes. Without kube-proxy, Cilium cannot use the `kubernetes`
   * Service to reach it. `auto` makes the chart read host and port from `kube-public/cluster-info`, which
   * every kubeadm-based cluster (Kind included) publishes, so the Kind cluster name can be anything.
   * @default 'auto'
   */
  readonly apiServerHost?: string;
  /** API server port; ignored with `auto`. @default 6443 */
  readonly apiServerPort?: number;
  /** Install Hubble (flow observability) with its relay. @default false */
  readonly hubble?: boolean;
}

/** The Cilium HelmRelease (`kube-system/cilium`). The same values are used by `npm run cluster:up`. */
export class Cilium extends HelmComponent {
  public constructor(scope: Construct, id: string, props: CiliumProps = {}) {
    const hubble = props.hubble ?? false;
    const host = props.apiServerHost ?? 'auto';
    super(scope, id, {
      chart: CILIUM.chart,
      namespace: 'kube-system',
      createNamespace: false,
      values: {
        kubeProxyReplacement: true,
        ...(host === 'auto'
          ? { k8sServiceHost: 'auto' }
          : { k8sServiceHost: host, k8sServicePort: props.apiServerPort ?? 6443 }),
        ipam: { mode: 'kubernetes' },
        operator: { replicas: 1 },
        l7Proxy: true,
        gatewayAPI: {
          enabled: true,
          // Kind has no LoadBalancer: Envoy listens on the node itself; Kind maps the listener ports.
          hostNetwork: { enabled: true },
          externalTrafficPolicy: 'Cluster',
        },
        hubble: hubble
          ? { enabled: true, relay: { enabled: true }, ui: { enabled: false } }
          : { enabled: false },
      },
    });
  }
}
