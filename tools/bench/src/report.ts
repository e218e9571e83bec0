/**
 * The benchmark's results: their shape (also the `--json` output), the derived ratios, the targets of
 * issue 8, and the printed report.
 */
import { marginalPerWorkspaceMs, perWorkspaceMs, Sample, summarize, Summary } from './stats';

/** Several runs of one command. */
export interface Measurement {
  /** What was measured (one line, e.g. the command). */
  readonly command: string;
  /** Successful runs, in order. */
  readonly samples: readonly Sample[];
  /** Medians of the samples; undefined when no run succeeded. */
  readonly summary?: Summary;
}

/** Builds a {@link Measurement} from its samples. */
export function measurement(command: string, samples: readonly Sample[]): Measurement {
  return { command, samples, summary: summarize(samples) };
}

/** Measurements of one generated platform. */
export interface SizeResult {
  readonly workspaces: number;
  /**
   * The fast path: compiled JavaScript on plain node, re-synthesizing over the previous output (what an
   * everyday `npm run synth` does: the change guard reads the previous output, the old tree is replaced).
   */
  readonly synth: Measurement;
  /** The same into an empty output directory (first synth: nothing to read back or delete). */
  readonly synthFresh: Measurement;
  /** `kubectl kustomize` of one folder whose kustomization.yaml lists every workspace's object files. */
  readonly kustomizeCombinedFiles: Measurement;
  /** `kubectl kustomize` of one folder whose kustomization.yaml lists every workspace folder. */
  readonly kustomizeCombinedDirs: Measurement;
  /** `kubectl kustomize` of one workspace path (the real layout: one Flux Kustomization each). */
  readonly kustomizePerPath: Measurement;
  /** `cdk8s synth` with the app run through ts-node, when measured at this size. */
  readonly cdk8s?: Measurement;
}

/** The machine and tools. */
export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly kubectl?: string;
  readonly kustomize?: string;
  /** Peak RSS is measured with GNU time (else: unknown for the references). */
  readonly gnuTime: boolean;
}

/** Derived ratios. */
export interface Ratios {
  /** `cdk8s synth` (ts-node) wall / `npm run synth` wall, default platform. */
  readonly cdk8sOverNpmRunSynth?: number;
  /** `cdk8s synth` (ts-node) wall / `node scripts/synth.cjs` wall, default platform. */
  readonly cdk8sOverNodeSynth?: number;
  /** Per generated size: wall per workspace and the marginal cost per workspace above the smallest size. */
  readonly perWorkspace: readonly { readonly workspaces: number; readonly perWorkspaceMs: number; readonly marginalPerWorkspaceMs?: number }[];
  /** Wall per workspace at N=1000 / at N=100. */
  readonly perWorkspace1000Over100?: number;
  /** Marginal wall per workspace at N=1000 / at N=100 (both above the smallest size). */
  readonly marginalPerWorkspace1000Over100?: number;
  /** Per generated size: one folder with every workspace / one workspace path, `kubectl kustomize` wall. */
  readonly kustomizeCombinedOverPerPath: readonly { readonly workspaces: number; readonly files?: number; readonly dirs?: number }[];
  /** Per generated size with a cdk8s run: cdk8s synth wall / fast synth wall. */
  readonly cdk8sOverFastSynth: readonly { readonly workspaces: number; readonly ratio: number }[];
}

/** A target of issue 8 and whether it was met. */
export interface TargetResult {
  readonly name: string;
  /** The measured value, or undefined when not measured in this run. */
  readonly value?: number;
  readonly limit: number;
  readonly unit: string;
  /** `max`: value must be ≤ limit; `min`: value must be ≥ limit. */
  readonly kind: 'max' | 'min';
  readonly status: 'PASS' | 'MISS' | 'NOT MEASURED';
}

/** Everything one `npm run bench` produced. */
export interface BenchResult {
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: MachineInfo;
  /** 1, 5 and 15 minute load averages at the start and the end. */
  readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
  readonly options: { readonly runs: number; readonly referenceRuns: number; readonly sizes: readonly number[]; readonly cdk8sSizes: readonly number[] };
  readonly defaultPlatform: { readonly nodeSynth: Measurement; readonly npmRunSynth: Measurement; readonly cdk8sSynth: Measurement };
  /** `kubectl kustomize` of an empty folder: the process start-up included in every kustomize figure. */
  readonly kustomizeStartup: Measurement;
  readonly sizes: readonly SizeResult[];
  readonly ratios: Ratios;
  readonly targets: readonly TargetResult[];
  /** Failed runs (non-zero exit, wrong object count, output differing from the fast path). */
  readonly failures: readonly string[];
}

const wall = (m: Measurement | undefined): number | undefined => m?.summary?.wallMs;
const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a !== undefined && b !== undefined && b > 0 ? a / b : undefined;

