/**
 * Text rendering of a {@link ValidationReport}: one line per violation
 * (`file: apiVersion/kind name: $.json.path: message`), a per-kind summary table, CEL coverage and timings.
 */
import { relative } from 'node:path';
import { ValidationReport, Violation } from './model';

/** Renders one violation; `base` is the directory file names are shown relative to. */
export function formatViolation(v: Violation, base = process.cwd()): string {
  const file = relative(base, v.file) || v.file;
  const where = v.index > 0 ? `${file}#${v.index}` : file;
  const what = v.apiVersion || v.kind ? `${v.apiVersion}/${v.kind}` : '(no kind)';
  return `${where}: ${what} ${v.name || '(unnamed)'}: ${v.path}: ${v.message}`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: readonly string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Renders the whole report. */
export function formatReport(report: ValidationReport, options: { base?: string; verbose?: boolean } = {}): string {
  const out: string[] = [];
  for (const v of report.violations) out.push(formatViolation(v, options.base));
  if (report.violations.length > 0) out.push('');
  const rows = report.kinds.map((k) => [`${k.apiVersion}/${k.kind}`, String(k.objects), String(k.violations)]);
  const total = report.kinds.reduce((s, k) => s + k.objects, 0);
  rows.push(['total', String(total), String(report.violations.length)]);
  out.push(table(['kind', 'objects', 'violations'], rows));
  out.push('');
  const c = report.cel;
  out.push(`x-kubernetes-validations: ${c.evaluations} evaluations (${c.failures} failed); `
    + `${c.transitionRules.length} transition rules skipped (oldSelf: update only); ${c.unevaluable.length} rules not evaluable`);
  for (const u of c.unevaluable) out.push(`  not evaluable: ${u.schema} ${u.schemaPath}: ${u.rule} — ${u.reason}`);
  if (options.verbose) for (const u of c.transitionRules) out.push(`  transition rule: ${u.schema} ${u.schemaPath}: ${u.rule}`);
  if (report.notes.length > 0) {
    out.push(`notes (${report.notes.length}):`);
    for (const n of options.verbose ? report.notes : report.notes.slice(0, 20)) out.push(`  ${n}`);
    if (!options.verbose && report.notes.length > 20) out.push(`  … ${report.notes.length - 20} more (--verbose)`);
  }
  const t = report.timings;
  out.push(`timings: load ${t.loadMs.toFixed(0)} ms, compile ${t.compileMs.toFixed(0)} ms, validate ${t.validateMs.toFixed(0)} ms`);
  out.push(report.violations.length === 0
    ? `OK: ${report.documents} documents, no violations`
    : `FAILED: ${report.violations.length} violations in ${report.documents} documents`);
  return out.join('\n');
}
