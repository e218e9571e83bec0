/** Durations on the command line (`90s`, `20m`, `1h30m`, `500ms`) and in progress output (`1m05s`). */

const PART = /(\d+)(ms|h|m|s)/g;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/**
 * Parses `1h`, `20m`, `90s`, `1m30s`, `500ms` or a bare number of seconds. Returns milliseconds, or
 * undefined when the text is not a positive duration.
 */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t) > 0 ? Number(t) * 1000 : undefined;
  if (!/^(\d+(ms|h|m|s))+$/.test(t)) return undefined;
  let ms = 0;
  for (const m of t.matchAll(PART)) ms += Number(m[1]) * UNIT_MS[m[2]];
  return ms > 0 ? ms : undefined;
}

/** `42s`, `3m07s`, `1h02m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Whole seconds (at least 1) for a `--timeout=<n>s` flag of kubectl/helm/flux. */
export function toSecondsFlag(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))}s`;
}
