/** Statistics of the benchmark's repeated runs: medians, spreads and per-workspace cost. */

/** One measured run. */
export interface Sample {
  /** Wall time of the whole process, ms. */
  readonly wallMs: number;
  /** Peak resident set size, KiB (largest process of the run's process tree), when known. */
  readonly maxRssKiB?: number;
  /** Objects the run produced (written by a synth, or emitted by a kustomize build), when known. */
  readonly objects?: number;
  /** Time spent building the construct tree, ms (synth of a generated platform only). */
  readonly buildMs?: number;
  /** Time spent in `writeDist`, ms (synth of a generated platform only). */
  readonly writeMs?: number;
}

/** Medians (and the wall-time spread) of several runs of one measurement. */
export interface Summary {
  /** Successful runs. */
  readonly runs: number;
  readonly wallMs: number;
  readonly minWallMs: number;
  readonly maxWallMs: number;
  readonly maxRssKiB?: number;
  readonly objects?: number;
  /** Objects per second of wall time (median objects / median wall). */
  readonly objectsPerSecond?: number;
  readonly buildMs?: number;
  readonly writeMs?: number;
}

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list');
  if (values.some((v) => !Number.isFinite(v))) throw new RangeError(`median of non-finite values: ${values.join(', ')}`);
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median of the defined values, or undefined when no sample has one. */
function medianOf(samples: readonly Sample[], pick: (s: Sample) => number | undefined): number | undefined {
  const values = samples.map(pick).filter((v): v is number => v !== undefined);
  return values.length ? median(values) : undefined;
}

/** Summarises the successful runs of one measurement; undefined when none succeeded. */
export function summarize(samples: readonly Sample[]): Summary | undefined {
  if (samples.length === 0) return undefined;
  const walls = samples.map((s) => s.wallMs);
  const wallMs = median(walls);
  const objects = medianOf(samples, (s) => s.objects);
  return {
    runs: samples.length,
    wallMs,
    minWallMs: Math.min(...walls),
    maxWallMs: Math.max(...walls),
    maxRssKiB: medianOf(samples, (s) => s.maxRssKiB),
    objects,
    objectsPerSecond: objects !== undefined && wallMs > 0 ? objects / (wallMs / 1000) : undefined,
    buildMs: medianOf(samples, (s) => s.buildMs),
    writeMs: medianOf(samples, (s) => s.writeMs),
  };
}

/** Wall time per workspace, ms: total wall divided by the workspace count. */
export function perWorkspaceMs(wallMs: number, workspaces: number): number {
  if (workspaces <= 0) throw new RangeError('per-workspace time needs at least one workspace');
  return wallMs / workspaces;
}

/**
 * Marginal wall time per workspace, ms: the cost of the workspaces beyond a smaller baseline platform,
 * `(wall(n) - wall(base)) / (n - base)`. Unlike {@link perWorkspaceMs} it excludes the fixed cost (node
 * start-up, Core and Foundation layers), which would otherwise flatter small platforms' scaling.
 */
export function marginalPerWorkspaceMs(wallMs: number, workspaces: number, baseWallMs: number, baseWorkspaces: number): number {
  if (workspaces <= baseWorkspaces) throw new RangeError(`marginal cost needs more workspaces than the baseline (${workspaces} <= ${baseWorkspaces})`);
  return (wallMs - baseWallMs) / (workspaces - baseWorkspaces);
}

/** Evenly spread 1-based indexes (at most `count`, distinct) over 1..n, first and last included. */
export function spreadIndexes(n: number, count: number): number[] {
  if (n < 1 || count < 1) return [];
  if (count === 1) return [1];
  const out = new Set<number>();
  for (let k = 0; k < count; k++) out.add(1 + Math.round((k * (n - 1)) / (count - 1)));
  return [...out];
}
