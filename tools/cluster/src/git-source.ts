/**
 * Where Flux pulls the platform from: the `--repo`/`--branch` flags, or the checkout's git remote and branch.
 *
 * Flux reconciles what is pushed, not the local `dist/`, so `cluster:up` warns when the two differ. SSH URLs
 * need a deploy key that `cluster:up` does not create; they are converted to https only when the user asks
 * (`--ssh-to-https`), because that silently changes which credentials (none) Flux uses.
 */
import { realpathSync } from 'node:fs';
import { relative } from 'node:path';
import { ClusterError, UsageError } from './cluster-error';
import { CommandRunner } from './command-runner';

/** The Git source Flux is pointed at. */
export interface GitSource {
  /** URL written to the GitRepository (`https://…`, `http://…` or `ssh://…`). */
  readonly url: string;
  readonly branch: string;
  /** Where the URL and branch came from, for the log. */
  readonly origin: string;
}

/** Inputs of {@link resolveGitSource}. */
export interface GitSourceOptions {
  readonly repo?: string;
  readonly branch?: string;
  /** Convert an SSH URL to https (anonymous clone; public repositories). */
  readonly sshToHttps: boolean;
  /** Whether the GitRepository in dist/ carries a `secretRef` (credentials for SSH/private repos). */
  readonly hasSecretRef: boolean;
  /** A directory inside the checkout (dist/). */
  readonly checkoutDir: string;
}

