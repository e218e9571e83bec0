/** CloudNativePG: the PostgreSQL operator behind Infrastructure. */
import { Construct } from 'constructs';
import { CLOUDNATIVE_PG } from '../../shared/versions';
import { ChartSourceProps, HelmComponent } from '../helm-component';

/** Properties of {@link CloudNativePg}. */
export interface CloudNativePgProps extends ChartSourceProps {
  /** Releases the operator waits for (Cilium). @default [] */
  readonly dependsOn?: readonly HelmComponent[];
}

/** The CloudNativePG HelmRelease (`cnpg-system/cloudnative-pg`), watching all namespaces. */
export class CloudNativePg extends HelmComponent {
  /** Namespace of the operator (its pods talk to the instances' status port). */
  public static readonly NAMESPACE = 'cnpg-system';
  /** Pod label of the operator, used by workspace network policies. */
  public static readonly POD_LABELS = { 'app.kubernetes.io/name': 'cloudnative-pg' } as const;

  public constructor(scope: Construct, id: string, props: CloudNativePgProps = {}) {
    super(scope, id, {
      chart: CLOUDNATIVE_PG.chart,
      repository: props.repository,
      namespace: CloudNativePg.NAMESPACE,
      dependsOn: props.dependsOn,
      values: { replicaCount: 1, config: { clusterWide: true } },
      // Instance and job pods meet `restricted` with the operator's defaults: seccomp RuntimeDefault (the
      // Cluster CRD's `spec.seccompProfile` default), every capability dropped, non-root, no privilege
      // escalation (CloudNativePG `pkg/specs`). The RGD's Cluster template overrides none of them.
      namespaceUse: [{
        field: 'config.clusterWide',
        operandPods: { namespaces: '*', podSecurity: 'restricted', howToRaise: 'keep the Cluster security contexts at the operator defaults' },
      }],
    });
  }
}
