/**
 * `npm run validate -- [DIR] [--repo-root DIR] [--verbose] [--json]`: the offline conformance suite.
 * Validates every YAML document under DIR (default `dist/`) against the pinned upstream schemas, runs the
 * RGD, Flux graph and hygiene checks, prints one line per violation and a summary, and exits non-zero on
 * any violation.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from './lib/schema-store';
import { formatReport, validateDirectory } from './validate/index';

function main(argv: readonly string[]): number {
  const args = [...argv];
  const flag = (name: string): boolean => {
    const i = args.indexOf(name);
    if (i >= 0) args.splice(i, 1);
    return i >= 0;
  };
  const option = (name: string): string | undefined => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const [, value] = args.splice(i, 2);
    return value;
  };
  if (flag('--help') || flag('-h')) {
    process.stdout.write('usage: npm run validate -- [DIR] [--repo-root DIR] [--verbose] [--json]\n');
    return 0;
  }
  const verbose = flag('--verbose');
  const json = flag('--json');
  const repoRoot = option('--repo-root');
  const unknown = args.filter((a) => a.startsWith('-'));
  if (unknown.length > 0 || args.length > 1) {
    process.stderr.write(`validate: unexpected arguments ${[...unknown, ...args.slice(1)].join(' ')}\n`);
    return 2;
  }
  const dir = resolve(args[0] ?? resolve(PROJECT_ROOT, 'dist'));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    process.stderr.write(`validate: ${dir} is not a directory (run npm run synth first?)\n`);
    return 2;
  }
  const report = validateDirectory(dir, { repoRoot });
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report, { verbose })}\n`);
  return report.violations.length === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
