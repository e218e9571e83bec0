/** Command-line options of `npm run bench`. */
import { CommandSpec, HELP_OPTION, parseCommandLine, UsageError } from '@mini-atlas/cli-common/command-line';

/** The bench command line. */
export const BENCH_COMMAND = {
  name: 'bench',
  usage: 'npm run bench -- [options]',
  options: {
    runs: { type: 'string', value: '<n>', help: 'runs per measurement, each in its own process (default 5)' },
    'reference-runs': {
      type: 'string',
      value: '<n>',
      help: 'runs of the slow references: `cdk8s synth` (ts-node) on the default platform\nand `kubectl kustomize` of one folder holding every workspace (default 3)',
    },
    sizes: { type: 'string', value: '<list>', help: 'workspace counts of the generated platforms (default 1,10,100,1000)' },
    'cdk8s-sizes': {
      type: 'string',
      value: '<list>',
      help: 'generated sizes also synthesized through `cdk8s synth` + ts-node, one run\neach, or "none" (default: every size)',
    },
    quick: { type: 'boolean', help: 'smoke run: --runs 1 --reference-runs 1 --sizes 1,10 --cdk8s-sizes none\n(explicit options win)' },
    json: {
      type: 'string',
      value: '[file]',
      optionalValue: '-',
      help: 'also write the results as JSON to <file>; without a file, print the JSON\non stdout and the table on stderr',
    },
    keep: { type: 'boolean', help: 'keep the temporary output directory' },
    help: HELP_OPTION,
  },
} as const satisfies CommandSpec;

/** Parsed options. */
export interface BenchOptions {
  readonly runs: number;
  readonly referenceRuns: number;
  readonly sizes: readonly number[];
  readonly cdk8sSizes: readonly number[];
  /** Where the JSON goes: a file, stdout (`'-'`), or nowhere (undefined). */
  readonly json?: string;
  readonly keep: boolean;
  readonly quick: boolean;
  readonly help: boolean;
}

const DEFAULT_SIZES = [1, 10, 100, 1000];

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new UsageError(`${flag} needs a positive integer, got "${value}"`, `e.g. ${flag} 3`);
  return n;
}

function sizeList(flag: string, value: string): number[] {
  if (flag === '--cdk8s-sizes' && value === 'none') return [];
  const sizes = value.split(',').map((v) => positiveInt(flag, v.trim()));
  if (new Set(sizes).size !== sizes.length) throw new UsageError(`${flag} lists a size twice: ${value}`, 'list each size once');
  return [...sizes].sort((a, b) => a - b);
}

/** Parses the arguments after `npm run bench --`. Throws a `UsageError` with a readable message on bad input. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const { values } = parseCommandLine(BENCH_COMMAND, argv);
  const quick = values.quick;
  const runs = values.runs === undefined ? undefined : positiveInt('--runs', values.runs);
  const referenceRuns = values['reference-runs'] === undefined ? undefined : positiveInt('--reference-runs', values['reference-runs']);
  const sizes = values.sizes === undefined ? (quick ? [1, 10] : DEFAULT_SIZES) : sizeList('--sizes', values.sizes);
  const cdk8sSizes = values['cdk8s-sizes'] === undefined ? (quick ? [] : sizes) : sizeList('--cdk8s-sizes', values['cdk8s-sizes']);
  const outside = cdk8sSizes.filter((s) => !sizes.includes(s));
  if (outside.length) throw new UsageError(`--cdk8s-sizes ${outside.join(',')} not among --sizes ${sizes.join(',')}`, 'list a subset of --sizes, or "none"');
  return {
    runs: runs ?? (quick ? 1 : 5),
    referenceRuns: referenceRuns ?? (quick ? 1 : 3),
    sizes,
    cdk8sSizes,
    json: values.json,
    keep: values.keep,
    quick,
    help: values.help,
  };
}
