/**
 * The Cilium release as the CoreChart declares it, read from the synthesized `dist/core/operators`.
 *
 * `cluster:up` must install Cilium before Flux exists (pods cannot start without a CNI), and Flux's
 * helm-controller later adopts that release. Both must use the same chart, version and values, so they are
 * read from the HelmRelease in `dist/`, never re-typed: the HelmRelease whose chart is `cilium`, its
 * `spec.values` (merged over any `spec.valuesFrom` ConfigMap/Secret that is also in `dist/`), and the chart
 * source (HelmRepository or OCIRepository) it points to.
 */
import { parse } from 'yaml';
import { ClusterError } from './cluster-error';
import { readDistFolder } from './dist-manifests';
import { apiGroup, getPath, getString, KubeObject, objectRef } from './kube-object';

/** Folder of `dist/` that holds the operators' HelmReleases. */
export const OPERATORS_FOLDER = 'core/operators';

/** Helm values (a YAML mapping). */
export type HelmValues = Record<string, unknown>;

/** Everything `helm upgrade --install` needs to reproduce a HelmRelease. */
export interface HelmInstall {
  /** The HelmRelease this was read from, e.g. `HelmRelease/kube-system/cilium`. */
  readonly source: string;
  /** Name of the HelmRelease object (to find it in the cluster later). */
  readonly helmReleaseName: string;
  /** Namespace of the HelmRelease object. */
  readonly helmReleaseNamespace: string;
  /** Helm release name (what helm-controller uses: `spec.releaseName`, else `[targetNamespace-]name`). */
  readonly releaseName: string;
  /** Namespace the chart is installed into (and where Helm stores the release). */
  readonly namespace: string;
  /** Chart reference for `helm`: a chart name (with {@link repository}) or an `oci://` URL. */
  readonly chart: string;
  /** `https://` repository for `helm --repo`, absent for OCI charts. */
  readonly repository?: string;
  /** Exact chart version. */
  readonly version: string;
  /** Values, exactly as helm-controller would pass them. */
  readonly values: HelmValues;
}

const FIX = 'check the Cilium HelmRelease in the CoreChart and run `npm run synth`';
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

function isKind(o: KubeObject, group: string, kind: string): boolean {
  return o.kind === kind && apiGroup(o.apiVersion) === group;
}

function find(objects: readonly KubeObject[], group: string, kind: string, name: string, namespace: string | undefined): KubeObject | undefined {
  return objects.find((o) => isKind(o, group, kind) && o.metadata.name === name && (o.metadata.namespace ?? undefined) === namespace);
}

/**
 * Helm's merge of values maps: nested maps merge key by key, anything else (lists, scalars, null) from
 * `override` replaces the value in `base`.
 */
export function mergeValues(base: HelmValues, override: HelmValues): HelmValues {
  const out: HelmValues = { ...base };
  for (const [k, v] of Object.entries(override)) {
    out[k] = isRecord(v) && isRecord(out[k]) ? mergeValues(out[k] as HelmValues, v) : v;
  }
  return out;
}

/** Sets `value` at a dotted Helm path (`a.b.c`), creating maps on the way. */
function setAtPath(values: HelmValues, path: string, value: unknown): HelmValues {
  const keys = path.split('.');
  const out: HelmValues = { ...values };
  let cur = out;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) {
      cur[key] = value;
    } else {
      const next = isRecord(cur[key]) ? { ...(cur[key] as HelmValues) } : {};
      cur[key] = next;
      cur = next;
    }
  });
  return out;
}

function resolveValuesFrom(hr: KubeObject, objects: readonly KubeObject[]): HelmValues {
  const refs = hr.spec?.valuesFrom;
  if (refs === undefined) return {};
  if (!Array.isArray(refs)) throw new ClusterError(`${objectRef(hr)}: spec.valuesFrom is not a list`, FIX);
  let merged: HelmValues = {};
  for (const ref of refs as readonly Record<string, unknown>[]) {
    const kind = ref.kind;
    const name = typeof ref.name === 'string' ? ref.name : '';
    const key = typeof ref.valuesKey === 'string' ? ref.valuesKey : 'values.yaml';
    if (kind !== 'ConfigMap' && kind !== 'Secret') {
      throw new ClusterError(`${objectRef(hr)}: valuesFrom kind ${String(kind)} is not supported`, FIX);
    }
    const holder = find(objects, '', kind, name, hr.metadata.namespace);
    let text: string | undefined;
    if (holder) {
      const raw = holder as unknown as { data?: Record<string, string>; stringData?: Record<string, string> };
      if (kind === 'Secret') {
        text = raw.stringData?.[key] ?? (raw.data?.[key] !== undefined ? Buffer.from(raw.data[key], 'base64').toString('utf8') : undefined);
      } else {
        text = raw.data?.[key];
      }
    }
    if (text === undefined) {
      if (ref.optional === true) continue;
      throw new ClusterError(
        `${objectRef(hr)}: valuesFrom ${kind}/${name} key ${key} is not in dist/${OPERATORS_FOLDER}`,
        'cluster:up can only reproduce values that are synthesized into dist/; ' + FIX,
      );
    }
    if (typeof ref.targetPath === 'string' && ref.targetPath !== '') {
      merged = setAtPath(merged, ref.targetPath, text);
    } else {
      const parsed: unknown = parse(text);
      if (parsed !== null && !isRecord(parsed)) {
        throw new ClusterError(`${objectRef(hr)}: ${kind}/${name} key ${key} is not a YAML mapping`, FIX);
      }
      merged = mergeValues(merged, (parsed as HelmValues | null) ?? {});
    }
  }
  return merged;
}