/** The ratios of a run. */
export function computeRatios(defaultPlatform: BenchResult['defaultPlatform'], sizes: readonly SizeResult[]): Ratios {
  const measured = sizes.filter((s) => s.synth.summary && s.workspaces > 0);
  const base = measured[0];
  const perWorkspace = measured.map((s) => ({
    workspaces: s.workspaces,
    perWorkspaceMs: perWorkspaceMs(s.synth.summary!.wallMs, s.workspaces),
    marginalPerWorkspaceMs: base && s.workspaces > base.workspaces
      ? marginalPerWorkspaceMs(s.synth.summary!.wallMs, s.workspaces, base.synth.summary!.wallMs, base.workspaces)
      : undefined,
  }));
  const at = (n: number) => perWorkspace.find((p) => p.workspaces === n);
  return {
    cdk8sOverNpmRunSynth: ratio(wall(defaultPlatform.cdk8sSynth), wall(defaultPlatform.npmRunSynth)),
    cdk8sOverNodeSynth: ratio(wall(defaultPlatform.cdk8sSynth), wall(defaultPlatform.nodeSynth)),
    perWorkspace,
    perWorkspace1000Over100: ratio(at(1000)?.perWorkspaceMs, at(100)?.perWorkspaceMs),
    marginalPerWorkspace1000Over100: ratio(at(1000)?.marginalPerWorkspaceMs, at(100)?.marginalPerWorkspaceMs),
    kustomizeCombinedOverPerPath: sizes.map((s) => ({
      workspaces: s.workspaces,
      files: ratio(wall(s.kustomizeCombinedFiles), wall(s.kustomizePerPath)),
      dirs: ratio(wall(s.kustomizeCombinedDirs), wall(s.kustomizePerPath)),
    })),
    cdk8sOverFastSynth: sizes.flatMap((s) => {
      const r = ratio(wall(s.cdk8s), wall(s.synth));
      return r === undefined ? [] : [{ workspaces: s.workspaces, ratio: r }];
    }),
  };
}

function target(name: string, value: number | undefined, kind: 'max' | 'min', limit: number, unit: string): TargetResult {
  const status = value === undefined ? 'NOT MEASURED' : (kind === 'max' ? value <= limit : value >= limit) ? 'PASS' : 'MISS';
  return { name, value, limit, unit, kind, status };
}

/** Peak RSS in MB (10^6 bytes) from KiB. */
export function kibToMB(kib: number): number {
  return (kib * 1024) / 1e6;
}

/**
 * The targets of issue 8. The scaling target is judged on the marginal cost per workspace (fixed start-up
 * and platform cost excluded), which is stricter than total wall / N.
 */
export function evaluateTargets(defaultPlatform: BenchResult['defaultPlatform'], sizes: readonly SizeResult[], ratios: Ratios): TargetResult[] {
  const n1000 = sizes.find((s) => s.workspaces === 1000)?.synth.summary;
  const rss = n1000?.maxRssKiB;
  return [
    target('default platform: `npm run synth` wall', wall(defaultPlatform.npmRunSynth), 'max', 1000, 'ms'),
    target('default platform: `cdk8s synth` (ts-node) / `npm run synth`', ratios.cdk8sOverNpmRunSynth, 'min', 5, '×'),
    target('N=1000: synth wall', n1000?.wallMs, 'max', 3000, 'ms'),
    target('N=1000: synth peak RSS', rss === undefined ? undefined : kibToMB(rss), 'max', 400, 'MB'),
    target('N=1000 vs N=100: marginal time per workspace', ratios.marginalPerWorkspace1000Over100, 'max', 1.5, '×'),
  ];
}

/** Fixed-point number: one decimal below 10, none above. */
export function formatNumber(v: number | undefined): string {
  if (v === undefined) return '–';
  return Math.abs(v) < 10 ? v.toFixed(1) : v.toFixed(0);
}

/** `12.3×` */
export function formatRatio(v: number | undefined): string {
  return v === undefined ? '–' : `${v.toFixed(v < 10 ? 2 : 1)}×`;
}

