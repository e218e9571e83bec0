/** Cilium: CNI with kube-proxy replacement and the Gateway API controller (host-network mode for Kind). */
import { Construct } from 'constructs';
import { CILIUM } from '../../versions';
import { HelmComponent } from '../helm-component';

/** Properties of {@link Cilium}. */
export interface CiliumProps {
  /**
   * Host and port of the API server as seen from the nodes. Without kube-proxy, Cilium cannot use the
   * `kubernetes` Service to reach it. On Kind this is the control-plane container.
   * @default 'mini-atlas-control-plane'
   */
  readonly apiServerHost?: string;
  /** @default 6443 */
  readonly apiServerPort?: number;
  /** Install Hubble (flow observability) with its relay. @default false */
  readonly hubble?: boolean;
}

/** The Cilium HelmRelease (`kube-system/cilium`). The same values are used by `npm run cluster:up`. */
export class Cilium extends HelmComponent {
  public constructor(scope: Construct, id: string, props: CiliumProps = {}) {
    const hubble = props.hubble ?? false;
    super(scope, id, {
      chart: CILIUM.chart,
      namespace: 'kube-system',
      createNamespace: false,
      values: {
        kubeProxyReplacement: true,
        k8sServiceHost: props.apiServerHost ?? 'mini-atlas-control-plane',
        k8sServicePort: props.apiServerPort ?? 6443,
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