const SCP_LIKE = /^([A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/;

/** `git@github.com:org/repo.git` → `ssh://git@github.com/org/repo.git`; other URLs unchanged. */
export function normalizeScpUrl(url: string): string {
  const m = SCP_LIKE.exec(url);
  if (!m || url.includes('://')) return url;
  return `ssh://${m[1] ?? ''}${m[2]}/${m[3].replace(/^\/+/, '')}`;
}

/** True for `ssh://` and scp-like URLs. */
export function isSshUrl(url: string): boolean {
  return url.startsWith('ssh://') || (!url.includes('://') && SCP_LIKE.test(url));
}

/** `ssh://git@host[:port]/org/repo.git` (or scp-like) → `https://host/org/repo.git`. */
export function sshToHttps(url: string): string {
  const u = new URL(normalizeScpUrl(url));
  return `https://${u.hostname}${u.pathname}`;
}

/** Why a URL cannot be used by Flux, or undefined when it can. */
export function repoUrlProblem(url: string): string | undefined {
  if (/\s/.test(url) || url === '') return 'must be a URL without spaces';
  const normalized = normalizeScpUrl(url);
  if (!/^(https?|ssh):\/\//.test(normalized)) {
    return 'must be an https://, http:// or ssh:// URL (Flux cannot clone local paths or file:// URLs from inside the cluster)';
  }
  try {
    const u = new URL(normalized);
    if (!u.hostname) return 'has no host';
    if (u.pathname.replace(/\/+$/, '') === '') return 'has no repository path';
    if (u.password) return 'must not embed a password (Flux reads credentials from a Secret)';
  } catch {
    return 'is not a valid URL';
  }
  return undefined;
}

/** A comparable form of a repository URL: host + path, lowercase host, without `.git` and trailing slashes. */
export function repoIdentity(url: string): string {
  try {
    const u = new URL(normalizeScpUrl(url));
    return `${u.hostname.toLowerCase()}${u.pathname.replace(/\/+$/, '').replace(/\.git$/, '')}`;
  } catch {
    return url;
  }
}

/** Git branch names `cluster:up` accepts (a safe subset of `git check-ref-format --branch`). */
const BRANCH = /^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*@\{)[A-Za-z0-9._/-]+(?<![./])$/;

async function git(runner: CommandRunner, dir: string, args: string[]): Promise<string | undefined> {
  const r = await runner.run('git', ['-C', dir, ...args], { allowFailure: true });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** Resolves `--repo`/`--branch` (or their defaults from git) into the URL and branch Flux will use. */
export async function resolveGitSource(runner: CommandRunner, options: GitSourceOptions): Promise<GitSource> {
  let branch = options.branch;
  let url = options.repo;
  const origin: string[] = [];
  if (url === undefined || branch === undefined) {
    if (!runner.which('git')) {
      throw new ClusterError(
        'git is not on PATH, so the repository and branch Flux should pull cannot be derived from the checkout',
        'install git, or pass both --repo <url> and --branch <name>',
      );
    }
    if (!(await git(runner, options.checkoutDir, ['rev-parse', '--is-inside-work-tree']))) {
      throw new ClusterError(`${options.checkoutDir} is not inside a git checkout`, 'pass --repo <url> and --branch <name>');
    }
  }
  const current = branch === undefined ? await git(runner, options.checkoutDir, ['symbolic-ref', '--quiet', '--short', 'HEAD']) : undefined;
  if (branch === undefined) {
    if (!current) {
      throw new ClusterError('HEAD is detached, so there is no current branch for Flux to follow', 'check out a branch, or pass --branch <name>');
    }
    const merge = await git(runner, options.checkoutDir, ['config', '--get', `branch.${current}.merge`]);
    branch = merge?.replace(/^refs\/heads\//, '') ?? current;
    origin.push(`branch from ${merge ? `the upstream of ${current}` : 'the current branch'}`);
  }
  if (url === undefined) {
    const remote = (current ? await git(runner, options.checkoutDir, ['config', '--get', `branch.${current}.remote`]) : undefined) ?? 'origin';
    url = await git(runner, options.checkoutDir, ['remote', 'get-url', remote]);
    if (!url) {
      throw new ClusterError(`the checkout has no git remote "${remote}" to point Flux at`, `add one (git remote add ${remote} https://…) and push, or pass --repo <url>`);
    }
    origin.push(`repository from git remote ${remote}`);
  }
  if (!BRANCH.test(branch)) throw new UsageError(`--branch ${JSON.stringify(branch)} is not a valid branch name`, 'pass an existing branch name such as main');
  const problem = repoUrlProblem(url);
  if (problem) {
    throw new UsageError(`repository URL ${JSON.stringify(url)} ${problem}`, 'pass --repo https://<host>/<org>/<repo>.git');
  }
  let finalUrl = normalizeScpUrl(url);
  if (isSshUrl(url)) {
    if (options.sshToHttps) {
      finalUrl = sshToHttps(url);
      origin.push(`converted from ${url} (--ssh-to-https)`);
    } else if (!options.hasSecretRef) {
      throw new ClusterError(
        `the repository URL ${url} uses SSH, but the GitRepository in dist/flux-system has no secretRef, so Flux could not authenticate`,
        `re-run with --ssh-to-https to use ${sshToHttps(url)} (anonymous clone, public repositories), or pass --repo https://…`,
      );
    }
  }
  return { url: finalUrl, branch, origin: origin.length > 0 ? origin.join('; ') : 'from --repo/--branch' };
}

/**
 * Warnings when the local `dist/` is not what Flux will fetch: uncommitted changes, commits not pushed, a
 * branch that is not on the remote, or a URL that no local remote points to. Compares with the
 * remote-tracking branch as of the last `git fetch` (no network access here).
 */
export async function distDriftWarnings(runner: CommandRunner, source: GitSource, distDir: string): Promise<string[]> {
  if (!runner.which('git')) return [`git is not on PATH: cannot check that dist/ matches ${source.url} ${source.branch}`];
  const top = await git(runner, distDir, ['rev-parse', '--show-toplevel']);
  if (!top) return [`${distDir} is not in a git checkout: cannot check that it matches ${source.url} ${source.branch}`];
  // Pathspecs below are relative to the top of the checkout (git prints it with symlinks resolved).
  const distPath = relative(top, realpathSync(distDir)) || '.';
  const warnings: string[] = [];
  const dirty = await git(runner, top, ['status', '--porcelain', '--untracked-files=all', '--', distPath]);
  if (dirty) {
    const n = dirty.split('\n').length;
    warnings.push(`${distPath}/ has ${n} uncommitted change${n === 1 ? '' : 's'}; Flux deploys what is pushed, not your working tree (commit and push them)`);
  }
  const remotes = (await git(runner, top, ['remote'])) ?? '';
  let remote: string | undefined;
  for (const name of remotes.split('\n').filter(Boolean)) {
    const u = await git(runner, top, ['remote', 'get-url', name]);
    if (u && repoIdentity(u) === repoIdentity(source.url)) {
      remote = name;
      break;
    }
  }
  if (!remote) {
    warnings.push(`no git remote of this checkout points to ${source.url}: cannot check that ${distPath}/ matches what Flux will fetch`);
    return warnings;
  }
  const tracking = `refs/remotes/${remote}/${source.branch}`;
  if (!(await git(runner, top, ['rev-parse', '--verify', '--quiet', tracking]))) {
    warnings.push(`branch ${source.branch} is not on ${remote} (no ${remote}/${source.branch}); Flux will fail to fetch it (git push -u ${remote} ${source.branch})`);
    return warnings;
  }
  const diff = await runner.run('git', ['-C', top, 'diff', '--quiet', `${remote}/${source.branch}`, 'HEAD', '--', distPath], { allowFailure: true });
  if (diff.exitCode === 1) {
    warnings.push(`${distPath}/ in HEAD differs from ${remote}/${source.branch} (as of your last fetch); Flux will reconcile the pushed version (git push ${remote} HEAD:${source.branch})`);
  }
  return warnings;
}
