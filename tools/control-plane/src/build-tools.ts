/**
 * `npm run tools`: builds, once, the real components the control-plane suite (`npm run test:cluster`) runs,
 * from the Go module proxy, at the versions pinned in `lib/shared/versions.ts`:
 *
 * - `kube-apiserver` and `kube-controller-manager` (k8s.io/kubernetes, through a wrapper module that maps
 *   each staging module to its published `v0.<minor>.<patch>` release, the list read from upstream go.mod);
 * - `etcd` (go.etcd.io/etcd/server/v3 at the release that Kubernetes version ships with);
 * - the KRO controller (`cmd/controller`) and the Kyverno CLI (`cmd/cli/kubectl-kyverno`, through a wrapper
 *   module that restates Kyverno's `replace` directives);
 * - the real Cilium CRDs, copied from the pinned github.com/cilium/cilium module.
 * - Flux's source-controller and kustomize-controller (each module's root `main`; recorded replaces in
 *   `recorded-replaces.ts`).
 *
 * Only when named (`npm run tools -- cilium cilium-helm cilium-runtime-rootfs`, see `CILIUM_NODE_TOOLS`; `npm run
 * test:e2e` names them): the e2e node's Cilium agent, CNI plugin and tools (with the module's `bpf/` sources and
 * chart), Helm to render that chart, and the agent image's Debian root filesystem with clang.
 *
 * Each lands in `<cache>/<tool>-<version>/` (see `tools/control-plane/src/tool-cache.ts`) and is skipped once there.
 * Usage: `npm run tools -- [--rebuild] [tool…]` (or `node build/tools/control-plane/src/build-tools.js …`; `--help` lists the tools).
 * A failed build does not stop the others; the script exits non-zero and says what failed, how long it ran
 * and how much memory it used.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { $, ProcessOutput } from 'zx';
import { CILIUM, CLOUDNATIVE_PG, COREDNS, E2E_CILIUM_RUNTIME, E2E_HELM, E2E_POSTGRESQL, E2E_VALKEY, KRO, KUBERNETES, KYVERNO, LOCAL_PATH_PROVISIONER } from '../../../lib/shared/versions';
import { CommandSpec, HELP_OPTION, parseCommandLine, parseOrExit, UsageError } from '@mini-atlas/cli-common/command-line';
import { GoModFile, GoReplace, isLocalReplace, parseGoMod, renderWrapperGoMod } from './go-mod';
import { RECORDED_REPLACES } from './recorded-replaces';
import {
  BuildRecord, BuildStep, cacheRoot, COMPLETE_MARKER, goCacheDirs, readBuildRecord, TOOL_VERSIONS, toolDir, ToolName,
} from './tool-cache';

const TIME = '/usr/bin/time';
const HEARTBEAT_MS = 60_000;

/** One binary of a Go tool. */
interface GoBinary {
  /** Import path of the main package. */
  readonly pkg: string;
  /** Output file name (the binary is renamed to it when it differs from the package's last path element). */
  readonly out: string;
}

/** What every kind of tool may say about when it is built. */
interface ToolSpecBase {
  readonly tool: ToolName;
  /**
   * Built only when named on the command line (`npm run tools -- <tool>`), never by a bare `npm run tools`: the
   * reason is printed by `--help`. For tools that only an optional suite needs.
   */
  readonly onlyWhenNamed?: string;
}

/** How to build a tool from a Go module. */
interface GoToolSpec extends ToolSpecBase {
  readonly kind: 'go';
  /** Upstream module path and version. */
  readonly module: string;
  readonly version: string;
  readonly binaries: readonly GoBinary[];
  /** `-X` linker assignments stamping the version. */
  readonly stamp: readonly string[];
  /** The wrapper's replacements, from the upstream go.mod. */
  readonly replaces: (upstream: GoModFile) => GoReplace[];
  /** Go files written into the wrapper module (a `main` package of its own), by file name. */
  readonly wrapperFiles?: Readonly<Record<string, string>>;
  /** Build tags (`go build -tags`). */
  readonly tags?: readonly string[];
  /**
   * Files and directories (whole) of the module copied into the tool directory (same relative path), minus
   * `exclude` (relative paths inside the module).
   */
  readonly copy?: { readonly paths: readonly string[]; readonly exclude: readonly string[] };
}

/** How to take files out of a Go module. */
interface ModuleFilesSpec extends ToolSpecBase {
  readonly kind: 'module-files';
  readonly module: string;
  readonly version: string;
  /** Directories inside the module whose `*.yaml` files are copied (to the same relative path). */
  readonly dirs: readonly string[];
}

/**
 * How to make a Debian root filesystem for one package (needs root): `debootstrap --variant=minbase` of `suite`,
 * the package on it, the package's version written to `package-version` (the image's tag), the layer as
 * `rootfs.tar`; the e2e node reads both through `debianRootfs` (`tool-cache.ts`).
 */
