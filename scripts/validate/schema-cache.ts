/**
 * A parse cache for upstream CRD files: YAML parsing of every pinned CRD dominates a run, so each file is
 * stored once as JSON (descriptions dropped) under `node_modules/.cache/mini-atlas-validate/`, keyed by
 * path, size and modification time. A missing or unwritable cache only costs time.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as jsyaml from 'js-yaml';
import { PROJECT_ROOT } from '../lib/schema-store';

const CACHE_FORMAT = 1;
const SKIP_INSIDE = new Set(['default', 'enum', 'example']);

/** Drops `description` strings from a schema tree (not properties named `description`, not inside values). */
function stripDescriptions(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDescriptions);
  if (!v || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k === 'description' && typeof x === 'string') continue;
    out[k] = SKIP_INSIDE.has(k) ? x : stripDescriptions(x);
  }
  return out;
}

/** The cache directory. */
export function schemaCacheDir(): string {
  return join(PROJECT_ROOT, 'node_modules', '.cache', 'mini-atlas-validate');
}

/** Every YAML document of a schema file, parsed with the core schema (from the cache when fresh). */
export function loadYamlDocuments(file: string): unknown[] {
  const st = statSync(file);
  const key = createHash('sha256').update(`${CACHE_FORMAT}|${file}|${st.size}|${st.mtimeMs}`).digest('hex').slice(0, 24);
  const cached = join(schemaCacheDir(), `${key}.json`);
  try {
    return JSON.parse(readFileSync(cached, 'utf8')) as unknown[];
  } catch {
    // not cached yet
  }
  const docs = (jsyaml.loadAll(readFileSync(file, 'utf8'), undefined, { schema: jsyaml.CORE_SCHEMA }) as unknown[]).map(stripDescriptions);
  try {
    mkdirSync(schemaCacheDir(), { recursive: true });
    writeFileSync(cached, JSON.stringify(docs));
  } catch {
    // read-only tree: run uncached
  }
  return docs;
}
