/** Command-line options of `npm run bench`. */

/** Usage text. */
export const USAGE = `Usage: npm run bench -- [options]

  --runs <n>             runs per measurement, each in its own process (default 5)
  --reference-runs <n>   runs of the slow references: \`cdk8s synth\` (ts-node) on the default platform
                         and \`kubectl kustomize\` of one folder holding every workspace (default 3)
  --sizes <list>         workspace counts of the generated platforms (default 1,10,100,1000)
  --cdk8s-sizes <list>   generated sizes also synthesized through \`cdk8s synth\` + ts-node, one run
                         each, or "none" (default: every size)
  --quick                smoke run: --runs 1 --reference-runs 1 --sizes 1,10 --cdk8s-sizes none
                         (explicit options win)
  --json [file]          also write the results as JSON to <file>; without a file, print the JSON
                         on stdout and the table on stderr
  --keep                 keep the temporary output directory
  --help                 this text
`;

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
  if (!/^\d+$/.test(value) || n < 1) throw new Error(`${flag} needs a positive integer, got "${value}"`);
  return n;
}

function sizeList(flag: string, value: string): number[] {
  if (flag === '--cdk8s-sizes' && value === 'none') return [];
  const sizes = value.split(',').map((v) => positiveInt(flag, v.trim()));
  if (new Set(sizes).size !== sizes.length) throw new Error(`${flag} lists a size twice: ${value}`);
  return [...sizes].sort((a, b) => a - b);
}

/** Parses the arguments after `npm run bench --`. Throws with a readable message on bad input. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const set: { runs?: number; referenceRuns?: number; sizes?: number[]; cdk8sSizes?: number[] } = {};
  let json: string | undefined;
  let keep = false;
  let quick = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--runs': set.runs = positiveInt(flag, value()); break;
      case '--reference-runs': set.referenceRuns = positiveInt(flag, value()); break;
      case '--sizes': set.sizes = sizeList(flag, value()); break;
      case '--cdk8s-sizes': set.cdk8sSizes = sizeList(flag, value()); break;
      case '--json': {
        const next = argv[i + 1];
        json = next !== undefined && !next.startsWith('--') ? argv[++i] : '-';
        break;
      }
      case '--keep': keep = true; break;
      case '--quick': quick = true; break;
      case '--help': case '-h': help = true; break;
      default: throw new Error(`unknown option ${flag}\n\n${USAGE}`);
    }
  }
  const sizes = set.sizes ?? (quick ? [1, 10] : DEFAULT_SIZES);
  const cdk8sSizes = set.cdk8sSizes ?? (quick ? [] : sizes);
  const outside = cdk8sSizes.filter((s) => !sizes.includes(s));
  if (outside.length) throw new Error(`--cdk8s-sizes ${outside.join(',')} not among --sizes ${sizes.join(',')}`);
  return {
    runs: set.runs ?? (quick ? 1 : 5),
    referenceRuns: set.referenceRuns ?? (quick ? 1 : 3),
    sizes,
    cdk8sSizes,
    json,
    keep,
    quick,
    help,
  };
}