interface DebootstrapSpec extends ToolSpecBase {
  readonly kind: 'debootstrap';
  /** The base suite (`bookworm`). */
  readonly suite: string;
  /** The package installed on the minimal base; its version is written to `package-version`. */
  readonly package: string;
  /**
   * The suite `package` comes from when it is not the base suite (e.g. `bookworm-backports`): then the base is
   * bootstrapped alone and apt, in a chroot of it, installs the package from that suite (`apt-get install -t`;
   * its dependencies from wherever apt's default priorities take them). Absent: `debootstrap --include`.
   */
  readonly packageSuite?: string;
  /** More packages installed beside `package` (base suite only; the version recorded is `package`'s). */
  readonly extraPackages?: readonly string[];
  readonly mirror: string;
  /**
   * A system user the package creates, moved to this uid and gid (the image's user); `dropGroup` names a base
   * group holding that gid, removed from the image. Absent: the image runs as root.
   */
  readonly user?: { readonly name: string; readonly id: number; readonly dropGroup?: string };
  /** Paths removed from the root filesystem before it is packed (relative). */
  readonly prune: readonly string[];
}

type ToolSpec = GoToolSpec | ModuleFilesSpec | DebootstrapSpec;

/** Restates the upstream module-version replacements; a local one is handed to `onLocal`. */
function restate(upstream: GoModFile, onLocal: (r: GoReplace) => GoReplace | undefined): GoReplace[] {
  return upstream.replaces.flatMap((r) => {
    if (!isLocalReplace(r)) return [r];
    const mapped = onLocal(r);
    return mapped ? [mapped] : [];
  });
}

const noLocalReplace = (module: string) => (r: GoReplace): never => {
  throw new Error(`${module} replaces ${r.path} with the local directory ${r.newPath}; a wrapper module cannot restate that`);
};

const kubernetesMinor = /^v1\.(\d+)\.(\d+)$/.exec(KUBERNETES.version);
if (!kubernetesMinor) throw new Error(`KUBERNETES.version ${KUBERNETES.version} is not v1.<minor>.<patch>`);
/** Staging modules (k8s.io/api, …) are published as v0.<minor>.<patch> alongside k8s.io/kubernetes v1.<minor>.<patch>. */
const STAGING_VERSION = `v0.${kubernetesMinor[1]}.${kubernetesMinor[2]}`;

/**
 * CoreDNS's `main` with a plugin list of our own (instead of the full `core/plugin` set): the plugins of
 * the cluster DNS — `errors`, `health`, `ready`, `kubernetes`, `cache`, `loadbalance` — in CoreDNS's
 * execution order, and no `forward` (no query leaves the machine).
 */
const COREDNS_PLUGINS = ['errors', 'health', 'ready', 'kubernetes', 'cache', 'loadbalance'] as const;
const COREDNS_MAIN = `// Code generated by mini-atlas tools/control-plane/src/build-tools.ts. DO NOT EDIT.
package main

import (
\t"github.com/coredns/coredns/core/dnsserver"
\t"github.com/coredns/coredns/coremain"
${COREDNS_PLUGINS.map((p) => `\t_ "github.com/coredns/coredns/plugin/${p}"`).join('\n')}
)

func init() {
\tdnsserver.Directives = []string{${COREDNS_PLUGINS.map((p) => `"${p}"`).join(', ')}}
}

func main() { coremain.Run() }
`;

/**
 * Flux's source-controller and kustomize-controller (`main.go` at each module's root, built as upstream's
 * Dockerfile does, with no version stamp: upstream sets none). Each points its `/api` submodule at the local
 * directory; the submodule is published at the version required, so that replacement is dropped. Recorded
 * deviations (appended to every tool's replacements): {@link RECORDED_REPLACES}.
 */
const FLUX_CONTROLLER_SPECS: readonly GoToolSpec[] = (['source-controller', 'kustomize-controller'] as const).map((tool) => ({
  kind: 'go',
  tool,
  module: `github.com/fluxcd/${tool}`,
  version: TOOL_VERSIONS[tool],
  binaries: [{ pkg: `github.com/fluxcd/${tool}`, out: tool }],
  stamp: [],
  replaces: (up: GoModFile) => restate(up, () => undefined),
}));

/**
 * Cilium's binaries, as its `images/cilium` Dockerfile puts them into the agent image (`make build-container`:
 * the agent, `cilium-dbg` for the chart's `config` and `clean-cilium-state` init containers, the health responder
 * the agent starts in its health endpoint, `cilium-mount` and `cilium-sysctlfix` for the `mount-cgroup` and
 * `apply-sysctl-overwrites` init containers, the CNI plugin), in one `go build` (shared packages compile once),
 * with upstream's tag `osusergo` (`Makefile.defs`); and `cilium-operator-generic` (`operator/`, with the tag
 * `ipam_provider_operator` of its Makefile, which only the operator's IPAM files carry), through the recorded
 * replace of sigs.k8s.io/mcs-api/controllers (`recorded-replaces.ts`).
 * The module's BPF sources (what the agent compiles at runtime; upstream's `make install-bpf` copies `bpf/` but
 * its tests, complexity tests, `custom/` and Makefiles to `/var/lib/cilium/bpf`), its chart and the init containers'
 * scripts are copied beside.
 */
