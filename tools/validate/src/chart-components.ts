/**
 * Which pinned Helm chart installs which component's CRDs: the bridge between a HelmRelease and the CRD
 * groups of `CRD_SOURCES` (keyed by component). Charts and versions come from `lib/shared/versions.ts`.
 */
import { CrdSource, CILIUM, CLOUDNATIVE_PG, KRO, KYVERNO, PinnedChart, STRIMZI } from 'mini-atlas';

/** A pinned chart and the component whose CRDs it installs. */
export interface ChartComponent {
  readonly chart: PinnedChart;
  readonly component: CrdSource['component'];
}

/**
 * Pinned charts by chart name. Cilium's chart ships no CRD files, but its operator registers the
 * `cilium.io` CRDs at start-up, so the release is what makes them exist.
 */
export const CHART_COMPONENTS: ReadonlyMap<string, ChartComponent> = new Map(
  ([
    [CILIUM.chart, 'cilium'],
    [KRO.chart, 'kro'],
    [KYVERNO.chart, 'kyverno'],
    [CLOUDNATIVE_PG.chart, 'cloudnative-pg'],
    [STRIMZI.chart, 'strimzi'],
  ] as const).map(([chart, component]) => [chart.chart, { chart, component }]),
);

/** Components whose CRDs exist before any layer runs: Flux's own, installed by `flux install`/bootstrap. */
export const PREINSTALLED_COMPONENTS: ReadonlySet<CrdSource['component']> = new Set(['flux']);
