/**
 * A Git server on loopback for Flux's source-controller: Git's own smart-HTTP CGI (`git http-backend`, from
 * the system's git) behind a small Node HTTP server on 127.0.0.1.
 *
 * go-git, which source-controller clones with, speaks only the smart HTTP protocol (no "dumb" HTTP), so a
 * plain static file server would not do; `git http-backend` is the reference implementation of it. The server
 * is read-only (`upload-pack`: clone and fetch); commits are pushed to the bare repositories through the file
 * system with {@link GitServer.commitTree}, which returns the commit id Flux should report.
 *
 * Everything lives in one temporary directory, removed by {@link GitServer.stop} (and on Ctrl-C, SIGTERM or an
 * abnormal exit, see `managed-process.ts`). Each request's CGI process is killed when the server stops.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { registerScratchDir, unregisterScratchDir } from './managed-process';

const run = promisify(execFile);

/** Git's environment: no user or system configuration, a fixed identity, `main` as the first branch. */
function gitEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: tmpdir(),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Mini-Atlas test',
    GIT_AUTHOR_EMAIL: 'test@mini-atlas.invalid',
    GIT_COMMITTER_NAME: 'Mini-Atlas test',
    GIT_COMMITTER_EMAIL: 'test@mini-atlas.invalid',
  };
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-c', 'init.defaultBranch=main', ...args], { cwd, env: gitEnv(), maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/** The path of `git-http-backend` in this git's exec path. */
async function httpBackendPath(): Promise<string> {
  const execPath = await git(tmpdir(), '--exec-path');
  const backend = join(execPath, 'git-http-backend');
  if (!existsSync(backend)) throw new Error(`git-http-backend not found in ${execPath} (git's exec path)`);
  return backend;
}

/** One request seen by the server (for tests and timing). */
export interface GitRequest {
  readonly method: string;
  /** Path and query, as requested. */
  readonly url: string;
  readonly status: number;
  /** `Date.now()` when the response ended. */
  readonly at: number;
}

/** A commit pushed with {@link GitServer.commitTree}. */
export interface PushedCommit {
  /** Full commit id. */
  readonly sha: string;
  /** Branch it was pushed to. */
  readonly branch: string;
  /** `Date.now()` once the push completed: from then on the server serves it. */
  readonly servedAt: number;
}

/** A running loopback Git server. */
export class GitServer {
  /** Starts the server on a free port of 127.0.0.1. */
  static async start(): Promise<GitServer> {
    const backend = await httpBackendPath();
    const dir = mkdtempSync(join(tmpdir(), 'mini-atlas-git-'));
    registerScratchDir(dir);
    const root = join(dir, 'repos');
    mkdirSync(root);
    const server = new GitServer(dir, root, backend);
    try {
      await server.listen();
    } catch (e) {
      await server.stop();
      throw e;
    }
    return server;
  }

  /** Every request served so far. */
  readonly requests: GitRequest[] = [];
  private readonly http: Server;
  private readonly cgi = new Set<ChildProcess>();
  private port = 0;
  private stopped = false;

  private constructor(
    /** Scratch directory (bare repositories, working copies). */
    readonly dir: string,
    private readonly root: string,
    private readonly backend: string,
  ) {
    this.http = createServer((req, res) => this.serve(req, res));
  }

  /** `http://127.0.0.1:<port>`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The clone URL of a repository. */
  url(repo: string): string {
    return `${this.baseUrl}/${repo}.git`;
  }

