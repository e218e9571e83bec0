/**
 * Reads every YAML document under a directory: Kubernetes objects on one side, kustomize configuration
 * files (`kustomization.yaml`) on the other.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as jsyaml from 'js-yaml';
import { JsonObject, ManifestDocument, Violation } from './model';

/** A kustomize configuration file (`kustomization.yaml`). */
export interface KustomizeFile {
  /** Absolute path of the file. */
  readonly file: string;
  /** Its `resources` entries. */
  readonly resources: readonly string[];
  /** The whole parsed file. */
  readonly config: JsonObject;
}

/** What {@link loadManifests} read. */
export interface ManifestSet {
  readonly documents: readonly ManifestDocument[];
  readonly kustomizeFiles: readonly KustomizeFile[];
  /** Files or documents that could not be read as Kubernetes objects. */
  readonly errors: readonly Violation[];
  /** The text of every file read (manifests and kustomize files), by absolute path. */
  readonly sources: ReadonlyMap<string, string>;
}

const KUSTOMIZE_FILE_NAMES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

/** Every `*.yaml`/`*.yml` file under `dir` (recursively), sorted, plus kustomize files. */
export function listYamlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry.name) || KUSTOMIZE_FILE_NAMES.has(entry.name)) out.push(full);
    }
  };
  walk(dir);
  return out;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function loadError(file: string, index: number, message: string): Violation {
  return { check: 'load', file, index, apiVersion: '', kind: '', name: '', path: '$', message };
}

/**
 * Parses YAML text into documents. YAML is read with the core schema, as the Kubernetes YAML decoder does
 * for JSON-compatible values (timestamps stay strings); duplicate keys are an error.
 */
export function parseManifestText(text: string, file: string): { documents: ManifestDocument[]; errors: Violation[] } {
  const errors: Violation[] = [];
  let raw: unknown[];
  try {
    raw = jsyaml.loadAll(text, undefined, { schema: jsyaml.CORE_SCHEMA });
  } catch (e) {
    return { documents: [], errors: [loadError(file, 0, `YAML does not parse: ${(e as Error).message.split('\n')[0]}`)] };
  }
  const present = raw.map((doc, index) => ({ doc, index })).filter(({ doc }) => doc !== null && doc !== undefined);
  const documents: ManifestDocument[] = [];
  for (const { doc, index } of present) {
    if (!isObject(doc)) {
      errors.push(loadError(file, index, `document is a ${Array.isArray(doc) ? 'list' : typeof doc}, not an object`));
      continue;
    }
    if (typeof doc.apiVersion !== 'string' || typeof doc.kind !== 'string') {
      errors.push(loadError(file, index, 'document has no string apiVersion and kind'));
      continue;
    }
    documents.push({ file, index, documentsInFile: present.length, object: doc });
  }
  return { documents, errors };
}

/** Loads every YAML document under `dir`. */
export function loadManifests(dir: string): ManifestSet {
  const documents: ManifestDocument[] = [];
  const kustomizeFiles: KustomizeFile[] = [];
  const errors: Violation[] = [];
  const sources = new Map<string, string>();
  for (const file of listYamlFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    sources.set(file, text);
    if (KUSTOMIZE_FILE_NAMES.has(basename(file))) {
      let config: unknown;
      try {
        config = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA });
      } catch (e) {
        errors.push(loadError(file, 0, `YAML does not parse: ${(e as Error).message.split('\n')[0]}`));
        continue;
      }
      if (!isObject(config)) {
        errors.push(loadError(file, 0, 'kustomization file is not an object'));
        continue;
      }
      const resources = Array.isArray(config.resources) ? config.resources.filter((r): r is string => typeof r === 'string') : [];
      kustomizeFiles.push({ file, resources, config });
      continue;
    }
    const parsed = parseManifestText(text, file);
    documents.push(...parsed.documents);
    errors.push(...parsed.errors);
  }
  return { documents, kustomizeFiles, errors, sources };
}
