/**
 * The identity the KRO controller runs as on the test control plane, and the RBAC its Helm chart would install.
 *
 * In the cluster, Flux installs KRO from the HelmRelease in `dist/`; here the controller runs as a process, so
 * the suite recreates what the chart renders for the release's `rbac.mode`, read from that HelmRelease:
 * - `unrestricted` (the chart's default): one ClusterRole allowing everything;
 * - `aggregation`: an empty ClusterRole aggregating every ClusterRole labelled
 *   `rbac.kro.run/aggregate-to-controller: "true"`, plus the chart's static role (KRO's own APIs, CRDs,
 *   ConfigMaps, Leases, Events). Everything KRO may do to the platform's kinds must then come from the
 *   aggregated ClusterRoles in `dist/`, which is exactly what the suite proves.
 * The controller authenticates with a client certificate for its ServiceAccount's user name.
 */
import { KRO } from '../../../lib/shared/versions';
import type { Dist } from './dist';
import type { KubeObject } from '../../../tools/control-plane/src/kube-client';

/** The aggregation label KRO's chart selects ClusterRoles by. */
export const KRO_AGGREGATE_LABEL = 'rbac.kro.run/aggregate-to-controller';

/** How KRO is installed according to `dist/`. */
export interface KroInstallation {
  /** Namespace of the HelmRelease (and of the controller's ServiceAccount). */
  readonly namespace: string;
  /** Helm release name; the chart names its ServiceAccount and ClusterRoles after it. */
  readonly releaseName: string;
  /** `values.rbac.mode` (the chart's default is `unrestricted`). */
  readonly rbacMode: 'aggregation' | 'unrestricted';
  /** User name of the controller's ServiceAccount. */
  readonly user: string;
  /** Groups a ServiceAccount token carries. */
  readonly groups: readonly string[];
}

/** Finds the KRO HelmRelease in dist (the one whose chart source is the pinned KRO chart repository). */
export function kroInstallation(dist: Dist): KroInstallation {
  const objects = dist.all.map((o) => o.object);
  const sourceOf = (hr: KubeObject): KubeObject | undefined => {
    const spec = hr.spec as { chartRef?: { kind: string; name: string; namespace?: string } } | undefined;
    const ref = spec?.chartRef;
    if (!ref) return undefined;
    return objects.find((o) => o.kind === ref.kind && o.metadata.name === ref.name &&
      (o.metadata.namespace ?? '') === (ref.namespace ?? hr.metadata.namespace ?? ''));
  };
  const release = objects.find((o) => o.kind === 'HelmRelease' &&
    (sourceOf(o)?.spec as { url?: string } | undefined)?.url === KRO.chart.repository);
  if (!release) throw new Error(`no HelmRelease in dist/ installs the KRO chart from ${KRO.chart.repository}`);
  const spec = release.spec as { releaseName?: string; values?: { rbac?: { mode?: string } } };
  const namespace = release.metadata.namespace!;
  const releaseName = spec.releaseName ?? release.metadata.name!;
  const mode = spec.values?.rbac?.mode ?? 'unrestricted';
  if (mode !== 'aggregation' && mode !== 'unrestricted') throw new Error(`KRO HelmRelease: unknown rbac.mode ${mode}`);
  // The chart's fullname: the release name when it contains the chart name, else "<release>-<chart>".
  const fullname = releaseName.includes(KRO.chart.chart) ? releaseName : `${releaseName}-${KRO.chart.chart}`;
  return {
    namespace,
    releaseName: fullname,
    rbacMode: mode,
    user: `system:serviceaccount:${namespace}:${fullname}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`],
  };
}

const ALL_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** The ClusterRoles and ClusterRoleBinding KRO's chart renders for the installation's RBAC mode. */
export function kroRbac(install: KroInstallation): KubeObject[] {
  const name = install.rbacMode === 'unrestricted' ? `${install.releaseName}-cluster-role` : `${install.releaseName}:controller`;
  const binding: KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: install.user }],
  };
  if (install.rbacMode === 'unrestricted') {
    return [
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] },
      binding,
    ];
  }
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [KRO_AGGREGATE_LABEL]: 'true' } }] },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `${name}:static`, labels: { [KRO_AGGREGATE_LABEL]: 'true' } },
      rules: [
        { apiGroups: ['kro.run'], resources: ['resourcegraphdefinitions'], verbs: ALL_VERBS },
        { apiGroups: ['kro.run'], resources: ['resourcegraphdefinitions/finalizers'], verbs: ['update'] },
        { apiGroups: ['kro.run'], resources: ['resourcegraphdefinitions/status'], verbs: ['get', 'patch', 'update'] },
        { apiGroups: ['internal.kro.run'], resources: ['graphrevisions'], verbs: ALL_VERBS },
        { apiGroups: ['internal.kro.run'], resources: ['graphrevisions/finalizers'], verbs: ['update'] },
        { apiGroups: ['internal.kro.run'], resources: ['graphrevisions/status'], verbs: ['get', 'patch', 'update'] },
        { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ALL_VERBS },
        { apiGroups: [''], resources: ['configmaps'], verbs: ALL_VERBS },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ALL_VERBS },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
      ],
    },
    binding,
  ];
}