  /** Creates an empty bare repository served at {@link url}. */
  async createRepository(repo: string): Promise<string> {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(repo)) throw new Error(`repository name ${JSON.stringify(repo)}: use lower-case letters, digits and dashes`);
    const bare = join(this.root, `${repo}.git`);
    if (existsSync(bare)) throw new Error(`repository ${repo} exists`);
    await git(this.root, 'init', '--quiet', '--bare', bare);
    return this.url(repo);
  }

  /**
   * Commits a tree to `branch` of `repo` and pushes it: the repository's files become exactly those of the
   * `files` directory (copied recursively; a file absent there is deleted by the commit). Returns the commit.
   */
  async commitTree(repo: string, files: string, message: string, branch = 'main'): Promise<PushedCommit> {
    const bare = join(this.root, `${repo}.git`);
    if (!existsSync(bare)) throw new Error(`no repository ${repo}`);
    const work = mkdtempSync(join(this.dir, `work-${repo}-`));
    try {
      await git(work, 'init', '--quiet');
      await git(work, 'remote', 'add', 'origin', bare);
      const heads = await git(work, 'ls-remote', '--heads', 'origin', branch);
      if (heads) {
        await git(work, 'fetch', '--quiet', 'origin', branch);
        await git(work, 'checkout', '--quiet', '-b', branch, 'FETCH_HEAD');
      } else {
        await git(work, 'checkout', '--quiet', '--orphan', branch);
      }
      for (const entry of readdirSync(work)) if (entry !== '.git') rmSync(join(work, entry), { recursive: true, force: true });
      cpSync(files, work, { recursive: true });
      await git(work, 'add', '--all');
      await git(work, 'commit', '--quiet', '--allow-empty', '-m', message);
      const sha = await git(work, 'rev-parse', 'HEAD');
      await git(work, 'push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
      return { sha, branch, servedAt: Date.now() };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  /** Stops serving (killing any request still running) and removes the directory. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const p of this.cgi) p.kill('SIGKILL');
    this.http.closeAllConnections();
    if (this.http.listening) await new Promise<void>((r) => this.http.close(() => r()));
    rmSync(this.dir, { recursive: true, force: true });
    unregisterScratchDir(this.dir);
  }

  private async listen(): Promise<void> {
    await new Promise<void>((resolveListen, reject) => {
      this.http.once('error', reject);
      this.http.listen(0, '127.0.0.1', () => resolveListen());
    });
    this.port = (this.http.address() as AddressInfo).port;
  }

  /** Runs `git http-backend` as a CGI for one request. */
  private serve(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const record = (status: number): void => {
      this.requests.push({ method: req.method ?? '', url: req.url ?? '', status, at: Date.now() });
    };
    // Read-only: pushes go through the file system.
    if (url.searchParams.get('service') === 'git-receive-pack' || url.pathname.endsWith('/git-receive-pack')) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('read-only\n');
      record(403);
      return;
    }
    const header = (name: string): string => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(', ') : v ?? '';
    };
    const child = spawn(this.backend, [], {
      env: {
        ...gitEnv(),
        GIT_PROJECT_ROOT: this.root,
        GIT_HTTP_EXPORT_ALL: '1',
        GATEWAY_INTERFACE: 'CGI/1.1',
        SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.replace(/^\?/, ''),
        CONTENT_TYPE: header('content-type'),
        ...(req.headers['content-length'] ? { CONTENT_LENGTH: header('content-length') } : {}),
        HTTP_CONTENT_ENCODING: header('content-encoding'),
        HTTP_GIT_PROTOCOL: header('git-protocol'),
        REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.cgi.add(child);
    child.once('exit', () => this.cgi.delete(child));
    req.pipe(child.stdin!);
    child.stdin!.on('error', () => undefined);

    let head = Buffer.alloc(0);
    let headersSent = false;
    const stderr: Buffer[] = [];
    child.stderr!.on('data', (c: Buffer) => stderr.push(c));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (headersSent) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const crlf = head.indexOf('\r\n\r\n');
      const lf = head.indexOf('\n\n');
      const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf : lf;
      if (end < 0) return;
      const sep = end === crlf ? 4 : 2;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      headersSent = true;
      record(status);
      const rest = head.subarray(end + sep);
      if (rest.length > 0) res.write(rest);
    });
    child.once('close', (code) => {
      if (!headersSent) {
        const message = `git http-backend exited ${code}: ${Buffer.concat(stderr).toString('utf8')}`;
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${message}\n`);
        record(500);
        return;
      }
      res.end();
    });
  }
}