const CILIUM_SPEC: GoToolSpec = {
  kind: 'go',
  tool: 'cilium',
  module: 'github.com/cilium/cilium',
  version: `v${CILIUM.version}`,
  binaries: [
    { pkg: 'github.com/cilium/cilium/daemon', out: 'cilium-agent' },
    { pkg: 'github.com/cilium/cilium/plugins/cilium-cni', out: 'cilium-cni' },
    { pkg: 'github.com/cilium/cilium/cilium-dbg', out: 'cilium-dbg' },
    { pkg: 'github.com/cilium/cilium/cilium-health/responder', out: 'cilium-health-responder' },
    { pkg: 'github.com/cilium/cilium/tools/mount', out: 'cilium-mount' },
    { pkg: 'github.com/cilium/cilium/tools/sysctlfix', out: 'cilium-sysctlfix' },
    { pkg: 'github.com/cilium/cilium/operator', out: 'cilium-operator-generic' },
  ],
  stamp: [`github.com/cilium/cilium/pkg/version.ciliumVersion=${CILIUM.version}`],
  tags: ['osusergo', 'ipam_provider_operator'],
  replaces: (up) => restate(up, noLocalReplace(up.module)),
  copy: {
    // The chart's init containers run the three scripts (upstream's Dockerfile copies them to the image root).
    paths: ['bpf', 'install/kubernetes/cilium', 'images/cilium/init-container.sh', 'plugins/cilium-cni/install-plugin.sh', 'plugins/cilium-cni/cni-uninstall.sh'],
    exclude: ['bpf/tests', 'bpf/complexity-tests', 'bpf/custom', 'bpf/Makefile', 'bpf/Makefile.bpf', 'bpf/.gitignore'],
  },
  onlyWhenNamed: 'the e2e node; npm run test:e2e names it',
};

