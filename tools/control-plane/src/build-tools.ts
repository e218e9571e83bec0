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
 *   `flux-replaces.ts`).
 *
 * Each lands in `<cache>/<tool>-<version>/` (see `tools/control-plane/src/tool-cache.ts`) and is skipped once there.
 * Usage: `npm run tools -- [--rebuild] [tool…]` (or `node build/tools/control-plane/src/build-tools.js …`; `--help` lists the tools).
 * A failed build does not stop the others; the script exits non-zero and says what failed, how long it ran
 * and how much memory it used.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { $, ProcessOutput } from 'zx';
import { CILIUM, KRO, KUBERNETES, KYVERNO } from 'mini-atlas';
import { CommandSpec, HELP_OPTION, parseCommandLine, parseOrExit, UsageError } from '@mini-atlas/cli-common/command-line';
import { GoModFile, GoReplace, isLocalReplace, parseGoMod, renderWrapperGoMod } from './go-mod';
import { FLUX_RECORDED_REPLACES } from './flux-replaces';
import {
  BuildRecord, BuildStep, cacheRoot, COMPLETE_MARKER, goCacheDirs, readBuildRecord, TOOL_VERSIONS, toolDir, ToolName,
} from './tool-cache';

const TIME = '/usr/bin/time';
const HEARTBEAT_MS = 60_000;

/** One binary of a Go tool. */
interface GoBinary {
  /** Import path of the main package. */
  readonly pkg: string;
  /** Output file name. */
  readonly out: string;
}

/** How to build a tool from a Go module. */
interface GoToolSpec {
  readonly kind: 'go';
  readonly tool: ToolName;
  /** Upstream module path and version. */
  readonly module: string;
  readonly version: string;
  readonly binaries: readonly GoBinary[];
  /** `-X` linker assignments stamping the version. */
  readonly stamp: readonly string[];
  /** The wrapper's replacements, from the upstream go.mod. */
  readonly replaces: (upstream: GoModFile) => GoReplace[];
}

/** How to take files out of a Go module. */
interface ModuleFilesSpec {
  readonly kind: 'module-files';
  readonly tool: ToolName;
  readonly module: string;
  readonly version: string;
  /** Directories inside the module whose `*.yaml` files are copied (to the same relative path). */
  readonly dirs: readonly string[];
}

type ToolSpec = GoToolSpec | ModuleFilesSpec;

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
 * Flux's source-controller and kustomize-controller (`main.go` at each module's root, built as upstream's
 * Dockerfile does, with no version stamp: upstream sets none). Each points its `/api` submodule at the local
 * directory; the submodule is published at the version required, so that replacement is dropped. Recorded
 * deviations: {@link FLUX_RECORDED_REPLACES}.
 */
const FLUX_CONTROLLER_SPECS: readonly GoToolSpec[] = (['source-controller', 'kustomize-controller'] as const).map((tool) => ({
  kind: 'go',
  tool,
  module: `github.com/fluxcd/${tool}`,
  version: TOOL_VERSIONS[tool],
  binaries: [{ pkg: `github.com/fluxcd/${tool}`, out: tool }],
  stamp: [],
  replaces: (up: GoModFile) => [...restate(up, () => undefined), ...(FLUX_RECORDED_REPLACES[tool] ?? []).map((r) => r.replace)],
}));

const SPECS: readonly ToolSpec[] = [
  {
    kind: 'go',
    tool: 'kubernetes',
    module: 'k8s.io/kubernetes',
    version: KUBERNETES.version,
    binaries: [
      { pkg: 'k8s.io/kubernetes/cmd/kube-apiserver', out: 'kube-apiserver' },
      { pkg: 'k8s.io/kubernetes/cmd/kube-controller-manager', out: 'kube-controller-manager' },
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
    binaries: [{ pkg: 'github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno', out: 'kubectl-kyverno' }],
    stamp: [`github.com/kyverno/kyverno/pkg/version.BuildVersion=${KYVERNO.version}`],
    replaces: (up) => restate(up, noLocalReplace(up.module)),
  },
  {
    kind: 'module-files',
    tool: 'cilium-crds',
    module: 'github.com/cilium/cilium',
    version: `v${CILIUM.version}`,
    dirs: ['pkg/k8s/apis/cilium.io/client/crds/v2', 'pkg/k8s/apis/cilium.io/client/crds/v2alpha1'],
  },
  ...FLUX_CONTROLLER_SPECS,
];

/** Environment of every `go` invocation. */
function goEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...goCacheDirs(),
    // -mod=mod lets the wrapper resolve its requirements; -modcacherw keeps the module cache deletable.
    GOFLAGS: '-mod=mod -modcacherw -buildvcs=false',
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
  writeFileSync(join(wrapper, 'go.mod'), renderWrapperGoMod({
    module: `mini-atlas.local/tools/${spec.tool}`,
    go: upstreamMod.go ?? '1.22',
    require: { path: spec.module, version: spec.version },
    replaces: spec.replaces(upstreamMod),
  }));
  const ldflags = ['-s', '-w', ...spec.stamp.map((s) => `-X ${s}`)].join(' ');
  const steps: BuildStep[] = [];
  for (const bin of spec.binaries) {
    console.log(`[tools]   go build ${bin.pkg}`);
    const step = await timed(`go build ${bin.out}`, wrapper,
      ['go', 'build', '-trimpath', `-ldflags=${ldflags}`, '-o', join(staging, bin.out), bin.pkg]);
    console.log(`[tools]   built ${bin.out} in ${step.seconds} s${step.peakRssKiB ? `, peak RSS ${mib(step.peakRssKiB)}` : ''}`);
    steps.push(step);
  }
  return steps;
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
  const cached = readBuildRecord(spec.tool);
  if (cached && !rebuild) {
    console.log(`[tools] ${spec.tool} ${version}: cached in ${toolDir(spec.tool)} (built in ${cached.seconds} s)`);
    return { tool: spec.tool, status: 'cached', seconds: 0 };
  }
  console.log(`[tools] ${spec.tool} ${version}: building from ${spec.module}@${spec.version}`);
  const started = Date.now();
  const target = toolDir(spec.tool);
  const staging = `${target}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  mkdirSync(join(cacheRoot(), 'work'), { recursive: true });
  const scratch = mkdtempSync(join(cacheRoot(), 'work', `${spec.tool}-`));
  try {
    const steps = spec.kind === 'go'
      ? await buildGoTool(spec, staging, scratch)
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
  summary: `Builds the tools of the control-plane suite into the cache, skipping those already there. Tools: ${SPECS.map((s) => s.tool).join(', ')} (default: all).`,
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

async function main(): Promise<void> {
  const { rebuild, only } = parseOrExit(TOOLS_COMMAND, () => parseToolsArgs(process.argv.slice(2)));
  const selected = SPECS.filter((s) => only.length === 0 || only.includes(s.tool));

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
