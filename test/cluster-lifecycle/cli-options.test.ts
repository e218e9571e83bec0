/** `npm run cluster:<command>` command lines, parsed without running anything (the CLI tests run them end to end). */
import { join } from 'node:path';
import { ClusterError } from '../../tools/cluster/src/cluster-error';
import { parseCliOptions } from '../../tools/cluster/src/cli-options';

const ROOT = '/project';
const HOME = { HOME: '/home/me' };
const parse = (argv: readonly string[], env: NodeJS.ProcessEnv = HOME) => parseCliOptions(argv, env, ROOT, '/work');

function usageError(argv: readonly string[], env: NodeJS.ProcessEnv = HOME): { problem: string; fix: string; exitCode: number } {
  try {
    parse(argv, env);
  } catch (e) {
    if (e instanceof ClusterError) return { problem: e.problem, fix: e.fix, exitCode: e.exitCode };
    throw e;
  }
  throw new Error('expected a usage error');
}

const UP_OPTIONS = 'valid options: --name, --verbose, --help, --repo, --branch, --ssh-to-https, --timeout, --poll-interval, --dist, --ca-dir';

describe('parseCliOptions', () => {
  test('up: every flag', () => {
    expect(parse(['up', '--name', 'dev-1', '-v', '--repo', 'https://example.com/r.git', '--branch', 'dev', '--ssh-to-https',
      '--timeout', '40m', '--poll-interval', '10s', '--dist', 'out', '--ca-dir', 'ca'])).toStrictEqual({
      command: 'up', name: 'dev-1', verbose: true, help: false, repo: 'https://example.com/r.git', branch: 'dev', sshToHttps: true,
      timeoutMs: 2_400_000, pollMs: 10_000, distDir: '/work/out', caDir: '/work/ca',
    });
  });

  test('up: defaults', () => {
    expect(parse(['up'])).toStrictEqual({
      command: 'up', name: 'mini-atlas', verbose: false, help: false, sshToHttps: false, timeoutMs: 1_500_000, pollMs: 5_000, distDir: join(ROOT, 'dist'),
      caDir: '/home/me/.local/share/mini-atlas/local-ca',
    });
  });

  test('up: the local CA lives in XDG_DATA_HOME when it is set, else under HOME; without either, --ca-dir is asked for', () => {
    expect(parse(['up'], { HOME: '/home/me', XDG_DATA_HOME: '/data/me' })).toMatchObject({ caDir: '/data/me/mini-atlas/local-ca' });
    expect(usageError(['up'], {})).toEqual({
      problem: 'neither XDG_DATA_HOME nor HOME is set: there is no default place for the local CA', fix: 'pass --ca-dir <dir>', exitCode: 2,
    });
    expect(parse(['up', '--ca-dir', '/srv/ca'], {})).toMatchObject({ caDir: '/srv/ca' });
  });

  test('status and down: their own switches', () => {
    expect(parse(['status', '--json'])).toStrictEqual({ command: 'status', name: 'mini-atlas', verbose: false, help: false, json: true });
    expect(parse(['down', '-y', '-h'])).toStrictEqual({ command: 'down', name: 'mini-atlas', verbose: false, help: true, yes: true });
  });

  test.each([
    [['up', '--nmae', 'x'], { problem: 'unknown option --nmae for cluster:up', fix: UP_OPTIONS }],
    [['up', '--repo'], { problem: '--repo needs a value', fix: 'pass --repo <url> or leave the option out' }],
    [['up', '--dist='], { problem: '--dist needs a value', fix: 'pass --dist <dir> or leave the option out' }],
    [['status', '--json=yes'], { problem: '--json takes no value', fix: 'write --json alone' }],
    [['down', 'now'], {
      problem: 'unexpected argument "now" for cluster:down',
      fix: 'options take the form --option value; valid options: --name, --verbose, --help, --yes',
    }],
  ])('%j → exit 2: %j', (argv, expected) => {
    expect(usageError(argv)).toEqual({ ...expected, exitCode: 2 });
  });

  test('a flag npm swallowed is named before its stray value is', () => {
    expect(usageError(['up', 'dev'], { npm_lifecycle_event: 'cluster:up', npm_config_branch: 'dev' })).toEqual({
      problem: 'npm consumed --branch instead of passing it to cluster:up',
      fix: 'put flags after a double dash: npm run cluster:up -- --branch …',
      exitCode: 2,
    });
    expect(parse(['up', '--branch', 'dev'], { ...HOME, npm_lifecycle_event: 'cluster:up', npm_config_branch: 'dev' })).toMatchObject({ branch: 'dev' });
  });
});
