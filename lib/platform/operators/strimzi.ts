/** Strimzi: the Kafka operator behind the shared message bus and Topic. */
import { Construct } from 'constructs';
import { STRIMZI } from '../../versions';
import { HelmComponent } from '../helm-component';

/** Properties of {@link Strimzi}. */
export interface StrimziProps {
  /** Namespaces holding Kafka clusters (the cluster operator watches only these). */
  readonly watchNamespaces: readonly string[];
  /** Releases the operator waits for (Cilium). @default [] */
  readonly dependsOn?: readonly HelmComponent[];
}

/**
 * The Strimzi cluster operator. It watches only the Kafka namespace; the Kafka's own Topic Operator watches
 * that same namespace, which is why every tenant KafkaTopic is created there.
 */
export class Strimzi extends HelmComponent {
  public constructor(scope: Construct, id: string, props: StrimziProps) {
    super(scope, id, {
      chart: STRIMZI.chart,
      namespace: 'strimzi-system',
      dependsOn: props.dependsOn,
      values: {
        replicas: 1,
        watchAnyNamespace: false,
        watchNamespaces: [...props.watchNamespaces],
      },
    });
  }
}