const SPECS: readonly ToolSpec[] = [
  {
    kind: 'go',
    tool: 'kubernetes',
    module: 'k8s.io/kubernetes',
    version: KUBERNETES.version,
    binaries: [
      { pkg: 'k8s.io/kubernetes/cmd/kube-apiserver', out: 'kube-apiserver' },
      { pkg: 'k8s.io/kubernetes/cmd/kube-controller-manager', out: 'kube-controller-manager' },
      // The node of the e2e suite (`npm run test:e2e`).
      { pkg: 'k8s.io/kubernetes/cmd/kubelet', out: 'kubelet' },
      { pkg: 'k8s.io/kubernetes/cmd/kube-scheduler', out: 'kube-scheduler' },
    ],
    stamp: [
      `k8s.io/component-base/version.gitVersion=${KUBERNETES.version}`,
      'k8s.io/component-base/version.gitMajor=1',
      `k8s.io/component-base/version.gitMinor=${kubernetesMinor[1]}`,
      'k8s.io/component-base/version.gitTreeState=clean',
    ],
    // Every staging module (`k8s.io/x => ./staging/src/k8s.io/x`) maps to its published release.
    replaces: (up) => restate(up, (r) => {
      if (r.newPath !== `./staging/src/${r.path}`) return noLocalReplace(up.module)(r);
      return { path: r.path, newPath: r.path, newVersion: STAGING_VERSION };
    }),
  },
  {
    kind: 'go',
    tool: 'etcd',
    module: 'go.etcd.io/etcd/server/v3',
    version: TOOL_VERSIONS.etcd,
    binaries: [{ pkg: 'go.etcd.io/etcd/server/v3', out: 'etcd' }],
    stamp: [],
    // The server module points its sibling modules (api, client, pkg) at the repository's directories and
    // fences off forbidden ones; the siblings are published at the same version and required at it, so the
    // local replacements are simply dropped.
    replaces: (up) => restate(up, () => undefined),
  },
  {
    kind: 'go',
    tool: 'kro',
    module: 'github.com/kubernetes-sigs/kro',
    version: KRO.version,
    binaries: [{ pkg: 'github.com/kubernetes-sigs/kro/cmd/controller', out: 'kro-controller' }],
    stamp: [`sigs.k8s.io/release-utils/version.gitVersion=${KRO.version}`],
    replaces: (up) => restate(up, noLocalReplace(up.module)),
  },
  {
    kind: 'go',
    tool: 'kyverno',
    module: 'github.com/kyverno/kyverno',
    version: KYVERNO.version,
    binaries: [
      { pkg: 'github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno', out: 'kubectl-kyverno' },
      // The admission controller (the e2e suite's webhooks) and the background controller (its generate rules).
      { pkg: 'github.com/kyverno/kyverno/cmd/kyverno', out: 'kyverno' },
      { pkg: 'github.com/kyverno/kyverno/cmd/background-controller', out: 'background-controller' },
    ],
    stamp: [`github.com/kyverno/kyverno/pkg/version.BuildVersion=${KYVERNO.version}`],
    replaces: (up) => restate(up, noLocalReplace(up.module)),
  },
  {
    kind: 'go',
    tool: 'coredns',
    module: 'github.com/coredns/coredns',
    version: COREDNS.version,
    // The wrapper's own main package: CoreDNS with only the plugins the cluster DNS of the e2e node uses.
    binaries: [{ pkg: 'mini-atlas.local/tools/coredns', out: 'coredns' }],
    stamp: [],
    replaces: (up) => restate(up, noLocalReplace(up.module)),
    wrapperFiles: { 'main.go': COREDNS_MAIN },
  },
  {
    kind: 'go',
    tool: 'local-path-provisioner',
    module: 'github.com/rancher/local-path-provisioner',
    version: LOCAL_PATH_PROVISIONER.version,
    binaries: [{ pkg: 'github.com/rancher/local-path-provisioner', out: 'local-path-provisioner' }],
    stamp: [`main.VERSION=${LOCAL_PATH_PROVISIONER.version}`],
    replaces: (up) => restate(up, noLocalReplace(up.module)),
  },
  {
    kind: 'go',
    tool: 'cloudnative-pg',
    module: 'github.com/cloudnative-pg/cloudnative-pg',
    version: CLOUDNATIVE_PG.version,
    // The operator of the e2e suite; the same binary is copied into each instance pod as its instance manager.
    binaries: [{ pkg: 'github.com/cloudnative-pg/cloudnative-pg/cmd/manager', out: 'manager' }],
    stamp: [`github.com/cloudnative-pg/cloudnative-pg/pkg/versions.buildVersion=${CLOUDNATIVE_PG.version.replace(/^v/, '')}`],
    replaces: (up) => restate(up, noLocalReplace(up.module)),
  },
  {
    kind: 'module-files',
    tool: 'cloudnative-pg-config',
    module: 'github.com/cloudnative-pg/cloudnative-pg',
    version: CLOUDNATIVE_PG.version,
    // The operator's RBAC and webhook configurations (what the chart templates from), read by the e2e suite.
    dirs: ['config/rbac', 'config/webhook'],
  },
  {
    kind: 'debootstrap',
    tool: 'postgresql-rootfs',
    suite: E2E_POSTGRESQL.debianSuite,
    package: E2E_POSTGRESQL.package,
    mirror: 'http://deb.debian.org/debian',
    // CloudNativePG runs PostgreSQL as uid/gid 26 (its images' postgres user); initdb needs a passwd entry for it.
    // Debian's base gives gid 26 to `tape` (no tape devices in an image): that group is dropped.
    user: { name: 'postgres', id: 26, dropGroup: 'tape' },
    // The package's default cluster (CloudNativePG runs initdb itself), apt's lists and caches, docs.
    prune: ['var/lib/postgresql/15/main', 'etc/postgresql', 'var/lib/apt/lists', 'var/cache/apt', 'usr/share/doc', 'usr/share/man', 'usr/share/locale'],
  },
  {
    kind: 'debootstrap',
    tool: 'valkey-rootfs',
    suite: E2E_VALKEY.debianSuite,
    package: E2E_VALKEY.package,
    packageSuite: E2E_VALKEY.packageSuite,
    mirror: 'http://deb.debian.org/debian',
    // The platform's Valkey pod runs as uid/gid 999, the `valkey` user of the upstream image; the package's
    // `valkey` system user (and its files) move there.
    user: { name: 'valkey', id: 999 },
    // apt's lists and caches, docs (the package's `/etc/valkey` stays: the pod passes its settings as arguments).
    prune: ['var/lib/apt/lists', 'var/cache/apt', 'usr/share/doc', 'usr/share/man', 'usr/share/locale'],
  },
  {
    kind: 'module-files',
    tool: 'cilium-crds',
    module: 'github.com/cilium/cilium',
    version: `v${CILIUM.version}`,
    dirs: ['pkg/k8s/apis/cilium.io/client/crds/v2', 'pkg/k8s/apis/cilium.io/client/crds/v2alpha1'],
  },
  ...FLUX_CONTROLLER_SPECS,
  CILIUM_SPEC,
  {
    kind: 'go',
    tool: 'cilium-helm',
    module: E2E_HELM.module,
    version: E2E_HELM.version,
    binaries: [{ pkg: `${E2E_HELM.module}/cmd/helm`, out: 'helm' }],
    // Helm's Makefile stamps internal/version.version the same way.
    stamp: [`${E2E_HELM.module}/internal/version.version=${E2E_HELM.version}`],
    replaces: (up) => restate(up, noLocalReplace(up.module)),
    onlyWhenNamed: 'the e2e node; npm run test:e2e names it',
  },
  {
    kind: 'debootstrap',
    tool: 'cilium-runtime-rootfs',
    suite: E2E_CILIUM_RUNTIME.debianSuite,
    package: E2E_CILIUM_RUNTIME.package,
    extraPackages: E2E_CILIUM_RUNTIME.extraPackages,
    mirror: 'http://deb.debian.org/debian',
    // The agent's datapath loader runs `clang` by that name (pkg/datapath/loader/compile.go); bookworm names it
    // clang-19 (its unversioned `clang` is 14): the image's PATH puts /usr/lib/llvm-19/bin first.
    prune: ['var/lib/apt/lists', 'var/cache/apt', 'usr/share/doc', 'usr/share/man', 'usr/share/locale'],
    onlyWhenNamed: 'the e2e node; npm run test:e2e names it',
  },
];

