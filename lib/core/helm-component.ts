/**
 * One operator installed by Flux: its namespace, its chart source (HelmRepository or OCIRepository) and a
 * HelmRelease with pinned chart version, CRD install/upgrade, remediation and dependencies.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import {
  HelmRelease,
  HelmReleaseSpecChartRefKind,
  HelmReleaseSpecChartSpecSourceRefKind,
  HelmReleaseSpecDriftDetectionMode,
  HelmReleaseSpecInstallCrds,
  HelmReleaseSpecUpgradeCrds,
} from '../../imports/helm.toolkit.fluxcd.io';
import { HelmRepository, OciRepository, OciRepositorySpecLayerSelectorOperation } from '../../imports/source.toolkit.fluxcd.io';
import { ANNOTATIONS, LABELS } from '../shared/api';
import { dnsLabelProblem } from '../shared/names';
import { addIssueCheck, issue, ValidationIssue } from '../shared/validation-error';
import { PinnedChart } from '../shared/versions';
import { DeclaresNamespaceUse, NamespaceUse } from '../gitops/namespaces';
import { partOfLabel } from '../shared/platform-name';

/** JSON-compatible Helm values. */
export type HelmValues = { readonly [key: string]: HelmValue };
/** One Helm value. */
export type HelmValue = string | number | boolean | null | readonly HelmValue[] | HelmValues;

/** Where a component's chart is pulled from, when not from the pinned upstream repository. */
export interface ChartSourceProps {
  /**
   * A mirror of the chart's repository: an `https://` Helm repository (Flux `HelmRepository`) or the `oci://`
   * URL of the chart itself (Flux `OCIRepository`, the pinned version as its tag). The chart name and version
   * stay the pinned ones. @default the pinned chart's `repository` (`lib/shared/versions.ts`)
   */
  readonly repository?: string;
}

/** Properties of a {@link HelmComponent}. */
export interface HelmComponentProps extends ChartSourceProps {
  /** Pinned chart (from `versions.ts`). */
  readonly chart: PinnedChart;
  /** Namespace of the release and its source. */
  readonly namespace: string;
  /** Create the namespace. Set false for namespaces that always exist (`kube-system`). @default true */
  readonly createNamespace?: boolean;
  /** Labels for the namespace (e.g. pod-security). @default {} */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** Release name. @default the chart name */
  readonly releaseName?: string;
  /** Chart values. @default {} */
  readonly values?: HelmValues;
  /** Releases that must be Ready first (e.g. Cilium: pods need the network). @default [] */
  readonly dependsOn?: readonly HelmComponent[];
  /** Reconcile interval. @default '30m' */
  readonly interval?: string;
  /** Install/upgrade timeout. @default '10m' */
  readonly timeout?: string;
  /**
   * What the chart does in namespaces besides its own: the namespaces it writes objects into at install, and
   * the pods the operator creates for its custom resources. The Flux graph check requires each namespace to
   * exist before this component's stage is applied, and the operand pods to meet the Pod Security level of
   * every namespace they land in. @default [] (the chart stays inside its own namespace)
   */
  readonly namespaceUse?: readonly NamespaceUse[];
}

/** A Flux-managed Helm release. */
export class HelmComponent extends Construct implements DeclaresNamespaceUse {
  /** The HelmRelease object. */
  public readonly release: ApiObject;
  /** Release name. */
  public readonly releaseName: string;
  /** Namespace of the release. */
  public readonly namespace: string;
  /** The pinned chart. */
  public readonly chart: PinnedChart;
  /** The chart values (as written to the HelmRelease). */
  public readonly values: HelmValues;
  /** What the chart does in namespaces besides its own. */
  public readonly namespaceUse: readonly NamespaceUse[];

  public constructor(scope: Construct, id: string, props: HelmComponentProps) {
    super(scope, id);
    this.chart = { ...props.chart, repository: props.repository ?? props.chart.repository };
    this.namespace = props.namespace;
    this.releaseName = props.releaseName ?? props.chart.chart;
    this.values = props.values ?? {};
    this.namespaceUse = props.namespaceUse ?? [];
    const interval = props.interval ?? '30m';
    const labels = { ...partOfLabel(this), [LABELS.component]: this.releaseName };

    if (props.createNamespace ?? true) {
      new k8s.KubeNamespace(this, 'namespace', {
        metadata: { name: props.namespace, labels: { ...labels, ...(props.namespaceLabels ?? {}) } },
      });
    }

    const oci = this.chart.repository.startsWith('oci://');
    const mirrored = this.chart.repository !== props.chart.repository;
    const sourceMeta = {
      name: this.releaseName, namespace: props.namespace, labels,
      ...(mirrored ? { annotations: { [ANNOTATIONS.mirrorOf]: props.chart.repository } } : {}),
    };
    const source = oci
      ? new OciRepository(this, 'source', {
        metadata: sourceMeta,
        spec: {
          interval: '12h',
          url: this.chart.repository,
          ref: { tag: props.chart.version },
          layerSelector: {
            mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
            operation: OciRepositorySpecLayerSelectorOperation.COPY,
          },
        },
      })
      : new HelmRepository(this, 'source', {
        metadata: sourceMeta,
        spec: { interval: '12h', url: this.chart.repository },
      });

    this.release = new HelmRelease(this, 'release', {
      metadata: { name: this.releaseName, namespace: props.namespace, labels },
      spec: {
        interval,
        timeout: props.timeout ?? '10m',
        releaseName: this.releaseName,
        ...(oci
          ? { chartRef: { kind: HelmReleaseSpecChartRefKind.OCI_REPOSITORY, name: source.name, namespace: props.namespace } }
          : {
            chart: {
              spec: {
                chart: props.chart.chart,
                version: props.chart.version,
                sourceRef: { kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: source.name, namespace: props.namespace },
                interval: '12h',
              },
            },
          }),
        install: { crds: HelmReleaseSpecInstallCrds.CREATE_REPLACE, remediation: { retries: 3 } },
        upgrade: {
          crds: HelmReleaseSpecUpgradeCrds.CREATE_REPLACE,
          cleanupOnFail: true,
          remediation: { retries: 3, remediateLastFailure: true },
        },
        driftDetection: { mode: HelmReleaseSpecDriftDetectionMode.ENABLED },
        ...(props.dependsOn?.length
          ? { dependsOn: props.dependsOn.map((d) => ({ name: d.releaseName, namespace: d.namespace })) }
          : {}),
        values: this.values as Record<string, unknown>,
      },
    });

    addIssueCheck(this, () => this.check());
  }

  private check(): ValidationIssue[] {
    const problems: ValidationIssue[] = [];
    if (!/^[0-9]+\.[0-9]+\.[0-9]+$/.test(this.chart.version)) {
      problems.push(issue(this, 'chart.version', this.chart.version, 'must be an exact version like 1.2.3 (no ranges, no "latest")', 'pin the chart in lib/shared/versions.ts'));
    }
    if (!/^(https|oci):\/\/[^\s]+$/.test(this.chart.repository)) {
      problems.push(issue(this, 'chart.repository', this.chart.repository, 'must be an https:// or oci:// URL'));
    }
    const ns = dnsLabelProblem(this.namespace);
    if (ns) problems.push(issue(this, 'namespace', this.namespace, ns));
    return problems;
  }
}
