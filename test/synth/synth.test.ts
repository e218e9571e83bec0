/**
 * `@mini-atlas/synth` (tools/synth): the synth command every platform repo runs — its command line, profile
 * selection, the Flux path of the output, and the process `npm run synth` (main.ts, the thinnest caller).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { addIssueCheck, ANNOTATIONS, buildPlatform, EnvironmentProfile, FluxStage, issueAt, LOCAL, PRODUCTION, profileProblems, Topic } from 'mini-atlas';
import { fluxPathOf, parseSynthArgs, selectProfile, synthesize, synthesizeAll, SYNTH_COMMAND, UnknownProfileError, type SynthProgram } from '@mini-atlas/synth';
import { helpText } from '@mini-atlas/cli-common/command-line';
import { PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';
import { usageError } from '../helpers/usage-error';

const SYNTH_OPTIONS = 'valid options: --env, --repo, --branch, --out, --flux-path, --all, --allow-removal, --help';

describe('command line', () => {
  test('every flag, repeated --allow-removal', () => {
    const argv = ['--env', 'production', '--repo', 'https://example.com/r.git', '--branch', 'dev', '--out', 'o', '--flux-path', 'deploy/o',
      '--allow-removal', 'StatefulSet/db/pg', '--allow-removal=PersistentVolumeClaim/db/data'];
    expect(parseSynthArgs(argv, {})).toStrictEqual({
      env: 'production', repo: 'https://example.com/r.git', branch: 'dev', out: 'o', fluxPath: 'deploy/o',
      all: false, allowRemoval: ['StatefulSet/db/pg', 'PersistentVolumeClaim/db/data'], help: false,
    });
  });

  test('defaults: the first profile, no repo or branch (buildPlatform decides), dist, the Flux path derived', () => {
    expect(parseSynthArgs([], {})).toStrictEqual({
      env: undefined, repo: undefined, branch: undefined, out: 'dist', fluxPath: undefined, all: false, allowRemoval: [], help: false,
    });
  });

  test('--all ignores MINI_ATLAS_ENV (every profile is built)', () => {
    expect(parseSynthArgs(['--all'], { MINI_ATLAS_ENV: 'production' })).toMatchObject({ env: undefined, all: true });
  });

  test('a flag left out falls back to its environment variable; a flag wins over it', () => {
    const env = { MINI_ATLAS_ENV: 'production', MINI_ATLAS_REPO: 'https://example.com/env.git', MINI_ATLAS_BRANCH: 'env' };
    expect(parseSynthArgs([], env)).toMatchObject({ env: 'production', repo: 'https://example.com/env.git', branch: 'env' });
    expect(parseSynthArgs(['--env', 'local', '--repo', 'https://example.com/flag.git', '--branch', 'flag'], env))
      .toMatchObject({ env: 'local', repo: 'https://example.com/flag.git', branch: 'flag' });
  });

  test('an empty MINI_ATLAS_REPO or MINI_ATLAS_BRANCH counts as unset; an empty MINI_ATLAS_ENV is kept (and rejected later)', () => {
    expect(parseSynthArgs([], { MINI_ATLAS_ENV: '', MINI_ATLAS_REPO: '', MINI_ATLAS_BRANCH: '' }))
      .toMatchObject({ env: '', repo: undefined, branch: undefined });
  });

  test.each([
    [['--evn', 'production'], `unknown option --evn for synth; ${SYNTH_OPTIONS}`],
    [['--repo'], '--repo needs a value; pass --repo <git url> or leave the option out'],
    [['--allow-removal', '--out', 'x'], '--allow-removal needs a value; pass --allow-removal <Kind/ns/name> or leave the option out'],
    [['production'], `unexpected argument "production" for synth; options take the form --option value; ${SYNTH_OPTIONS}`],
  ])('%j → %s', (argv, message) => {
    const e = usageError(() => parseSynthArgs(argv, {}));
    expect(e.message).toBe(message);
    expect(e.exitCode).toBe(2);
  });
});

describe('profiles', () => {
  const STAGING: EnvironmentProfile = { ...LOCAL, name: 'staging' };

  test('undefined selects the first profile; a name selects that one', () => {
    expect(selectProfile([LOCAL, PRODUCTION], undefined)).toBe(LOCAL);
    expect(selectProfile([STAGING, PRODUCTION], undefined)).toBe(STAGING);
    expect(selectProfile([LOCAL, PRODUCTION, STAGING], 'staging')).toBe(STAGING);
  });

  test.each([
    ['staging', 'unknown environment profile "staging"; use one of: local, production'],
    ['constructor', 'unknown environment profile "constructor"; use one of: local, production'],
    ['', 'unknown environment profile ""; use one of: local, production'],
  ])('%j is not a profile of the program', (name, message) => {
    expect(() => selectProfile([LOCAL, PRODUCTION], name)).toThrow(new UnknownProfileError(name, ['local', 'production']));
    expect(new UnknownProfileError(name, ['local', 'production']).message).toBe(message);
  });

  test('a program whose profiles share a name is a bug in the program', () => {
    expect(() => selectProfile([LOCAL, { ...PRODUCTION, name: 'local' }], undefined))
      .toThrow('SynthProgram.profiles: the name "local" is used twice; profile names must be unique');
  });
});

describe('the Flux path of the output', () => {
  test.each([
    [{ out: 'dist' }, 'dist'],
    [{ out: './deploy/dist/' }, 'deploy/dist'],
    [{ out: '/repo/clusters/prod' }, 'clusters/prod'],
    [{ out: '/elsewhere/x', fluxPath: 'dist' }, 'dist'],
    [{ out: 'o', fluxPath: './deploy//o/' }, 'deploy/o'],
  ])('%j from /repo → %s', (options, path) => {
    expect(fluxPathOf(options, '/repo')).toBe(path);
  });

  test.each([
    [{ out: '/tmp/x' }, '--out /tmp/x is not a folder below the current directory, so its path in the Git repository is unknown; run synth from the repository root with --out inside it, or pass --flux-path <path> (e.g. --flux-path dist)'],
    [{ out: '.' }, '--out . is not a folder below the current directory, so its path in the Git repository is unknown; run synth from the repository root with --out inside it, or pass --flux-path <path> (e.g. --flux-path dist)'],
    [{ out: '../dist' }, '--out ../dist is not a folder below the current directory, so its path in the Git repository is unknown; run synth from the repository root with --out inside it, or pass --flux-path <path> (e.g. --flux-path dist)'],
    [{ out: 'dist', fluxPath: '../dist' }, '--flux-path ../dist is not a folder inside the repository; give a relative path such as dist or deploy/dist'],
    [{ out: 'dist', fluxPath: '/dist' }, '--flux-path /dist is not a folder inside the repository; give a relative path such as dist or deploy/dist'],
    [{ out: 'dist', fluxPath: '.' }, '--flux-path . is not a folder inside the repository; give a relative path such as dist or deploy/dist'],
  ])('%j from /repo is a usage error', (options, message) => {
    const e = usageError(() => fluxPathOf(options, '/repo'));
    expect([e.message, e.exitCode]).toEqual([message, 2]);
  });
});

describe('synthesize', () => {
  let repo: string;
  beforeEach(() => { repo = mkdtempSync(join(tmpdir(), 'synth-')); });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  /** A made-up platform: one stage holding one ConfigMap that records what the program was given. */
  const program: SynthProgram = {
    profiles: [{ ...LOCAL, name: 'dev' }, { ...PRODUCTION, name: 'prod' }],
    build: ({ environment, git }) => {
      const app = new App();
      const stage = new FluxStage(new Chart(app, 'ops'), 'ops', { path: 'ops/config' });
      new ApiObject(stage, 'given', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'given', namespace: 'default' },
        data: { environment: environment.name, url: git.repositoryUrl ?? '-', branch: git.branch ?? '-', distPath: git.distPath } });
      return app;
    },
  };

  test('builds the selected profile with the command line\'s Git source and writes under --out', () => {
    const result = synthesize(program, { env: 'prod', repo: 'https://git.example/p.git', out: 'deploy/out', allowRemoval: [], help: false }, repo);
    expect([result.environment.name, result.outdir, result.files]).toEqual(['prod', join(repo, 'deploy/out'), 1]);
    expect(readFileSync(join(repo, 'deploy/out/ops/config/configmap-default-given.yaml'), 'utf8')
    ).toContain('data:\n  branch: "-"\n  distPath: deploy/out\n  environment: prod\n  url: https://git.example/p.git\n');
  });

  test('--all: every profile into <out>/<profile>, each with its own Flux path', () => {
    const results = synthesizeAll(program, { out: 'deploy', all: true, allowRemoval: [], help: false }, repo);
    expect(results.map((r) => [r.environment.name, r.outdir, r.files])).toEqual([['dev', join(repo, 'deploy/dev'), 1], ['prod', join(repo, 'deploy/prod'), 1]]);
    expect(readFileSync(join(repo, 'deploy/prod/ops/config/configmap-default-given.yaml'), 'utf8')).toContain('  distPath: deploy/prod\n  environment: prod\n');
    expect(readFileSync(join(repo, 'deploy/dev/ops/config/configmap-default-given.yaml'), 'utf8')).toContain('  distPath: deploy/dev\n  environment: dev\n');
  });

  test('--all with --env is a usage error; an invalid profile writes no tree at all', () => {
    const e = usageError(() => synthesizeAll(program, { env: 'dev', out: 'deploy', all: true, allowRemoval: [], help: false }, repo));
    expect([e.message, e.exitCode]).toEqual(['--all builds every profile; it cannot be combined with --env; leave out --env, or leave out --all', 2]);
    const lopsided: SynthProgram = { ...program, profiles: [{ ...LOCAL, name: 'dev' }, { ...LOCAL, name: 'bad', topicReplicas: 0 }], build: (c) => {
      const app = program.build(c);
      addIssueCheck(app.node.findChild('ops'), () => profileProblems(c.environment).map((p) => issueAt(app.node.findChild('ops'), p)));
      return app;
    } };
    expect(() => synthesizeAll(lopsided, { out: 'deploy', all: true, allowRemoval: [], help: false }, repo))
      .toThrow('Mini-Atlas found 1 configuration error:\n  - ops: topicReplicas = 0: must be a whole number of at least 1.');
    expect(() => readFileSync(join(repo, 'deploy/dev'))).toThrow(/ENOENT/);
  });

  test('today: the change guard names the folder it refuses to write, deploy/production as Mini-Atlas commits it', () => {
    const platform = (partitions: number): SynthProgram => ({
      profiles: [LOCAL, { ...PRODUCTION, storage: { provisioner: 'ebs.csi.aws.com' } }],
      build: (c) => buildPlatform({ ...c, teams: (d) => { new Topic(d.addWorkspace('team-a', { team: 'team-a' }), 'orders', { partitions }); } }).app,
    });
    const options = { env: 'production', out: 'deploy/production', allowRemoval: [], help: false };
    synthesize(platform(3), options, repo);
    const file = join(repo, 'deploy/production/delivery/team-a/topic-team-a-team-a-orders.yaml');
    const committed = readFileSync(file, 'utf8');
    expect(() => synthesize(platform(2), options, repo)).toThrow([
      'Refusing to write deploy/production/: 1 change to the committed deploy/production/ would be refused by the cluster or lose data.',
      'Refused by the cluster (no acknowledgement helps):',
      '  - Topic/team-a/team-a-orders: spec.partitions can only grow and would shrink from 3 to 2',
      '  Fix: create a new instance under a new name and remove the old one with writeDist\'s option allowRemoval: ["Topic/team-a/team-a-orders"] (npm run synth and @mini-atlas/synth: --allow-removal Topic/team-a/team-a-orders).',
    ].join('\n'));
    expect(readFileSync(file, 'utf8')).toBe(committed);
  });

  test('a made-up platform with --all: the change guard names the profile\'s folder under --out', () => {
    const ledger = (keep: boolean): SynthProgram => ({ ...program, build: (c) => {
      const app = program.build(c);
      if (keep) {
        new ApiObject(app.node.findChild('ops').node.findChild('ops'), 'ledger', { apiVersion: 'v1', kind: 'ConfigMap',
          metadata: { name: 'ledger', namespace: 'default', annotations: { [ANNOTATIONS.fluxPrune]: 'disabled' } } });
      }
      return app;
    } });
    const options = { out: 'envs', all: true, allowRemoval: [], help: false };
    synthesizeAll(ledger(true), options, repo);
    expect(() => synthesizeAll(ledger(false), options, repo)).toThrow([
      'Refusing to write envs/dev/: 1 change to the committed envs/dev/ would be refused by the cluster or lose data.',
      'Losing data unless acknowledged:',
      '  - ConfigMap/default/ledger: a stateful object would disappear and Flux would stop managing it (its data is kept only because it is not pruned)',
      '  If this is intended, acknowledge it with writeDist\'s option allowRemoval: ["ConfigMap/default/ledger"] (npm run synth and @mini-atlas/synth: --allow-removal ConfigMap/default/ledger), then delete the objects explicitly (see README, "Deleting data").',
    ].join('\n'));
  });

  test('an unknown profile writes nothing', () => {
    expect(() => synthesize(program, { env: 'local', out: 'dist', allowRemoval: [], help: false }, repo))
      .toThrow('unknown environment profile "local"; use one of: dev, prod');
    expect(() => readFileSync(join(repo, 'dist'))).toThrow(/ENOENT/);
  });
});