/** Environment of every `go` invocation. */
function goEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...goCacheDirs(),
    // -mod=mod lets the wrapper resolve its requirements; -modcacherw keeps the module cache deletable. The
    // caller's GOFLAGS (e.g. `-p=1` on a shared machine) come after.
    GOFLAGS: ['-mod=mod -modcacherw -buildvcs=false', process.env.GOFLAGS].filter(Boolean).join(' '),
    GOWORK: 'off',
    CGO_ENABLED: '0',
  };
}

/** Result of `go mod download -json`. */
interface ModuleDownload {
  readonly Dir: string;
  readonly GoMod: string;
  readonly Error?: string;
}

async function downloadModule(module: string, version: string, scratch: string): Promise<ModuleDownload> {
  const out = await $({ cwd: scratch, env: goEnv(), quiet: true })`go mod download -json ${`${module}@${version}`}`;
  const info = JSON.parse(out.stdout) as ModuleDownload;
  if (info.Error) throw new Error(`go mod download ${module}@${version}: ${info.Error}`);
  return info;
}

/** Runs a command under `/usr/bin/time -v` (when present), timing it and reading its peak RSS. */
async function timed(name: string, cwd: string, cmd: readonly string[]): Promise<BuildStep> {
  const useTime = existsSync(TIME);
  const argv = useTime ? [TIME, '-v', ...cmd] : [...cmd];
  const started = Date.now();
  const beat = setInterval(() => {
    console.log(`[tools]   … ${name} still running (${Math.round((Date.now() - started) / 1000)} s)`);
  }, HEARTBEAT_MS);
  let output: ProcessOutput;
  try {
    output = await $({ cwd, env: goEnv(), quiet: true, nothrow: true })`${argv}`;
  } finally {
    clearInterval(beat);
  }
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(output.stderr);
  const step: BuildStep = { name, seconds, ...(rss ? { peakRssKiB: Number(rss[1]) } : {}) };
  if (output.exitCode !== 0) {
    // Drop the download chatter and /usr/bin/time's report; keep the compiler's last words.
    const tail = output.stderr.split('\n').filter((l) => !l.startsWith('go: downloading') && !l.startsWith('\t'))
      .slice(-40).join('\n');
    throw Object.assign(new Error(`${name} failed (exit ${output.exitCode}) after ${seconds} s${rss ? `, peak RSS ${mib(Number(rss[1]))}` : ''}:\n${tail}`), { step });
  }
  return step;
}

function mib(kib: number): string {
  return `${Math.round(kib / 1024)} MiB`;
}

async function buildGoTool(spec: GoToolSpec, staging: string, scratch: string): Promise<BuildStep[]> {
  const upstream = await downloadModule(spec.module, spec.version, scratch);
  const upstreamMod = parseGoMod(readFileSync(upstream.GoMod, 'utf8'));
  const wrapper = join(scratch, 'wrapper');
  mkdirSync(wrapper, { recursive: true });
  for (const [file, text] of Object.entries(spec.wrapperFiles ?? {})) writeFileSync(join(wrapper, file), text);
  writeFileSync(join(wrapper, 'go.mod'), renderWrapperGoMod({
    module: `mini-atlas.local/tools/${spec.tool}`,
    go: upstreamMod.go ?? '1.22',
    require: { path: spec.module, version: spec.version },
    replaces: withRecorded(spec.tool, spec.replaces(upstreamMod)),
  }));
  const ldflags = ['-s', '-w', ...spec.stamp.map((s) => `-X ${s}`)].join(' ');
  // One `go build` for every binary of the tool: the packages they share are compiled once, and with `-o`
  // naming a directory each main package lands there under the last element of its import path.
  // (renamed to `out` afterwards).
  const single = spec.binaries.length === 1;
  const last = (b: GoBinary): string => b.pkg.split('/').pop()!;
  const clash = spec.binaries.filter((b, i) => spec.binaries.findIndex((o) => last(o) === last(b)) !== i);
  if (!single && clash.length > 0) throw new Error(`${spec.tool}: main packages must end in distinct path elements (${clash.map((b) => b.pkg).join(', ')})`);
  const names = spec.binaries.map((b) => b.out).join(', ');
  console.log(`[tools]   go build ${spec.binaries.map((b) => b.pkg).join(' ')}`);
  const tags = spec.tags && spec.tags.length > 0 ? [`-tags=${spec.tags.join(',')}`] : [];
  const step = await timed(`go build ${names}`, wrapper,
    ['go', 'build', '-trimpath', ...tags, `-ldflags=${ldflags}`, '-o', single ? join(staging, spec.binaries[0]!.out) : `${staging}/`, ...spec.binaries.map((b) => b.pkg)]);
  if (!single) for (const b of spec.binaries) if (last(b) !== b.out) renameSync(join(staging, last(b)), join(staging, b.out));
  console.log(`[tools]   built ${names} in ${step.seconds} s${step.peakRssKiB ? `, peak RSS ${mib(step.peakRssKiB)}` : ''}`);
  const steps: BuildStep[] = [step];
  for (const dir of spec.copy?.paths ?? []) {
    const excluded = new Set((spec.copy?.exclude ?? []).map((e) => join(upstream.Dir, e)));
    cpSync(join(upstream.Dir, dir), join(staging, dir), { recursive: true, filter: (src) => !excluded.has(src) });
  }
  return steps;
}

