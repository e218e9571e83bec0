/** Strimzi: the Kafka operator behind the shared message bus and Topic. */
import { Construct } from 'constructs';
import { STRIMZI } from '../../shared/versions';
import { ChartSourceProps, HelmComponent } from '../helm-component';
import { PodSecurityLevel } from '../../gitops/namespaces';

/** Properties of {@link Strimzi}. */
export interface StrimziProps extends ChartSourceProps {
  /**
   * Namespaces holding Kafka clusters (the cluster operator watches only these). The chart writes a
   * RoleBinding into each at install, so each must exist before the operator's Flux stage is applied.
   */
  readonly watchNamespaces: readonly string[];
  /** Releases the operator waits for (Cilium). @default [] */
  readonly dependsOn?: readonly HelmComponent[];
  /**
   * Pod Security level of the pods the operator creates (brokers, controllers, entity operator). Strimzi's
   * own default is `baseline` (`BaselinePodSecurityProvider`), which a namespace enforcing `restricted`
   * rejects; `restricted` selects its `RestrictedPodSecurityProvider` through the operator's
   * `STRIMZI_POD_SECURITY_PROVIDER_CLASS` environment variable (chart value `extraEnvs`).
   * Upstream: Strimzi documentation, "Applying security context to Strimzi pods and containers".
   * @default 'restricted'
   */
  readonly podSecurity?: Extract<PodSecurityLevel, 'baseline' | 'restricted'>;
}

/** The operator's environment variable that selects the pod security provider (Strimzi `ClusterOperatorConfig`). */
export const STRIMZI_POD_SECURITY_PROVIDER_ENV = 'STRIMZI_POD_SECURITY_PROVIDER_CLASS';

/**
 * The Strimzi cluster operator. It watches only the Kafka namespace; the Kafka's own Topic Operator watches
 * that same namespace, which is why every tenant KafkaTopic is created there.
 */
export class Strimzi extends HelmComponent {
  public constructor(scope: Construct, id: string, props: StrimziProps) {
    const podSecurity = props.podSecurity ?? 'restricted';
    super(scope, id, {
      chart: STRIMZI.chart,
      repository: props.repository,
      namespace: 'strimzi-system',
      dependsOn: props.dependsOn,
      values: {
        replicas: 1,
        watchAnyNamespace: false,
        watchNamespaces: [...props.watchNamespaces],
        ...(podSecurity === 'restricted'
          ? { extraEnvs: [{ name: STRIMZI_POD_SECURITY_PROVIDER_ENV, value: 'restricted' }] }
          : {}),
      },
      namespaceUse: [{
        field: 'watchNamespaces',
        writesInto: props.watchNamespaces,
        operandPods: {
          namespaces: props.watchNamespaces,
          podSecurity,
          howToRaise: `set podSecurity: 'restricted' (${STRIMZI_POD_SECURITY_PROVIDER_ENV}=restricted)`,
        },
      }],
    });
  }
}