describe('the process: npm run synth (main.ts)', () => {
  const TSX = join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const env = { ...process.env };
  delete env.MINI_ATLAS_ENV;
  const synth = (...args: string[]) => {
    const run = spawnSync(process.execPath, [TSX, 'main.ts', ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', env });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  };

  test('a bad flag prints one line and exits 2', () => {
    expect(synth('--evn', 'production')).toEqual({ status: 2, stdout: '', stderr: `unknown option --evn for synth; ${SYNTH_OPTIONS}\n` });
  });

  test('--help prints the help text and exits 0; it names the real defaults of --repo and --branch (buildPlatform\'s)', () => {
    const help = synth('--help');
    expect(help).toEqual({ status: 0, stdout: helpText(SYNTH_COMMAND), stderr: '' });
    expect(help.stdout.split('\n').filter((l) => /^ {6}--(repo|branch) /.test(l))).toEqual([
      '      --repo <git url>                Git URL Flux pulls from (default: $MINI_ATLAS_REPO, else buildPlatform\'s default, https://github.com/mini-atlas/mini-atlas.git)',
      '      --branch <name>                 branch Flux follows (default: $MINI_ATLAS_BRANCH, else buildPlatform\'s default, main)',
    ]);
  });

  test('--env staging prints one line naming the valid profiles and exits 1', () => {
    expect(synth('--env', 'staging', '--out', 'never-written')).toEqual({
      status: 1, stdout: '', stderr: 'unknown environment profile "staging"; use one of: local, production\n',
    });
  });

  test('--out outside the repository without --flux-path prints one line and exits 2', () => {
    expect(synth('--out', '/nonexistent/dist')).toEqual({
      status: 2, stdout: '',
      stderr: '--out /nonexistent/dist is not a folder below the current directory, so its path in the Git repository is unknown; run synth from the repository root with --out inside it, or pass --flux-path <path> (e.g. --flux-path dist)\n',
    });
  });
});
