/**
 * `npm run synth`: builds the platform and writes `dist/` atomically.
 *
 * Options (flags or environment):
 *   --env <local|production>     MINI_ATLAS_ENV      environment profile (default local)
 *   --repo <git url>             MINI_ATLAS_REPO     Git URL Flux pulls from
 *   --branch <name>              MINI_ATLAS_BRANCH   branch Flux follows (default main)
 *   --out <dir>                                      output directory (default dist)
 *   --allow-removal <Kind/ns/name>                   acknowledge removing a stateful object (repeatable)
 */
import { resolve } from 'node:path';
import { addTeamA } from './teams/team-a';
import { buildPlatform, display, EnvironmentProfile, isConfigurationError, profileNamed, writeDist } from './lib';

interface Args {
  env: string;
  repo?: string;
  branch?: string;
  out: string;
  allowRemoval: string[];
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    env: process.env.MINI_ATLAS_ENV ?? 'local',
    repo: process.env.MINI_ATLAS_REPO || undefined,
    branch: process.env.MINI_ATLAS_BRANCH || undefined,
    out: 'dist',
    allowRemoval: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--env': args.env = value(); break;
      case '--repo': args.repo = value(); break;
      case '--branch': args.branch = value(); break;
      case '--out': args.out = value(); break;
      case '--allow-removal': args.allowRemoval.push(value()); break;
      default: throw new Error(`unknown option ${flag}; see the header of main.ts or the README`);
    }
  }
  return args;
}

/** The profile `--env`/MINI_ATLAS_ENV names, resolved once; an unknown name ends the run with one line. */
function profile(name: string): EnvironmentProfile {
  try {
    return profileNamed(name);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
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
