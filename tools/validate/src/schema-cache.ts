/**
 * A parse cache for upstream CRD files: YAML parsing of every pinned CRD dominates a run, so each file is
 * stored once as JSON (descriptions dropped) under `node_modules/.cache/mini-atlas-validate/`, keyed by
 * path, size and modification time. A missing or unwritable cache only costs time.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYamlDocuments } from 'mini-atlas';
import { PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';

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

/** Every YAML document of a schema file, parsed with the YAML 1.2 core schema (from the cache when fresh). */
export function loadYamlDocuments(file: string): unknown[] {
  const st = statSync(file);
  const key = createHash('sha256').update(`${CACHE_FORMAT}|${file}|${st.size}|${st.mtimeMs}`).digest('hex').slice(0, 24);
  const cached = join(schemaCacheDir(), `${key}.json`);
  try {
    return JSON.parse(readFileSync(cached, 'utf8')) as unknown[];
  } catch {
    // not cached yet
  }
  const docs = parseYamlDocuments(readFileSync(file, 'utf8'), '1.2').map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    return stripDescriptions(doc.toJS());
  });
  try {
    mkdirSync(schemaCacheDir(), { recursive: true });
    writeFileSync(cached, JSON.stringify(docs));
  } catch {
    // read-only tree: run uncached
  }
  return docs;
}
