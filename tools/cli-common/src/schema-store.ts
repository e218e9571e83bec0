/**
 * Resolves upstream schema URLs (see `lib/shared/schema-sources.ts`) to files on disk.
 *
 * Order: a local schema directory (`$MINI_ATLAS_SCHEMA_DIR`, else `../shared/crds` beside the project),
 * mapped through its `sources.json`; otherwise a download cache under `~/.cache/mini-atlas/schemas`,
 * filled from the network on first use. With a local directory present nothing touches the network.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The project's root directory: the nearest directory above this file with a `package.json` that is not one
 * of the tool packages (`@mini-atlas/*`; this file is at `<root>/tools/cli-common/src`, `.../build`, or
 * `<project>/node_modules/@mini-atlas/cli-common/build` when installed).
 */
export const PROJECT_ROOT = ((): string => {
  let dir = resolve(__dirname);
  while (!isProjectRoot(dir)) {
    const parent = resolve(dir, '..');
    if (parent === dir) throw new Error(`schema-store: no project package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
})();

function isProjectRoot(dir: string): boolean {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return false;
  const { name } = JSON.parse(readFileSync(file, 'utf8')) as { name?: string };
  return !name?.startsWith('@mini-atlas/');
}

/** The local schema directory, or undefined when there is none. */
export function localSchemaDir(): string | undefined {
  const fromEnv = process.env.MINI_ATLAS_SCHEMA_DIR;
  if (fromEnv) {
    if (!existsSync(join(fromEnv, 'sources.json'))) {
      throw new Error(`MINI_ATLAS_SCHEMA_DIR=${fromEnv} has no sources.json; point it at a directory laid out like ../shared/crds`);
    }
    return resolve(fromEnv);
  }
  const shared = resolve(PROJECT_ROOT, '..', 'shared', 'crds');
  return existsSync(join(shared, 'sources.json')) ? shared : undefined;
}

let urlIndex: Map<string, string> | undefined;

function indexFor(dir: string): Map<string, string> {
  if (!urlIndex) {
    const parsed = JSON.parse(readFileSync(join(dir, 'sources.json'), 'utf8')) as { files: Record<string, string> };
    urlIndex = new Map(Object.entries(parsed.files).map(([file, url]) => [url, join(dir, file)]));
  }
  return urlIndex;
}

/** Where a URL is cached when no local schema directory holds it. */
export function cachePathFor(url: string): string {
  const name = url.split('/').pop() ?? 'schema';
  const hash = createHash('sha256').update(url).digest('hex').slice(0, 16);
  return join(homedir(), '.cache', 'mini-atlas', 'schemas', `${hash}-${name}`);
}

/**
 * The local file for an upstream URL. Throws when the local directory exists but does not hold the URL
 * (a version bump without new schemas), and when there is neither a local copy nor a cached download.
 * Call {@link fetchToCache} first where the network is allowed.
 */
export function resolveSchema(url: string): string {
  const dir = localSchemaDir();
  if (dir) {
    const file = indexFor(dir).get(url);
    if (!file) {
      throw new Error(`schema ${url} is not in ${dir}/sources.json: the pinned version and the local schemas disagree`);
    }
    return file;
  }
  const cached = cachePathFor(url);
  if (existsSync(cached)) return cached;
  throw new Error(`schema ${url} is neither in a local schema directory nor cached at ${cached}; run with network once (npm run import) or set MINI_ATLAS_SCHEMA_DIR`);
}

/** Downloads a URL into the cache unless a local directory or the cache already has it. */
export async function fetchToCache(url: string): Promise<string> {
  try {
    return resolveSchema(url);
  } catch (e) {
    if (localSchemaDir()) throw e;
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const target = cachePathFor(url);
  mkdirSync(join(target, '..'), { recursive: true });
  writeFileSync(target, Buffer.from(await res.arrayBuffer()));
  return target;
}
