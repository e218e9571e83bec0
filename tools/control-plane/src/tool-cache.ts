/**
 * Where the control-plane test tools live once built.
 *
 * `npm run tools` (tools/control-plane/src/build-tools.ts) builds each tool once from the Go module proxy into
 * `<cache>/<tool>-<version>/` and the control-plane suite reads them from there. The cache root is
 * `$MINI_ATLAS_CACHE_DIR`, else `~/.cache/mini-atlas`; the Go module and build caches sit under `<cache>/go/`
 * so that a warm re-run compiles nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CILIUM, CLOUDNATIVE_PG, COREDNS, E2E_CILIUM_RUNTIME, E2E_HELM, E2E_POSTGRESQL, E2E_VALKEY, ETCD, FLUX, KRO, KUBERNETES, KYVERNO, LOCAL_PATH_PROVISIONER } from '../../../lib/shared/versions';

/** The tools the control-plane suite needs. */
export type ToolName = 'kubernetes' | 'etcd' | 'kro' | 'kyverno' | 'cilium-crds' | 'coredns' | 'local-path-provisioner'
  | 'cloudnative-pg' | 'cloudnative-pg-config' | DebianRootfsTool | 'source-controller' | 'kustomize-controller'
  | 'cilium' | 'cilium-helm';

/** The tools that are a Debian root filesystem for one package (see {@link debianRootfs}). */
export type DebianRootfsTool = 'postgresql-rootfs' | 'valkey-rootfs' | 'cilium-runtime-rootfs';

/**
 * The tools of the e2e node's Cilium only: `npm run tools` builds them only when named (`npm run tools -- cilium …`,
 * as `npm run test:e2e` does), so the control-plane suite, which runs no node, never pays for them.
 */
export const CILIUM_NODE_TOOLS: readonly ToolName[] = ['cilium', 'cilium-helm', 'cilium-runtime-rootfs'];

/** Name of the file written into a tool directory once its build completed. */
export const COMPLETE_MARKER = '.complete.json';

/** One timed step of a build (a `go build` of one binary, a module download, …). */
export interface BuildStep {
  /** What the step did. */
  readonly name: string;
  /** Wall-clock seconds. */
  readonly seconds: number;
  /** Largest resident set size of any process of the step in KiB, when `/usr/bin/time` was available. */
  readonly peakRssKiB?: number;
}

/** What a completed build recorded about itself (the content of {@link COMPLETE_MARKER}). */
export interface BuildRecord {
  /** Tool name. */
  readonly tool: ToolName;
  /** Pinned version it was built at. */
  readonly version: string;
  /** Output file names (relative to the tool directory). */
  readonly outputs: readonly string[];
  /** Wall-clock seconds the build took. */
  readonly seconds: number;
  /** Largest resident set size of any build process in KiB, when `/usr/bin/time` was available. */
  readonly peakRssKiB?: number;
  /** The timed steps, in order. */
  readonly steps: readonly BuildStep[];
  /** `go version` output of the toolchain that built it. */
  readonly goVersion?: string;
  /** ISO timestamp of completion. */
  readonly builtAt: string;
}

/** The cache root: `$MINI_ATLAS_CACHE_DIR`, else `~/.cache/mini-atlas`. */
export function cacheRoot(): string {
  return process.env.MINI_ATLAS_CACHE_DIR ?? join(homedir(), '.cache', 'mini-atlas');
}

/** `GOMODCACHE` and `GOCACHE` used by the tool builds (kept in the cache root so warm runs are fast). */
export function goCacheDirs(): { readonly GOMODCACHE: string; readonly GOCACHE: string } {
  return { GOMODCACHE: join(cacheRoot(), 'go', 'mod'), GOCACHE: join(cacheRoot(), 'go', 'build') };
}

/** The pinned version of each tool, from `lib/shared/versions.ts`. */
export const TOOL_VERSIONS: Readonly<Record<ToolName, string>> = {
  kubernetes: KUBERNETES.version,
  etcd: ETCD.version,
  kro: KRO.version,
  kyverno: KYVERNO.version,
  'cilium-crds': `v${CILIUM.version}`,
  coredns: COREDNS.version,
  'local-path-provisioner': LOCAL_PATH_PROVISIONER.version,
  'cloudnative-pg': CLOUDNATIVE_PG.version,
  'cloudnative-pg-config': CLOUDNATIVE_PG.version,
  // Whatever the suite's archive holds: the package version is read from the result (`package-version`).
  'postgresql-rootfs': `${E2E_POSTGRESQL.package}-${E2E_POSTGRESQL.debianSuite}`,
  'valkey-rootfs': `${E2E_VALKEY.package}-${E2E_VALKEY.packageSuite}`,
  'source-controller': FLUX.sourceController,
  'kustomize-controller': FLUX.kustomizeController,
  cilium: `v${CILIUM.version}`,
  'cilium-helm': E2E_HELM.version,
  'cilium-runtime-rootfs': `${E2E_CILIUM_RUNTIME.package}-${E2E_CILIUM_RUNTIME.debianSuite}`,
};

