/**
 * Where Flux is pointed: defaults from the checkout's remote and branch, URL validation and SSH handling,
 * and the warnings when the local dist/ is not what is pushed. Uses real git on throw-away repositories.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ClusterError, UsageError } from '../../tools/cluster/src/cluster-error';
import { CommandRunner } from '../../tools/cluster/src/command-runner';
import { distDriftWarnings, isSshUrl, normalizeScpUrl, repoIdentity, repoUrlProblem, resolveGitSource, sshToHttps } from '../../tools/cluster/src/git-source';
import { FIXTURE_DIST } from './cli-harness';

const GIT_DIR = dirname(execFileSync('/bin/sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim());

describe('repository URLs', () => {
  test.each([
    ['git@github.com:me/mini-atlas.git', 'ssh://git@github.com/me/mini-atlas.git', 'https://github.com/me/mini-atlas.git'],
    ['ssh://git@gitlab.example.com:2222/group/sub/repo.git', 'ssh://git@gitlab.example.com:2222/group/sub/repo.git', 'https://gitlab.example.com/group/sub/repo.git'],
  ])('%s is SSH: normalized %s, https %s', (url, normalized, https) => {
    expect(isSshUrl(url)).toBe(true);
    expect(normalizeScpUrl(url)).toBe(normalized);
    expect(sshToHttps(url)).toBe(https);
    expect(repoIdentity(url)).toBe(repoIdentity(https));
  });

  test.each([
    ['https://github.com/me/mini-atlas.git'],
    ['http://gitea.local:3000/me/mini-atlas'],
  ])('%s is accepted', (url) => {
    expect(repoUrlProblem(url)).toBeUndefined();
  });

  test.each([
    ['file:///srv/git/mini-atlas.git', /must be an https:\/\/, http:\/\/ or ssh:\/\/ URL/],
    ['../mini-atlas', /must be an https:\/\/, http:\/\/ or ssh:\/\/ URL/],
    ['https://github.com', /has no repository path/],
    ['https://me:hunter2@github.com/me/repo.git', /must not embed a password/],
    ['https://github.com/me/my repo', /without spaces/],
  ])('%s → %s', (url, problem) => {
    expect(repoUrlProblem(url)).toMatch(problem);
  });

  test('identity ignores .git, trailing slashes and host case', () => {
    expect(repoIdentity('https://GitHub.com/me/repo.git/')).toBe(repoIdentity('https://github.com/me/repo'));
    expect(repoIdentity('https://github.com/me/repo')).not.toBe(repoIdentity('https://github.com/me/other'));
  });
});

describe('git defaults and drift warnings (real git)', () => {
  let work: string;
  let repo: string;
  let runner: CommandRunner;
  const env = (): NodeJS.ProcessEnv => ({
    PATH: `${GIT_DIR}:/usr/bin:/bin`,
    HOME: work,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com',
  });
  const git = (...args: string[]): string => execFileSync('git', ['-C', repo, ...args], { env: env(), encoding: 'utf8' }).trim();
  const options = { sshToHttps: false, hasSecretRef: false, get checkoutDir() { return join(repo, 'dist'); } };

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'mini-atlas-git-'));
    repo = join(work, 'repo');
    execFileSync('git', ['init', '--quiet', '--bare', join(work, 'remote.git')], { env: env() });
    execFileSync('git', ['init', '--quiet', '--initial-branch=main', repo], { env: env() });
    cpSync(FIXTURE_DIST, join(repo, 'dist'), { recursive: true });
    git('add', '.');
    git('commit', '--quiet', '-m', 'dist');
    git('remote', 'add', 'origin', join(work, 'remote.git'));
    git('push', '--quiet', '-u', 'origin', 'main');
    // what a clone from GitHub looks like: the remote-tracking branch exists, the URL is https
    git('remote', 'set-url', 'origin', 'https://github.com/me/mini-atlas.git');
    runner = new CommandRunner(env(), work);
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  test('defaults: the upstream remote URL and branch; a pushed, clean dist/ gives no warning', async () => {
    const source = await resolveGitSource(runner, options);
    expect(source).toEqual({
      url: 'https://github.com/me/mini-atlas.git',
      branch: 'main',
      origin: 'branch from the upstream of main; repository from git remote origin',
    });
    expect(await distDriftWarnings(runner, source, join(repo, 'dist'))).toEqual([]);
  });

  test('uncommitted changes, then unpushed commits, are reported', async () => {
    const source = await resolveGitSource(runner, options);
    writeFileSync(join(repo, 'dist', 'flux-system', 'kustomization-flux-system-foundation.yaml'), 'changed: true\n');
    expect(await distDriftWarnings(runner, source, join(repo, 'dist'))).toEqual([
      'dist/ has 1 uncommitted change; Flux deploys what is pushed, not your working tree (commit and push them)',
    ]);
    git('commit', '--quiet', '-am', 'change');
    expect(await distDriftWarnings(runner, source, join(repo, 'dist'))).toEqual([
      'dist/ in HEAD differs from origin/main (as of your last fetch); Flux will reconcile the pushed version (git push origin HEAD:main)',
    ]);
  });

  test('a branch that was never pushed is reported; --repo elsewhere cannot be compared', async () => {
    git('checkout', '--quiet', '-b', 'feature/gateway');
    const source = await resolveGitSource(runner, options);
    expect(source.branch).toBe('feature/gateway');
    expect(await distDriftWarnings(runner, source, join(repo, 'dist'))).toEqual([
      'branch feature/gateway is not on origin (no origin/feature/gateway); Flux will fail to fetch it (git push -u origin feature/gateway)',
    ]);
    const other = await resolveGitSource(runner, { ...options, repo: 'https://example.com/x/y.git' });
    expect(await distDriftWarnings(runner, other, join(repo, 'dist'))).toEqual([
      'no git remote of this checkout points to https://example.com/x/y.git: cannot check that dist/ matches what Flux will fetch',
    ]);
  });

  test('an SSH origin needs --ssh-to-https (or a secretRef in dist/)', async () => {
    git('remote', 'set-url', 'origin', 'git@github.com:me/mini-atlas.git');
    await expect(resolveGitSource(runner, options)).rejects.toThrow(/uses SSH, but the GitRepository in dist\/flux-system has no secretRef/);
    expect((await resolveGitSource(runner, { ...options, sshToHttps: true })).url).toBe('https://github.com/me/mini-atlas.git');
    expect((await resolveGitSource(runner, { ...options, hasSecretRef: true })).url).toBe('ssh://git@github.com/me/mini-atlas.git');
  });

  test('a detached HEAD or a missing remote needs the flags', async () => {
    git('checkout', '--quiet', '--detach');
    await expect(resolveGitSource(runner, options)).rejects.toThrow(/HEAD is detached/);
    git('checkout', '--quiet', 'main');
    git('remote', 'remove', 'origin');
    await expect(resolveGitSource(runner, options)).rejects.toThrow(/no git remote "origin"/);
    await expect(resolveGitSource(runner, { ...options, repo: 'https://github.com/me/x.git' })).resolves.toMatchObject({ branch: 'main' });
  });

  test('without git, only explicit --repo and --branch work', async () => {
    const noGit = new CommandRunner({ PATH: '/nonexistent' }, work);
    await expect(resolveGitSource(noGit, options)).rejects.toThrow(ClusterError);
    await expect(resolveGitSource(noGit, options)).rejects.toThrow(/git is not on PATH/);
    await expect(resolveGitSource(noGit, { ...options, repo: 'https://github.com/me/x.git', branch: 'main' })).resolves.toMatchObject({ url: 'https://github.com/me/x.git' });
    expect(await distDriftWarnings(noGit, { url: 'https://github.com/me/x.git', branch: 'main', origin: '' }, join(repo, 'dist')))
      .toEqual(['git is not on PATH: cannot check that dist/ matches https://github.com/me/x.git main']);
  });

  test('an invalid branch name is a usage error', async () => {
    await expect(resolveGitSource(runner, { ...options, branch: 'bad..name' })).rejects.toThrow(UsageError);
  });
});
