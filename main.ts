/**
 * `npm run synth`: builds the platform and writes `dist/` atomically.
 *
 * Options: `npm run synth -- --help` (declared in `scripts/synth/options.ts`): --env, --repo, --branch (or
 * MINI_ATLAS_ENV, MINI_ATLAS_REPO, MINI_ATLAS_BRANCH), --out, --allow-removal (repeatable).
 */
import { resolve } from 'node:path';
import { addTeamA } from './teams/team-a';
import { buildPlatform, EnvironmentProfile, isConfigurationError, profileNamed, writeDist } from './lib';
import { display } from './lib/synth/dist-writer';
import { EXIT_USAGE, parseOrExit } from '@mini-atlas/cli-common/command-line';
import { parseSynthArgs, SYNTH_COMMAND, SynthOptions } from './scripts/synth/options';

type Args = SynthOptions;

function parseArgs(argv: readonly string[]): Args {
  return parseOrExit(SYNTH_COMMAND, () => parseSynthArgs(argv, process.env));
}

/** The profile `--env`/MINI_ATLAS_ENV names, resolved once; an unknown name is a usage error (one line, exit 2). */
function profile(name: string): EnvironmentProfile {
  try {
    return profileNamed(name);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(EXIT_USAGE);
  }
}

function main(): void {
  const started = process.hrtime.bigint();
  const args = parseArgs(process.argv.slice(2));
  const platform = buildPlatform({
    environment: profile(args.env),
    git: { repositoryUrl: args.repo, branch: args.branch },
    teams: (delivery) => {
      addTeamA(delivery);
    },
  });
  const outdir = resolve(args.out);
  const result = writeDist(platform.app, outdir, { allowRemoval: args.allowRemoval });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`synthesized ${result.files} objects into ${result.folders} Flux paths under ${display(outdir)} (${args.env}) in ${ms.toFixed(0)} ms`);
  for (const r of result.removed) console.log(`removed on purpose: ${r}`);
}

try {
  main();
} catch (e) {
  console.error(isConfigurationError(e) || !(e instanceof Error) ? String(e instanceof Error ? e.message : e) : e.stack);
  console.error('dist/ was left unchanged.');
  process.exit(1);
}
