/**
 * The benchmark's app: synthesizes a generated platform into an output directory, exactly as `main.ts`
 * does for the default one (`buildPlatform` + `writeDist`). `npm run bench` runs it as compiled JavaScript
 * on plain node (the `npm run synth` path) and through `cdk8s synth` with ts-node (the reference), one
 * process per run.
 *
 *   node build/tools/bench/src/platform-app.js --workspaces <n> --out <dir>
 *
 * Prints one line `bench-result {json}` (see {@link AppReport}) on success; exits 1 on any error.
 */
import { resolve } from 'node:path';
import { writeDist } from 'mini-atlas';
import { CommandSpec, parseCommandLine, parseOrExit, UsageError } from '@mini-atlas/cli-common/command-line';
import { buildGeneratedPlatform } from './generated-platform';

/** Marker of the result line on stdout. */
export const RESULT_MARKER = 'bench-result ';

/** What one run of the app reports about itself. */
export interface AppReport {
  readonly workspaces: number;
  /** Objects written (one file each; kustomization.yaml files not counted). */
  readonly objects: number;
  /** Flux paths (folders) written. */
  readonly folders: number;
  /** Constructing the construct tree (`buildPlatform`). */
  readonly buildMs: number;
  /** Validating, rendering, checking the change guard and writing (`writeDist`). */
  readonly writeMs: number;
  /** Peak resident set size of this process, KiB (`process.resourceUsage().maxRSS`). */
  readonly maxRssKiB: number;
}

/** The app's command line (internal: `npm run bench` runs it). */
export const APP_COMMAND = {
  name: 'bench platform-app',
  usage: 'node build/tools/bench/src/platform-app.js --workspaces <n> --out <dir>',
  options: {
    workspaces: { type: 'string', value: '<n>', help: 'workspaces of the generated platform (required)' },
    out: { type: 'string', value: '<dir>', help: 'output directory (required)' },
  },
} as const satisfies CommandSpec;

/** Parses `--workspaces <n> --out <dir>`. Throws a `UsageError` on bad input. */
export function parseAppArgs(argv: readonly string[]): { workspaces: number; out: string } {
  const { values } = parseCommandLine(APP_COMMAND, argv);
  const workspaces = Number(values.workspaces);
  if (values.workspaces === undefined || !Number.isInteger(workspaces) || workspaces < 0) {
    throw new UsageError('--workspaces <n> (a non-negative integer) is required', 'e.g. --workspaces 10');
  }
  if (values.out === undefined) throw new UsageError('--out <dir> is required', 'e.g. --out /tmp/bench');
  return { workspaces, out: values.out };
}

function main(): void {
  const { workspaces, out } = parseOrExit(APP_COMMAND, () => parseAppArgs(process.argv.slice(2)));
  const t0 = process.hrtime.bigint();
  const platform = buildGeneratedPlatform(workspaces);
  const t1 = process.hrtime.bigint();
  const result = writeDist(platform.app, resolve(out));
  const t2 = process.hrtime.bigint();
  const report: AppReport = {
    workspaces,
    objects: result.files,
    folders: result.folders,
    buildMs: Number(t1 - t0) / 1e6,
    writeMs: Number(t2 - t1) / 1e6,
    maxRssKiB: process.resourceUsage().maxRSS,
  };
  console.log(RESULT_MARKER + JSON.stringify(report));
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(e instanceof Error ? e.stack ?? e.message : String(e));
    process.exit(1);
  }
}
