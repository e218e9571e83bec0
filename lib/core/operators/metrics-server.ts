/**
 * metrics-server: serves the resource metrics API (`metrics.k8s.io/v1beta1`, registered as an APIService) from
 * the kubelets' summary API, which HorizontalPodAutoscalers read CPU utilisation from. Installed in
 * `kube-system` as upstream does; it has no CRDs.
 */
import { Construct } from 'constructs';
import { METRICS_SERVER } from '../../shared/versions';
import { ChartSourceProps, HelmComponent } from '../helm-component';

/** Properties of {@link MetricsServer}. */
export interface MetricsServerProps extends ChartSourceProps {
  /**
   * Scrape the kubelets without verifying their serving certificates (`--kubelet-insecure-tls`). Kind's kubelets
   * serve self-signed certificates that no cluster CA signed, so metrics-server cannot verify them (metrics-server
   * README, "Requirements": kubelet certificates must be signed by the cluster CA, or this flag is needed). Set
   * false on a cluster whose kubelets have CA-signed serving certificates (kubelet `serverTLSBootstrap`).
   * @default true (Kind)
   */
  readonly kubeletInsecureTls?: boolean;
  /** Releases it waits for (Cilium). @default [] */
  readonly dependsOn?: readonly HelmComponent[];
}

/** The metrics-server HelmRelease (`kube-system/metrics-server`). */
export class MetricsServer extends HelmComponent {
  public constructor(scope: Construct, id: string, props: MetricsServerProps = {}) {
    super(scope, id, {
      chart: METRICS_SERVER.chart,
      repository: props.repository,
      namespace: 'kube-system',
      createNamespace: false,
      dependsOn: props.dependsOn,
      values: {
        replicas: 1,
        args: (props.kubeletInsecureTls ?? true) ? ['--kubelet-insecure-tls'] : [],
      },
    });
  }
}