/** A plain-text table: first column left-aligned, the others right-aligned. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function wallCell(m: Measurement | undefined): string {
  const s = m?.summary;
  if (!s) return m ? 'failed' : '–';
  return s.runs > 1 ? `${formatNumber(s.wallMs)} (${formatNumber(s.minWallMs)}–${formatNumber(s.maxWallMs)})` : formatNumber(s.wallMs);
}

function rssCell(m: Measurement | undefined): string {
  const kib = m?.summary?.maxRssKiB;
  return kib === undefined ? '–' : formatNumber(kibToMB(kib));
}

const loads = (l: readonly number[]): string => l.map((x) => x.toFixed(2)).join(' ');

/** The printed report. */
export function renderReport(r: BenchResult): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`Mini-Atlas synth benchmark, ${r.startedAt} (${r.durationSeconds.toFixed(0)} s)`);
  out.push(`machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB.toFixed(0)} GiB; node ${m.node}; kubectl ${m.kubectl ?? 'not found'} (kustomize ${m.kustomize ?? '?'})`);
  out.push(`load average (1/5/15 min): start ${loads(r.loadAverage.start)}, end ${loads(r.loadAverage.end)}`);
  out.push(`medians of ${r.options.runs} run${r.options.runs === 1 ? '' : 's'} (cdk8s: ${r.options.referenceRuns} on the default platform, 1 per generated size), each run a separate process;`);
  out.push(`wall = whole process, ms (min–max); peak RSS = largest process of the run, MB${m.gnuTime ? '' : ' (GNU time missing: only the fast path reports RSS)'}`);
  out.push('');

  const d = r.defaultPlatform;
  out.push('Default platform (main.ts: Core, Foundation, team-a)');
  out.push(renderTable(
    ['command', 'runs', 'wall ms', 'peak RSS MB', 'objects', 'objects/s'],
    [d.nodeSynth, d.npmRunSynth, d.cdk8sSynth].map((x) => [
      x.command, String(x.summary?.runs ?? 0), wallCell(x), rssCell(x), formatNumber(x.summary?.objects), formatNumber(x.summary?.objectsPerSecond),
    ]),
  ));
  out.push('');

  out.push('Generated platforms: N workspaces, each Workspace + WebApplication (wired to) Infrastructure + Topic');
  out.push('synth = node build/tools/bench/src/platform-app.js (compiled JS on plain node), re-synthesizing over the previous');
  out.push('output like an everyday `npm run synth` (build ms / writeDist ms: inside the process); into empty dir = first synth');
  out.push('kustomize one folder = `kubectl kustomize` of a single delivery folder listing every workspace (files | nested dirs);');
  out.push('kustomize per path = `kubectl kustomize dist/delivery/<workspace>` (one Flux Kustomization per workspace);');
  out.push(`kustomize figures include the kubectl process start-up: ${wallCell(r.kustomizeStartup)} ms for an empty folder;`);
  out.push(`one-folder builds: ${r.options.referenceRuns} run${r.options.referenceRuns === 1 ? '' : 's'} each`);
  const per = new Map(r.ratios.perWorkspace.map((p) => [p.workspaces, p]));
  out.push(renderTable(
    ['N', 'objects', 'synth wall ms', 'peak RSS MB', 'objects/s', 'ms/ws', 'marginal ms/ws', 'build ms', 'writeDist ms', 'into empty dir ms', 'kustomize one folder: files', 'nested dirs', 'kustomize per path', 'cdk8s+ts-node ms'],
    r.sizes.map((s) => [
      String(s.workspaces),
      formatNumber(s.synth.summary?.objects),
      wallCell(s.synth),
      rssCell(s.synth),
      formatNumber(s.synth.summary?.objectsPerSecond),
      per.get(s.workspaces)?.perWorkspaceMs.toFixed(2) ?? '–',
      per.get(s.workspaces)?.marginalPerWorkspaceMs?.toFixed(2) ?? '–',
      formatNumber(s.synth.summary?.buildMs),
      formatNumber(s.synth.summary?.writeMs),
      wallCell(s.synthFresh),
      wallCell(s.kustomizeCombinedFiles),
      wallCell(s.kustomizeCombinedDirs),
      wallCell(s.kustomizePerPath),
      wallCell(s.cdk8s),
    ]),
  ));
  out.push('');

  const q = r.ratios;
  out.push('Ratios');
  out.push(`  default platform, cdk8s synth (ts-node) / npm run synth:           ${formatRatio(q.cdk8sOverNpmRunSynth)}`);
  out.push(`  default platform, cdk8s synth (ts-node) / node scripts/synth.cjs:  ${formatRatio(q.cdk8sOverNodeSynth)}`);
  for (const c of q.cdk8sOverFastSynth) out.push(`  N=${c.workspaces}, cdk8s synth (ts-node) / fast synth:${' '.repeat(Math.max(1, 28 - String(c.workspaces).length))}${formatRatio(c.ratio)}`);
  out.push(`  time per workspace, N=1000 / N=100:           ${formatRatio(q.perWorkspace1000Over100)}`);
  out.push(`  marginal time per workspace, N=1000 / N=100:  ${formatRatio(q.marginalPerWorkspace1000Over100)}`);
  for (const k of q.kustomizeCombinedOverPerPath) {
    out.push(`  N=${k.workspaces}, kustomize one folder / one workspace path: files ${formatRatio(k.files)}, nested dirs ${formatRatio(k.dirs)}`);
  }
  out.push('');

  out.push('Targets (issue 8)');
  for (const t of r.targets) {
    const value = t.value === undefined ? 'not measured' : t.unit === '×' ? formatRatio(t.value) : `${formatNumber(t.value)} ${t.unit}`;
    const limit = t.unit === '×' ? formatRatio(t.limit) : `${t.limit} ${t.unit}`;
    out.push(`  ${t.status.padEnd(4)}  ${t.name}: ${value} (target ${t.kind === 'max' ? '≤' : '≥'} ${limit})`);
  }
  if (r.failures.length) {
    out.push('');
    out.push(`FAILED RUNS (${r.failures.length})`);
    for (const f of r.failures) out.push(`  ${f}`);
  }
  return out.join('\n');
}