/** A tool's replacements with its recorded ones ({@link RECORDED_REPLACES}) appended; a path replaced twice is an error. */
function withRecorded(tool: ToolName, replaces: readonly GoReplace[]): GoReplace[] {
  const recorded = (RECORDED_REPLACES[tool] ?? []).map((r) => r.replace);
  const twice = recorded.filter((r) => replaces.some((u) => u.path === r.path));
  if (twice.length > 0) throw new Error(`${tool}: recorded replacement of ${twice.map((r) => r.path).join(', ')} duplicates one of upstream's go.mod`);
  return [...replaces, ...recorded];
}

async function copyModuleFiles(spec: ModuleFilesSpec, staging: string, scratch: string): Promise<BuildStep[]> {
  const started = Date.now();
  const mod = await downloadModule(spec.module, spec.version, scratch);
  for (const dir of spec.dirs) {
    const source = join(mod.Dir, dir);
    const files = readdirSync(source).filter((f) => f.endsWith('.yaml'));
    if (files.length === 0) throw new Error(`${spec.module}@${spec.version}: no YAML files in ${dir}`);
    const target = join(staging, dir.split('/').pop()!);
    mkdirSync(target, { recursive: true });
    for (const f of files) copyFileSync(join(source, f), join(target, f));
  }
  return [{ name: `go mod download ${spec.module}`, seconds: Math.round((Date.now() - started) / 100) / 10 }];
}

/** A passwd/group line of `name` with its id fields set to `id` (the entry `drop` removed); returns the old id. */
function moveId(file: string, name: string, id: number, fields: readonly number[], drop?: string): number {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => drop === undefined || l.split(':')[0] !== drop);
  let old = -1;
  const out = lines.map((l) => {
    const f = l.split(':');
    if (f[0] !== name) return l;
    old = Number(f[2]);
    for (const i of fields) f[i] = String(id);
    return f.join(':');
  });
  if (old < 0) throw new Error(`${file} has no entry ${name}`);
  if (lines.some((l) => l.split(':')[2] === String(id) && l.split(':')[0] !== name)) throw new Error(`${file}: id ${id} is taken`);
  writeFileSync(file, out.join('\n'));
  return old;
}

/**
 * Installs `spec.package` from `spec.packageSuite` into the bootstrapped `rootfs` with the root filesystem's own
 * apt, in a chroot: that suite added to its sources, and a `policy-rc.d` that forbids starting services
 * (invoke-rc.d's interface: exit 101, "action forbidden by policy") while the package's maintainer scripts run,
 * removed afterwards.
 */
async function aptInstallFromSuite(spec: DebootstrapSpec & { readonly packageSuite: string }, rootfs: string, scratch: string): Promise<BuildStep[]> {
  writeFileSync(join(rootfs, 'etc/apt/sources.list.d', `${spec.packageSuite}.list`), `deb ${spec.mirror} ${spec.packageSuite} main\n`);
  const policy = join(rootfs, 'usr/sbin/policy-rc.d');
  writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  const apt = ['chroot', rootfs, '/usr/bin/env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-q', '-y'];
  try {
    console.log(`[tools]   apt-get install -t ${spec.packageSuite} ${spec.package} (chroot)`);
    return [
      await timed(`apt-get update (${spec.packageSuite})`, scratch, [...apt, 'update']),
      await timed(`apt-get install ${spec.package}`, scratch, [...apt, 'install', '--no-install-recommends', '-t', spec.packageSuite, spec.package]),
    ];
  } finally {
    rmSync(policy, { force: true });
  }
}

/** Moves a system user of the root filesystem (and its files) to `user.id` (see {@link DebootstrapSpec.user}). */
async function moveUser(rootfs: string, user: NonNullable<DebootstrapSpec['user']>): Promise<void> {
  const oldUid = moveId(join(rootfs, 'etc/passwd'), user.name, user.id, [2, 3]);
  const oldGid = moveId(join(rootfs, 'etc/group'), user.name, user.id, [2], user.dropGroup);
  const gshadow = join(rootfs, 'etc/gshadow');
  if (user.dropGroup && existsSync(gshadow)) {
    writeFileSync(gshadow, readFileSync(gshadow, 'utf8').split('\n').filter((l) => l.split(':')[0] !== user.dropGroup).join('\n'));
  }
  await $({ quiet: true })`find ${rootfs} -xdev -uid ${oldUid} -exec chown -h ${user.id} {} +`;
  await $({ quiet: true })`find ${rootfs} -xdev -gid ${oldGid} -exec chgrp -h ${user.id} {} +`;
}

