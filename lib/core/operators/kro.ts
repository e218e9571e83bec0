/**
 * KRO: turns ResourceGraphDefinitions into APIs. Installed in `aggregation` RBAC mode: the controller gets
 * exactly the permissions granted by ClusterRoles labelled `rbac.kro.run/aggregate-to-controller`, never
 * cluster-admin.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { KRO } from '../../shared/versions';
import { ChartSourceProps, HelmComponent } from '../helm-component';
import { partOfLabel } from '../../shared/platform-name';

/** One API group and the resources of it that KRO manages. */
export interface ManagedResources {
  /** API group (`''` for the core group). */
  readonly apiGroup: string;
  /** Plural resource names. */
  readonly resources: readonly string[];
  /** Verbs. @default full management: get, list, watch, create, update, patch, delete */
  readonly verbs?: readonly string[];
  /** Only these objects (e.g. the ClusterRoles KRO may `bind`). @default every object of the resources */
  readonly resourceNames?: readonly string[];
}

/** Properties of {@link Kro}. */
export interface KroProps extends ChartSourceProps {
  /** Releases KRO waits for (Cilium). @default [] */
  readonly dependsOn?: readonly HelmComponent[];
}

/** The label that aggregates a ClusterRole into KRO's controller role. */
export const KRO_AGGREGATION_LABEL = 'rbac.kro.run/aggregate-to-controller';

const MANAGE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** The KRO HelmRelease, in aggregation RBAC mode. */
export class Kro extends HelmComponent {
  public constructor(scope: Construct, id: string, props: KroProps = {}) {
    super(scope, id, {
      chart: KRO.chart,
      repository: props.repository,
      namespace: 'kro-system',
      dependsOn: props.dependsOn,
      values: { rbac: { mode: 'aggregation' } },
    });
  }

  /**
   * Grants KRO management of the given resources through an aggregated ClusterRole named
   * `mini-atlas:kro:<name>`.
   */
  public grant(name: string, managed: readonly ManagedResources[]): ApiObject {
    return new k8s.KubeClusterRole(this, `grant-${name}`, {
      metadata: {
        name: `mini-atlas:kro:${name}`,
        labels: { [KRO_AGGREGATION_LABEL]: 'true', ...partOfLabel(this) },
      },
      rules: managed.map((m) => ({
        apiGroups: [m.apiGroup], resources: [...m.resources], verbs: [...(m.verbs ?? MANAGE)],
        ...(m.resourceNames ? { resourceNames: [...m.resourceNames] } : {}),
      })),
    });
  }
}
