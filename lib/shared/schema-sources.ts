/**
 * Upstream schema sources, declared by their upstream URL at the pinned version (as kubeconform users do).
 *
 * The URLs are derived from `versions.ts`, so bumping a version moves every schema with it. Tools resolve
 * them to a local schema directory when one is present (see `tools/cli-common/src/schema-store.ts`).
 */
import {
  CILIUM, CLOUDNATIVE_PG, FLUX, GATEWAY_API, KRO, KUBERNETES, KYVERNO, STRIMZI,
} from './versions';

const GH = 'https://raw.githubusercontent.com';

/** One upstream file holding one CustomResourceDefinition. */
export interface CrdSource {
  /** The component the CRD belongs to. */
  readonly component: 'flux' | 'kro' | 'kyverno' | 'cloudnative-pg' | 'strimzi' | 'gateway-api' | 'cilium';
  /** Upstream URL at the pinned version. */
  readonly url: string;
}

const files = (component: CrdSource['component'], base: string, names: readonly string[]): CrdSource[] =>
  names.map((name) => ({ component, url: `${base}/${name}` }));

/** The Kubernetes built-in API definitions (cdk8s' published `_definitions.json`). */
export const KUBERNETES_DEFINITIONS_URL =
  `${GH}/cdk8s-team/cdk8s/71f8cba7/kubernetes-schemas/${KUBERNETES.schemaVersion}/_definitions.json`;

/** Every CRD of every platform component, at its pinned version. */
export const CRD_SOURCES: readonly CrdSource[] = [
  ...files('flux', `${GH}/fluxcd/source-controller/${FLUX.sourceController}/config/crd/bases`, [
    'source.toolkit.fluxcd.io_buckets.yaml',
    'source.toolkit.fluxcd.io_externalartifacts.yaml',
    'source.toolkit.fluxcd.io_gitrepositories.yaml',
    'source.toolkit.fluxcd.io_helmcharts.yaml',
    'source.toolkit.fluxcd.io_helmrepositories.yaml',
    'source.toolkit.fluxcd.io_ocirepositories.yaml',
  ]),
  ...files('flux', `${GH}/fluxcd/kustomize-controller/${FLUX.kustomizeController}/config/crd/bases`, [
    'kustomize.toolkit.fluxcd.io_kustomizations.yaml',
  ]),
  ...files('flux', `${GH}/fluxcd/helm-controller/${FLUX.helmController}/config/crd/bases`, [
    'helm.toolkit.fluxcd.io_helmreleases.yaml',
  ]),
  ...files('kro', `${GH}/kubernetes-sigs/kro/${KRO.version}/helm/crds`, [
    'kro.run_resourcegraphdefinitions.yaml',
    'internal.kro.run_graphrevisions.yaml',
  ]),
  ...files('kyverno', `${GH}/kyverno/kyverno/${KYVERNO.version}/config/crds/kyverno`, [
    'kyverno.io_cleanuppolicies.yaml',
    'kyverno.io_clustercleanuppolicies.yaml',
    'kyverno.io_clusterpolicies.yaml',
    'kyverno.io_globalcontextentries.yaml',
    'kyverno.io_policies.yaml',
    'kyverno.io_policyexceptions.yaml',
    'kyverno.io_updaterequests.yaml',
  ]),
  ...files('kyverno', `${GH}/kyverno/kyverno/${KYVERNO.version}/config/crds/policies.kyverno.io`, [
    'policies.kyverno.io_deletingpolicies.yaml',
    'policies.kyverno.io_generatingpolicies.yaml',
    'policies.kyverno.io_imagevalidatingpolicies.yaml',
    'policies.kyverno.io_mutatingpolicies.yaml',
    'policies.kyverno.io_namespaceddeletingpolicies.yaml',
    'policies.kyverno.io_namespacedgeneratingpolicies.yaml',
    'policies.kyverno.io_namespacedimagevalidatingpolicies.yaml',
    'policies.kyverno.io_namespacedmutatingpolicies.yaml',
    'policies.kyverno.io_namespacedvalidatingpolicies.yaml',
    'policies.kyverno.io_policyexceptions.yaml',
    'policies.kyverno.io_validatingpolicies.yaml',
  ]),
  ...files('kyverno', `${GH}/kyverno/kyverno/${KYVERNO.version}/config/crds/reports`, [
    'reports.kyverno.io_clusterephemeralreports.yaml',
    'reports.kyverno.io_ephemeralreports.yaml',
  ]),
  ...files('kyverno', `${GH}/kyverno/kyverno/${KYVERNO.version}/config/crds/policyreport`, [
    'wgpolicyk8s.io_clusterpolicyreports.yaml',
    'wgpolicyk8s.io_policyreports.yaml',
  ]),
  ...files('cloudnative-pg', `${GH}/cloudnative-pg/cloudnative-pg/${CLOUDNATIVE_PG.version}/config/crd/bases`,
    ['backups', 'clusterimagecatalogs', 'clusters', 'databaseroles', 'databases', 'failoverquorums',
      'imagecatalogs', 'poolers', 'publications', 'scheduledbackups', 'subscriptions']
      .map((n) => `postgresql.cnpg.io_${n}.yaml`)),
  ...files('strimzi', `${GH}/strimzi/strimzi-kafka-operator/${STRIMZI.version}/packaging/install/cluster-operator`, [
    '040-Crd-kafka.yaml',
    '041-Crd-kafkaconnect.yaml',
    '042-Crd-strimzipodset.yaml',
    '043-Crd-kafkatopic.yaml',
    '044-Crd-kafkauser.yaml',
    '045-Crd-kafkanodepool.yaml',
    '046-Crd-kafkabridge.yaml',
    '047-Crd-kafkaconnector.yaml',
    '048-Crd-kafkamirrormaker2.yaml',
    '049-Crd-kafkarebalance.yaml',
  ]),
  ...files('gateway-api', `${GH}/kubernetes-sigs/gateway-api/${GATEWAY_API.version}/config/crd/standard`,
    ['backendtlspolicies', 'gatewayclasses', 'gateways', 'grpcroutes', 'httproutes', 'listenersets',
      'referencegrants', 'tcproutes', 'tlsroutes', 'udproutes']
      .map((n) => `gateway.networking.k8s.io_${n}.yaml`)),
  ...files('cilium', `${GH}/cilium/cilium/v${CILIUM.version}/pkg/k8s/apis/cilium.io/client/crds/v2`, [
    'ciliumclusterwidenetworkpolicies.yaml',
    'ciliumnetworkpolicies.yaml',
  ]),
];
