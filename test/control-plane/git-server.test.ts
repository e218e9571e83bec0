/**
 * The loopback Git server of the Flux suite (`tools/control-plane/src/git-server.ts`), driven by the system's
 * git as a smart-HTTP client: it serves what commitTree pushed, a removed file is gone in the next commit,
 * pushes over HTTP are refused, and stop() leaves no directory behind.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitServer } from '../../tools/control-plane/src/git-server';

const run = promisify(execFile);
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

async function gitOut(cwd: string, ...args: string[]): Promise<string> {
  return (await run('git', args, { cwd, env })).stdout.trim();
}

let server: GitServer;
let scratch: string;

beforeAll(async () => {
  server = await GitServer.start();
  scratch = mkdtempSync(join(tmpdir(), 'mini-atlas-git-test-'));
});

afterAll(async () => {
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
});

test('serves each pushed commit over smart HTTP (protocol v0, as go-git speaks, and v2); a removed file is gone', async () => {
  const url = await server.createRepository('platform');
  expect(url).toBe(`${server.baseUrl}/platform.git`);
  const tree = join(scratch, 'tree');
  mkdirSync(join(tree, 'dist', 'foundation'), { recursive: true });
  writeFileSync(join(tree, 'dist', 'foundation', 'a.yaml'), 'a: 1\n');
  writeFileSync(join(tree, 'dist', 'foundation', 'b.yaml'), 'b: 1\n');
  const first = await server.commitTree('platform', tree, 'first');
  expect(first.sha).toMatch(/^[0-9a-f]{40}$/);
  expect(first.branch).toBe('main');

  await run('git', ['-c', 'protocol.version=0', 'clone', '-q', url, join(scratch, 'v0')], { env });
  expect(await gitOut(join(scratch, 'v0'), 'rev-parse', 'HEAD')).toBe(first.sha);
  expect(readdirSync(join(scratch, 'v0', 'dist', 'foundation')).sort()).toEqual(['a.yaml', 'b.yaml']);

  rmSync(join(tree, 'dist', 'foundation', 'b.yaml'));
  const second = await server.commitTree('platform', tree, 'second');
  await run('git', ['-c', 'protocol.version=2', 'clone', '-q', url, join(scratch, 'v2')], { env });
  expect(await gitOut(join(scratch, 'v2'), 'rev-parse', 'HEAD')).toBe(second.sha);
  expect(await gitOut(join(scratch, 'v2'), 'rev-parse', 'HEAD~1')).toBe(first.sha);
  expect(readdirSync(join(scratch, 'v2', 'dist', 'foundation'))).toEqual(['a.yaml']);
  expect(server.requests.filter((r) => r.url === '/platform.git/info/refs?service=git-upload-pack').map((r) => r.status)).toEqual([200, 200]);
});

test('refuses a push over HTTP with 403, and the branch stays where it was', async () => {
  const before = (await gitOut(scratch, 'ls-remote', server.url('platform'), 'refs/heads/main')).split('\t')[0];
  const clone = join(scratch, 'v0');
  writeFileSync(join(clone, 'c.yaml'), 'c: 1\n');
  await run('git', ['add', 'c.yaml'], { cwd: clone, env });
  await run('git', ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', 'commit', '-q', '-m', 'c'], { cwd: clone, env });
  const err = await run('git', ['push', 'origin', 'HEAD:refs/heads/main'], { cwd: clone, env }).then(() => '', (e: { stderr: string }) => e.stderr);
  expect(err).toContain('403');
  expect((await gitOut(scratch, 'ls-remote', server.url('platform'), 'refs/heads/main')).split('\t')[0]).toBe(before);
});

test('stop() closes the port and removes the directory', async () => {
  const other = await GitServer.start();
  const dir = other.dir;
  const base = other.baseUrl;
  expect(existsSync(dir)).toBe(true);
  await other.stop();
  expect(existsSync(dir)).toBe(false);
  await expect(run('git', ['ls-remote', `${base}/x.git`], { env })).rejects.toThrow(/Failed to connect|Connection refused|unable to access/);
});