async function debootstrap(spec: DebootstrapSpec, staging: string, scratch: string): Promise<BuildStep[]> {
  if (process.getuid?.() !== 0) throw new Error('debootstrap needs root');
  const rootfs = join(scratch, 'rootfs');
  const include = spec.packageSuite ? [] : [`--include=${[spec.package, ...(spec.extraPackages ?? [])].join(',')}`];
  console.log(`[tools]   debootstrap --variant=minbase ${include.join(' ')} ${spec.suite}`);
  const steps: BuildStep[] = [];
  try {
    steps.push(await timed(`debootstrap ${spec.suite}${spec.packageSuite ? '' : ` ${spec.package}`}`, scratch,
      ['debootstrap', '--variant=minbase', ...include, spec.suite, rootfs, spec.mirror]));
    if (spec.packageSuite) steps.push(...await aptInstallFromSuite({ ...spec, packageSuite: spec.packageSuite }, rootfs, scratch));
  } finally {
    // A failed debootstrap can leave the chroot's proc and sys mounted: unmount them before anything is removed.
    const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '')
      .filter((m) => m.startsWith(`${rootfs}/`)).reverse();
    for (const m of mounts) await $({ quiet: true, nothrow: true })`umount -l ${m}`;
  }
  if (spec.user) await moveUser(rootfs, spec.user);
  for (const p of spec.prune) rmSync(join(rootfs, p), { recursive: true, force: true });
  const status = readFileSync(join(rootfs, 'var/lib/dpkg/status'), 'utf8');
  const entry = status.split('\n\n').find((e) => e.startsWith(`Package: ${spec.package}\n`));
  const version = entry ? /^Version: (.+)$/m.exec(entry)?.[1] : undefined;
  if (!version) throw new Error(`${spec.package} is not installed in the root filesystem`);
  writeFileSync(join(staging, 'package-version'), `${version}\n`);
  await $({ quiet: true })`tar --sort=name --numeric-owner --mtime=@0 --format=gnu --exclude=./dev/* --exclude=./proc/* --exclude=./sys/* -C ${rootfs} -cf ${join(staging, 'rootfs.tar')} .`;
  const seconds = Math.round(steps.reduce((t, s) => t + s.seconds, 0) * 10) / 10;
  const peak = Math.max(0, ...steps.map((s) => s.peakRssKiB ?? 0));
  console.log(`[tools]   ${spec.package} ${version} in ${seconds} s${peak > 0 ? `, peak RSS ${mib(peak)}` : ''}`);
  return steps;
}

function outputsOf(dir: string, base = ''): string[] {
  return readdirSync(join(dir, base), { withFileTypes: true }).flatMap((e) => {
    const rel = base ? `${base}/${e.name}` : e.name;
    return e.isDirectory() ? outputsOf(dir, rel) : [rel];
  });
}

/** Outcome of one tool, for the summary. */
interface Outcome {
  readonly tool: ToolName;
  readonly status: 'cached' | 'built' | 'failed';
  readonly seconds: number;
  readonly peakRssKiB?: number;
  readonly error?: string;
}

