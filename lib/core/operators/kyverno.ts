/** Kyverno: admission policies (CEL ValidatingPolicy) and the background controller that generates Secrets. */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { KYVERNO } from '../../shared/versions';
import { ChartSourceProps, HelmComponent } from '../helm-component';
import { partOfLabel } from '../../shared/platform-name';

/** Properties of {@link Kyverno}. */
export interface KyvernoProps extends ChartSourceProps {
  /** Releases Kyverno waits for (Cilium). @default [] */
  readonly dependsOn?: readonly HelmComponent[];
  /** Admission controller replicas; 3 for high availability. @default 1 */
  readonly replicas?: number;
}

/** Resources Kyverno's admission controller may read (get, list) for policy lookups. */
export interface ReadResources {
  /** API group (`''` for core). */
  readonly apiGroup: string;
  /** Plural resources. */
  readonly resources: readonly string[];
}

/** Label that aggregates a ClusterRole into the admission controller's (Kyverno chart 3.9, admission-controller/clusterrole.yaml). */
export const KYVERNO_ADMISSION_AGGREGATION_LABEL = 'rbac.kyverno.io/aggregate-to-admission-controller';

/** The Kyverno HelmRelease, plus the RBAC its background controller needs to generate cache Secrets. */
export class Kyverno extends HelmComponent {
  public constructor(scope: Construct, id: string, props: KyvernoProps = {}) {
    const replicas = props.replicas ?? 1;
    super(scope, id, {
      chart: KYVERNO.chart,
      repository: props.repository,
      namespace: 'kyverno',
      dependsOn: props.dependsOn,
      values: {
        admissionController: { replicas },
        backgroundController: { replicas: 1 },
        cleanupController: { replicas: 1 },
        reportsController: { replicas: 1 },
      },
    });
    // The background controller creates the cache password Secret of each Infrastructure (generate rule).
    new k8s.KubeClusterRole(this, 'generate-secrets', {
      metadata: {
        name: 'mini-atlas:kyverno:generate-secrets',
        labels: { 'rbac.kyverno.io/aggregate-to-background-controller': 'true', ...partOfLabel(this) },
      },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }],
    });
  }

  /**
   * Lets the admission controller read the given resources (`resource.Get`/`resource.List` in a policy) through
   * a ClusterRole named `mini-atlas:kyverno:<name>`, aggregated into its role.
   */
  public allowLookups(name: string, reads: readonly ReadResources[]): ApiObject {
    return new k8s.KubeClusterRole(this, `lookups-${name}`, {
      metadata: {
        name: `mini-atlas:kyverno:${name}`,
        labels: { [KYVERNO_ADMISSION_AGGREGATION_LABEL]: 'true', ...partOfLabel(this) },
      },
      rules: reads.map((r) => ({ apiGroups: [r.apiGroup], resources: [...r.resources], verbs: ['get', 'list'] })),
    });
  }
}