/** True when the HelmRelease installs the chart named `chart` (by chart name or OCI repository path). */
function installsChart(hr: KubeObject, objects: readonly KubeObject[], chart: string): boolean {
  if (getString(hr.spec, ['chart', 'spec', 'chart']) === chart) return true;
  const refName = getString(hr.spec, ['chartRef', 'name']);
  if (refName && getString(hr.spec, ['chartRef', 'kind']) === 'OCIRepository') {
    const oci = find(objects, 'source.toolkit.fluxcd.io', 'OCIRepository', refName, getString(hr.spec, ['chartRef', 'namespace']) ?? hr.metadata.namespace);
    const url = getString(oci?.spec, ['url']);
    return url !== undefined && url.replace(/\/+$/, '').split('/').pop() === chart;
  }
  return false;
}

function chartSource(hr: KubeObject, objects: readonly KubeObject[]): { chart: string; repository?: string; version: string } {
  const ref = objectRef(hr);
  const chartSpec = getPath(hr.spec, ['chart', 'spec']);
  if (isRecord(chartSpec)) {
    const chart = getString(chartSpec, ['chart']) ?? '';
    const version = getString(chartSpec, ['version']) ?? '';
    const srcKind = getString(chartSpec, ['sourceRef', 'kind']);
    const srcName = getString(chartSpec, ['sourceRef', 'name']) ?? '';
    const srcNs = getString(chartSpec, ['sourceRef', 'namespace']) ?? hr.metadata.namespace;
    if (srcKind !== 'HelmRepository') {
      throw new ClusterError(`${ref}: chart source kind ${String(srcKind)} is not supported (HelmRepository or chartRef OCIRepository)`, FIX);
    }
    const repo = find(objects, 'source.toolkit.fluxcd.io', 'HelmRepository', srcName, srcNs);
    const url = getString(repo?.spec, ['url']);
    if (!url) throw new ClusterError(`${ref}: HelmRepository ${srcNs}/${srcName} is not in dist/${OPERATORS_FOLDER}`, FIX);
    if (!EXACT_VERSION.test(version)) throw new ClusterError(`${ref}: chart version ${JSON.stringify(version)} is not an exact version`, FIX);
    if (getString(repo?.spec, ['type']) === 'oci' || url.startsWith('oci://')) {
      return { chart: `${url.replace(/\/+$/, '')}/${chart}`, version };
    }
    return { chart, repository: url, version };
  }
  const refName = getString(hr.spec, ['chartRef', 'name']);
  if (refName && getString(hr.spec, ['chartRef', 'kind']) === 'OCIRepository') {
    const ns = getString(hr.spec, ['chartRef', 'namespace']) ?? hr.metadata.namespace;
    const oci = find(objects, 'source.toolkit.fluxcd.io', 'OCIRepository', refName, ns);
    const url = getString(oci?.spec, ['url']);
    const tag = getString(oci?.spec, ['ref', 'tag']) ?? '';
    if (!url) throw new ClusterError(`${ref}: OCIRepository ${ns}/${refName} is not in dist/${OPERATORS_FOLDER}`, FIX);
    if (!EXACT_VERSION.test(tag)) throw new ClusterError(`${ref}: OCIRepository ${ns}/${refName} has no exact ref.tag`, FIX);
    return { chart: url, version: tag };
  }
  throw new ClusterError(`${ref}: neither spec.chart.spec nor an OCIRepository spec.chartRef`, FIX);
}

/** The HelmRelease installing `chart` among `objects`, turned into a Helm install. */
export function helmInstallFor(objects: readonly KubeObject[], chart: string): HelmInstall {
  const matches = objects.filter((o) => isKind(o, 'helm.toolkit.fluxcd.io', 'HelmRelease') && installsChart(o, objects, chart));
  if (matches.length !== 1) {
    throw new ClusterError(
      matches.length === 0
        ? `no HelmRelease for the ${chart} chart in dist/${OPERATORS_FOLDER}`
        : `${matches.length} HelmReleases install the ${chart} chart in dist/${OPERATORS_FOLDER}: ${matches.map(objectRef).join(', ')}`,
      FIX,
    );
  }
  const hr = matches[0];
  const hrNamespace = hr.metadata.namespace ?? 'default';
  const target = getString(hr.spec, ['targetNamespace']);
  const storage = getString(hr.spec, ['storageNamespace']) ?? hrNamespace;
  const namespace = target ?? hrNamespace;
  if (storage !== namespace) {
    throw new ClusterError(
      `${objectRef(hr)} stores its release in ${storage} but installs into ${namespace}; the helm CLI cannot reproduce that`,
      FIX,
    );
  }
  const releaseName = getString(hr.spec, ['releaseName']) ?? (target ? `${target}-${hr.metadata.name}` : hr.metadata.name);
  const inline = hr.spec?.values;
  if (inline !== undefined && !isRecord(inline)) throw new ClusterError(`${objectRef(hr)}: spec.values is not a mapping`, FIX);
  const values = mergeValues(resolveValuesFrom(hr, objects), (inline as HelmValues | undefined) ?? {});
  return {
    source: objectRef(hr),
    helmReleaseName: hr.metadata.name,
    helmReleaseNamespace: hrNamespace,
    releaseName,
    namespace,
    ...chartSource(hr, objects),
    values,
  };
}

/** The Cilium release of the CoreChart, read from `dist/core/operators`. */
export function readCiliumInstall(distDir: string): HelmInstall {
  return helmInstallFor(readDistFolder(distDir, OPERATORS_FOLDER).map((d) => d.object), 'cilium');
}
