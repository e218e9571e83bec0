/**
 * The one place where Mini-Atlas pins versions.
 *
 * Every chart, image, CRD source, Kind node image and tool build reads its version from here.
 * The values follow `../shared/crds/VERSIONS.md` (component pins as of August 2026).
 */

/** A Helm chart pinned to an exact version, with the repository it is pulled from. */
export interface PinnedChart {
  /** Chart name inside the repository. */
  readonly chart: string;
  /** Exact chart version (never a range). */
  readonly version: string;
  /** `https://` Helm repository or `oci://` chart URL. */
  readonly repository: string;
}

/**
 * Kubernetes: 1.35 is the one minor every component supports
 * (CloudNativePG 1.30: 1.34–1.36; Kyverno 1.19: up to 1.35; Flux 2.9: >= 1.33; Strimzi 1.2: >= 1.30).
 * The Kind node image, the envtest-style control plane and the kube-apiserver build all use it.
 */
export const KUBERNETES = {
  /** Version of kube-apiserver built for the control-plane tests and of the Kind node. */
  version: 'v1.35.0',
  /** Kind node image, pinned by digest (published with the kind v0.31 release notes for v1.35.0). */
  kindNodeImage: 'kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f',
  /**
   * The built-in API schema used for offline validation. cdk8s publishes no v1.35 schema next to the
   * v1.36.0 one in `../shared/crds`; every built-in kind Mini-Atlas emits is a GA API whose fields are
   * the same in 1.35 and 1.36, and `npm run test:cluster` validates against the real 1.35 API server.
   */
  schemaVersion: 'v1.36.0',
} as const;

/**
 * etcd server release that Kubernetes 1.35.0 ships and tests with: kubeadm's `DefaultEtcdVersion` (3.6.6-0),
 * `hack/lib/etcd.sh` and `build/dependencies.yaml` in k8s.io/kubernetes v1.35.0 (its go.mod pins only the
 * etcd client libraries, at v3.6.5).
 */
export const ETCD = { version: 'v3.6.6' } as const;

/**
 * CoreDNS release that Kubernetes 1.35.0 ships with (kubeadm's `CoreDNSVersion` in k8s.io/kubernetes
 * v1.35.0); the e2e node (`npm run test:e2e`) builds it from its module and runs it as the cluster DNS pod.
 */
export const COREDNS = { version: 'v1.13.1' } as const;

/**
 * local-path-provisioner, the provisioner (`rancher.io/local-path`) of the platform's `retained` StorageClass
 * (Kind ships it); the e2e node builds it from its module (v0.0.30 is the newest release the Go module proxy
 * lists) and runs it as a pod so PVCs bind.
 */
export const LOCAL_PATH_PROVISIONER = { version: 'v0.0.30' } as const;

/**
 * PostgreSQL of the e2e node's CloudNativePG clusters: Debian's package from the suite's main archive
 * (debootstrap), since no registry serves {@link CLOUDNATIVE_PG}'s `postgresImage`. The image is tagged with the
 * package version debootstrap really installed (bookworm: 15.x), a deviation from that pin the README lists.
 */
export const E2E_POSTGRESQL = { debianSuite: 'bookworm', package: 'postgresql-15' } as const;

/**
 * Valkey of the e2e node's caches: Debian's `valkey-server` (which brings `valkey-tools`: the server binary and
 * `valkey-cli`), since no registry serves {@link VALKEY}'s image. bookworm's main archive has no Valkey; its
 * backports suite has 8.0.x, installed with apt on a bookworm base. The image is tagged with the package version
 * apt really installed, a deviation from that pin the README lists.
 */
export const E2E_VALKEY = { debianSuite: 'bookworm', package: 'valkey-server', packageSuite: 'bookworm-backports' } as const;

/**
 * Helm built from its Go module for the Cilium e2e node (`npm run tools -- cilium-helm`): it renders the Cilium
 * chart (from the pinned Cilium module, `install/kubernetes/cilium`) with the platform's HelmRelease values.
 * v3.20.2: the first 3.x release built against the Kubernetes 1.35 client that the Go module proxy lists
 * (`go list -m -versions helm.sh/helm/v3` lists no v3.20.0); see {@link CLUSTER_PREREQUISITES}`.helm`.
 */
export const E2E_HELM = { module: 'helm.sh/helm/v3', version: 'v3.20.2' } as const;

/**
 * The Cilium agent image of the e2e node: Debian's packages the agent runs at runtime (the datapath loader
 * compiles its BPF programs with `clang` when endpoints are created: `pkg/datapath/loader/compile.go`), on a
 * debootstrap minimal base. Upstream's runtime image (images/runtime) ships clang 19.1.7 and iproute2/iptables/
 * ipset/kmod from Ubuntu; bookworm's `clang-19` is the same LLVM release.
 */
export const E2E_CILIUM_RUNTIME = {
  debianSuite: 'bookworm',
  package: 'clang-19',
  extraPackages: ['iproute2', 'iptables', 'ipset', 'kmod', 'ca-certificates'],
} as const;