/** The cache directory of one tool at its pinned version. */
export function toolDir(tool: ToolName): string {
  return join(cacheRoot(), `${tool}-${TOOL_VERSIONS[tool]}`);
}

/** The build record of a tool, or undefined when it has not been built (completely) yet. */
export function readBuildRecord(tool: ToolName): BuildRecord | undefined {
  const marker = join(toolDir(tool), COMPLETE_MARKER);
  if (!existsSync(marker)) return undefined;
  const record = JSON.parse(readFileSync(marker, 'utf8')) as BuildRecord;
  const complete = record.outputs.every((f) => existsSync(join(toolDir(tool), f)));
  return complete ? record : undefined;
}

/** Absolute paths of every tool the control-plane suite runs. */
export interface ToolPaths {
  /** `kube-apiserver` binary. */
  readonly kubeApiserver: string;
  /** `kube-controller-manager` binary (namespace deletion and garbage collection). */
  readonly kubeControllerManager: string;
  /** `kubelet` and `kube-scheduler` binaries (the e2e node). */
  readonly kubelet: string;
  readonly kubeScheduler: string;
  /** `etcd` binary. */
  readonly etcd: string;
  /** CoreDNS binary (the e2e node's cluster DNS). */
  readonly coredns: string;
  /** local-path-provisioner binary (the e2e node's storage provisioner). */
  readonly localPathProvisioner: string;
  /** CloudNativePG's manager (`cmd/manager`; the e2e suite's operator image, copied into instance pods). */
  readonly cnpgManager: string;
  /** Directory holding CloudNativePG's `config/rbac` and `config/webhook` YAML files from its module. */
  readonly cnpgConfig: string;
  /** KRO controller binary (`cmd/controller`). */
  readonly kroController: string;
  /** Kyverno CLI binary (`kubectl-kyverno`). */
  readonly kyverno: string;
  /** Kyverno's admission controller (`cmd/kyverno`; the e2e suite). */
  readonly kyvernoAdmission: string;
  /** Kyverno's background controller (`cmd/background-controller`; the e2e suite's generate rules). */
  readonly kyvernoBackground: string;
  /** Directory holding the real Cilium CRD YAML files (`v2/` and `v2alpha1/` below it). */
  readonly ciliumCrds: string;
}

/** The tools the control-plane suite needs (the e2e node needs `coredns` too). */
export const CONTROL_PLANE_TOOLS: readonly ToolName[] = ['kubernetes', 'etcd', 'kro', 'kyverno', 'cilium-crds'];

/** The tool paths; throws, naming what is missing, unless the `needed` tools (default: the control plane's) are built. */
export function toolPaths(needed: readonly ToolName[] = CONTROL_PLANE_TOOLS): ToolPaths {
  const missing = needed.filter((t) => !readBuildRecord(t));
  if (missing.length > 0) {
    throw new Error(`tools not built: ${missing.join(', ')} (under ${cacheRoot()}); run \`npm run tools\` first`);
  }
  return {
    kubeApiserver: join(toolDir('kubernetes'), 'kube-apiserver'),
    kubeControllerManager: join(toolDir('kubernetes'), 'kube-controller-manager'),
    kubelet: join(toolDir('kubernetes'), 'kubelet'),
    kubeScheduler: join(toolDir('kubernetes'), 'kube-scheduler'),
    etcd: join(toolDir('etcd'), 'etcd'),
    coredns: join(toolDir('coredns'), 'coredns'),
    localPathProvisioner: join(toolDir('local-path-provisioner'), 'local-path-provisioner'),
    cnpgManager: join(toolDir('cloudnative-pg'), 'manager'),
    cnpgConfig: toolDir('cloudnative-pg-config'),
    kroController: join(toolDir('kro'), 'kro-controller'),
    kyverno: join(toolDir('kyverno'), 'kubectl-kyverno'),
    kyvernoAdmission: join(toolDir('kyverno'), 'kyverno'),
    kyvernoBackground: join(toolDir('kyverno'), 'background-controller'),
    ciliumCrds: toolDir('cilium-crds'),
  };
}

/** A Debian root filesystem for one package, made by `npm run tools` (debootstrap, then apt when the package is from another suite). */
export interface DebianRootfs {
  /** The root filesystem as one layer tar (numeric owners, `/dev`, `/proc`, `/sys` empty). */
  readonly tar: string;
  /** The Debian version of the package it was made for, as installed (e.g. `15.18-0+deb12u1`, `8.0.1+dfsg1-1~bpo12+1`). */
  readonly packageVersion: string;
}

/** The root filesystem of a `debootstrap` tool; throws, naming it, unless it is built. */
export function debianRootfs(tool: DebianRootfsTool): DebianRootfs {
  toolPaths([tool]);
  return { tar: join(toolDir(tool), 'rootfs.tar'), packageVersion: readFileSync(join(toolDir(tool), 'package-version'), 'utf8').trim() };
}
