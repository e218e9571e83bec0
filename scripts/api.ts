/**
 * `npm run api`: the public API of each published package, as Microsoft's API Extractor reports it
 * (https://api-extractor.com): `api/<package>.api.md`, committed. `npm run api` rewrites the reports;
 * `npm run api -- --check` (part of `npm run lint`, so CI) fails when a report differs from the compiled
 * declarations, naming the command that updates it. The same run writes `build/mini-atlas.d.ts`, the one
 * declaration file the `mini-atlas` package ships (its `types`): the exported declarations and what they
 * reach, and nothing else of `lib/` or `imports/`.
 *
 * Reads the declarations `tsc -p tsconfig.json` (or `tsconfig.api.json`, declarations only) writes to build/.
 */
import { join, relative } from 'node:path';
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';
import { CommandSpec, EXIT_USAGE, HELP_OPTION, parseOptionsOrExit, UsageError } from '@mini-atlas/cli-common/command-line';
import { PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';

/** The packages whose API is reported: the folder holding each one's `api-extractor.json`. */
export const REPORTED_PACKAGES = ['.', 'tools/synth', 'tools/validate'] as const;

/** The api command line. */
export const API_COMMAND = {
  name: 'api',
  usage: 'npm run api -- [--check]',
  summary: 'Writes the API report of each published package (api/*.api.md) and the declaration file mini-atlas ships.',
  options: {
    check: { type: 'boolean', help: 'change no report; fail when one differs from the compiled declarations (CI)' },
    package: { type: 'string', multiple: true, value: '<folder>', help: `only the package in this folder (repeatable; default all: ${REPORTED_PACKAGES.join(', ')})` },
    help: HELP_OPTION,
  },
} as const satisfies CommandSpec;

/** What one package's run found. */
export interface ApiRun {
  /** The report, relative to the repository root. */
  readonly report: string;
  /** The report differs from the compiled declarations (in `--check` mode it was left as it is). */
  readonly changed: boolean;
  /** Errors and warnings API Extractor reported (forgotten exports, unresolved links, compiler errors). */
  readonly problems: number;
}

/** Runs API Extractor for the package in `folder`; `check` leaves the committed report untouched. */
export function runApiExtractor(folder: string, check: boolean, config: ExtractorConfig = ExtractorConfig.loadFileAndPrepare(join(PROJECT_ROOT, folder, 'api-extractor.json'))): ApiRun {
  let problems = 0;
  const result = Extractor.invoke(config, {
    localBuild: !check,
    showVerboseMessages: false,
    messageCallback: (message) => {
      // API Extractor's own notes (`console-…`: its version, "copy the report") name no command of ours; the
      // summary does. Nothing goes to stdout: `npm pack --json` runs this in prepack and prints JSON there.
      if (message.messageId.startsWith('console-')) {
        message.logLevel = ExtractorLogLevel.None;
      } else if (message.logLevel === ExtractorLogLevel.Warning || message.logLevel === ExtractorLogLevel.Error) {
        problems++;
      }
    },
  });
  return { report: relative(PROJECT_ROOT, config.reportFilePath), changed: result.apiReportChanged, problems };
}

/** The message of `--check` when `report` differs from the declarations. */
export function reportDiffers(report: string): string {
  return `${report} differs from the public API the declarations export; run \`npm run api\` and commit ${report} (review the diff: every change there is a change to the package's users)`;
}

function main(argv: readonly string[]): number {
  const { check, package: only } = parseOptionsOrExit(API_COMMAND, argv);
  const unknown = only.find((f) => !(REPORTED_PACKAGES as readonly string[]).includes(f));
  if (unknown !== undefined) {
    console.error(new UsageError(`--package ${unknown} is not a reported package`, `use one of: ${REPORTED_PACKAGES.join(', ')}`).message);
    return EXIT_USAGE;
  }
  let failed = false;
  for (const folder of only.length > 0 ? only : REPORTED_PACKAGES) {
    const run = runApiExtractor(folder, check);
    if (check && run.changed) {
      console.error(reportDiffers(run.report));
      failed = true;
    } else if (run.changed) {
      console.error(`updated ${run.report}`);
    } else {
      console.error(`${run.report} is current`);
    }
    if (run.problems > 0) {
      console.error(`${run.report}: API Extractor reported ${run.problems} problem(s) above; fix them (an exported signature names a type the package does not export, or a broken {@link})`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