async function buildTool(spec: ToolSpec, goVersion: string, rebuild: boolean): Promise<Outcome> {
  const version = TOOL_VERSIONS[spec.tool];
  const record = readBuildRecord(spec.tool);
  // A record from before a binary joined the spec does not count.
  const cached = record && (spec.kind !== 'go' || spec.binaries.every((b) => record.outputs.includes(b.out))) ? record : undefined;
  if (cached && !rebuild) {
    console.log(`[tools] ${spec.tool} ${version}: cached in ${toolDir(spec.tool)} (built in ${cached.seconds} s)`);
    return { tool: spec.tool, status: 'cached', seconds: 0 };
  }
  console.log(`[tools] ${spec.tool} ${version}: building from ${spec.kind === 'debootstrap' ? `Debian ${spec.suite}` : `${spec.module}@${spec.version}`}`);
  const started = Date.now();
  const target = toolDir(spec.tool);
  const staging = `${target}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  mkdirSync(join(cacheRoot(), 'work'), { recursive: true });
  const scratch = mkdtempSync(join(cacheRoot(), 'work', `${spec.tool}-`));
  try {
    const steps = spec.kind === 'go' ? await buildGoTool(spec, staging, scratch)
      : spec.kind === 'debootstrap' ? await debootstrap(spec, staging, scratch)
        : await copyModuleFiles(spec, staging, scratch);
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const rss = steps.map((s) => s.peakRssKiB ?? 0);
    const peak = Math.max(0, ...rss);
    const record: BuildRecord = {
      tool: spec.tool,
      version,
      outputs: outputsOf(staging),
      seconds,
      ...(peak > 0 ? { peakRssKiB: peak } : {}),
      steps,
      goVersion,
      builtAt: new Date().toISOString(),
    };
    writeFileSync(join(staging, COMPLETE_MARKER), `${JSON.stringify(record, null, 2)}\n`);
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
    console.log(`[tools] ${spec.tool} ${version}: done in ${seconds} s${peak > 0 ? `, peak RSS ${mib(peak)}` : ''}`);
    return { tool: spec.tool, status: 'built', seconds, ...(peak > 0 ? { peakRssKiB: peak } : {}) };
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const step = (e as { step?: BuildStep }).step;
    const error = e instanceof Error ? e.message : String(e);
    console.error(`[tools] ${spec.tool} ${version}: FAILED after ${seconds} s\n${error}`);
    return { tool: spec.tool, status: 'failed', seconds, ...(step?.peakRssKiB ? { peakRssKiB: step.peakRssKiB } : {}), error };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The tools command line. */
export const TOOLS_COMMAND = {
  name: 'tools',
  usage: 'npm run tools -- [--rebuild] [tool…]',
  summary: `Builds the tools of the control-plane suite into the cache, skipping those already there. Tools: ${SPECS.map((s) => s.tool).join(', ')} (default: all but ${SPECS.filter((s) => s.onlyWhenNamed).map((s) => `${s.tool} (${s.onlyWhenNamed})`).join(', ')}, built only when named; ${SPECS.filter((s) => s.kind === 'debootstrap' && !s.onlyWhenNamed).map((s) => s.tool).join(', ')} only as root with debootstrap installed).`,
  options: {
    rebuild: { type: 'boolean', help: 'build again even when cached' },
    help: HELP_OPTION,
  },
  positionals: { label: 'tool…', max: Infinity },
} as const satisfies CommandSpec;

/** Parsed options of `npm run tools`. */
export interface ToolsOptions {
  readonly rebuild: boolean;
  /** The tools named, in the order given; empty means all. */
  readonly only: readonly ToolName[];
  readonly help: boolean;
}

/** Parses the arguments after `npm run tools --`. Throws a `UsageError` for a bad command line or an unknown tool. */
export function parseToolsArgs(argv: readonly string[]): ToolsOptions {
  const { values, positionals } = parseCommandLine(TOOLS_COMMAND, argv);
  const known = SPECS.map((s) => s.tool);
  const unknown = positionals.filter((t) => !(known as readonly string[]).includes(t));
  if (unknown.length > 0) throw new UsageError(`unknown tool(s) ${unknown.join(', ')}`, `known: ${known.join(', ')}`);
  return { rebuild: values.rebuild, only: positionals as ToolName[], help: values.help };
}

/**
 * The tools a run builds, in build order: those named, else every tool not built only when named
 * ({@link ToolSpecBase.onlyWhenNamed}: the Cilium node's) — Debian root filesystems only when `canDebootstrap`.
 */
export function selectTools(only: readonly ToolName[], canDebootstrap: boolean): ToolName[] {
  return SPECS.filter((s) => (only.length === 0
    ? !s.onlyWhenNamed && (canDebootstrap || s.kind !== 'debootstrap')
    : only.includes(s.tool))).map((s) => s.tool);
}

async function main(): Promise<void> {
  const { rebuild, only } = parseOrExit(TOOLS_COMMAND, () => parseToolsArgs(process.argv.slice(2)));
  // A root filesystem needs root and Debian's debootstrap (.ci/run installs it before the e2e suite): without
  // them it is built only when named (and then fails, saying why); the e2e node says it is missing.
  const canDebootstrap = process.getuid?.() === 0 && existsSync('/usr/sbin/debootstrap');
  const selected = selectTools(only, canDebootstrap).map((t) => SPECS.find((s) => s.tool === t)!);

  const goVersion = (await $({ env: goEnv(), quiet: true })`go version`).stdout.trim();
  console.log(`[tools] cache ${cacheRoot()} · ${goVersion}`);
  const started = Date.now();
  const outcomes: Outcome[] = [];
  for (const spec of selected) outcomes.push(await buildTool(spec, goVersion, rebuild));

  console.log('[tools] summary:');
  for (const o of outcomes) {
    console.log(`[tools]   ${o.tool.padEnd(12)} ${TOOL_VERSIONS[o.tool].padEnd(9)} ${o.status.padEnd(7)}` +
      `${o.status === 'cached' ? '' : ` ${o.seconds} s`}${o.peakRssKiB ? ` peak RSS ${mib(o.peakRssKiB)}` : ''}`);
  }
  console.log(`[tools] total ${Math.round((Date.now() - started) / 1000)} s`);
  const failed = outcomes.filter((o) => o.status === 'failed');
  if (failed.length > 0) {
    throw new Error(`failed to build: ${failed.map((f) => f.tool).join(', ')}`);
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`[tools] ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