/** Kind CLI used by `npm run cluster:up`. */
export const KIND = { version: 'v0.32.0' } as const;

/** Flux bundle and its controllers. */
export const FLUX = {
  version: 'v2.9.4',
  sourceController: 'v1.9.4',
  kustomizeController: 'v1.9.4',
  helmController: 'v1.6.3',
} as const;

/** Cilium CNI, with Gateway API support. */
export const CILIUM = {
  version: '1.20.0',
  chart: { chart: 'cilium', version: '1.20.0', repository: 'https://helm.cilium.io/' } satisfies PinnedChart,
} as const;

/** Gateway API standard channel (CRDs installed before Cilium). */
export const GATEWAY_API = { version: 'v1.6.1' } as const;

/** KRO (Kube Resource Orchestrator). */
export const KRO = {
  version: 'v0.9.3',
  chart: { chart: 'kro', version: '0.9.3', repository: 'oci://registry.k8s.io/kro/charts/kro' } satisfies PinnedChart,
} as const;

/**
 * metrics-server: the resource metrics API (`metrics.k8s.io`) the HorizontalPodAutoscalers of WebApplications
 * read CPU from. Chart 3.13.1 ships v0.8.1 (kubernetes-sigs/metrics-server release notes,
 * "metrics-server-helm-chart-3.13.1"); it installs no CRDs (an APIService only).
 */
export const METRICS_SERVER = {
  version: 'v0.8.1',
  chart: { chart: 'metrics-server', version: '3.13.1', repository: 'https://kubernetes-sigs.github.io/metrics-server/' } satisfies PinnedChart,
} as const;

/** Kyverno policy engine. */
export const KYVERNO = {
  version: 'v1.19.0',
  chart: { chart: 'kyverno', version: '3.9.0', repository: 'https://kyverno.github.io/kyverno/' } satisfies PinnedChart,
} as const;

/** CloudNativePG operator and the PostgreSQL image its clusters run. */
export const CLOUDNATIVE_PG = {
  version: 'v1.30.0',
  chart: {
    chart: 'cloudnative-pg',
    version: '0.29.0',
    repository: 'https://cloudnative-pg.github.io/charts',
  } satisfies PinnedChart,
  postgresImage: 'ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie',
} as const;

/** Strimzi operator and the Kafka version of the shared KRaft cluster. */
export const STRIMZI = {
  version: '1.2.0',
  chart: {
    chart: 'strimzi-kafka-operator',
    version: '1.2.0',
    repository: 'oci://quay.io/strimzi-helm/strimzi-kafka-operator',
  } satisfies PinnedChart,
  kafkaVersion: '4.3.1',
  kafkaMetadataVersion: '4.3-IV0',
} as const;

/** The cache image an Infrastructure instance runs (Valkey, the BSD-licensed Redis fork). */
export const VALKEY = { image: 'docker.io/valkey/valkey:8.1.1' } as const;

/**
 * Host tools that `npm run cluster:up` checks before it creates anything, with the oldest accepted version.
 * `minimums` lists the oldest accepted release of each major version line, oldest line first: a version
 * passes when it is at least the entry of its own major (a major newer than every entry passes; an older
 * one fails).
 */
export const CLUSTER_PREREQUISITES = {
  docker: {
    minimums: ['v20.10.0'],
    why: 'Docker Engine 20.10 is the first with cgroup v2 support; Kubernetes 1.35 kubelets need a cgroup v2 host',
    install: 'https://docs.docker.com/engine/install/',
  },
  kind: {
    minimums: ['v0.31.0'],
    why: 'the pinned node image (KUBERNETES.kindNodeImage) is the default image of kind v0.31.0',
    install: 'https://kind.sigs.k8s.io/docs/user/quick-start/#installation',
  },
  kubectl: {
    minimums: ['v1.34.0'],
    why: 'kubectl supports one minor version of skew with the v1.35 API server',
    install: 'https://kubernetes.io/docs/tasks/tools/#kubectl',
  },
  helm: {
    minimums: ['v3.20.0', 'v4.1.0'],
    why: 'Helm 3.20 and 4.1 are the first releases built against the Kubernetes 1.35 client (k8s.io/client-go v0.35.0)',
    install: 'https://helm.sh/docs/intro/install/',
  },
  flux: {
    minimums: ['v2.9.0'],
    why: 'the Flux CLI must be of the same minor release as the installed bundle (FLUX.version)',
    install: 'https://fluxcd.io/flux/installation/#install-the-flux-cli',
  },
  openssl: {
    // `openssl version` prints "OpenSSL 3.0.19 …" or, on macOS, "LibreSSL 3.3.6"; both lines are covered.
    minimums: ['v1.1.1', 'v3.0.0'],
    why: '`openssl req -addext` (the local CA of the Gateway certificate) came with OpenSSL 1.1.1 and LibreSSL 3.1',
    install: 'https://openssl-library.org/source/',
  },
} as const;
