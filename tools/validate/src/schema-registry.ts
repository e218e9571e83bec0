/**
 * The upstream schemas, loaded from their pinned URLs (`lib/shared/schema-sources.ts`) through the schema store
 * (`tools/cli-common/src/schema-store.ts`): the Kubernetes built-in definitions and every CRD of every platform
 * component. Kinds are indexed by group/version/kind; each kind's schema compiles on first use and stays
 * compiled for the life of the process.
 */
import { readFileSync } from 'node:fs';
import { CRD_SOURCES, CrdSource, KUBERNETES_DEFINITIONS_URL } from 'mini-atlas';
import { resolveSchema } from '@mini-atlas/cli-common/schema-store';
import { CLUSTER_SCOPED_BUILTINS } from './builtin-scopes';
import { loadYamlDocuments } from './schema-cache';
import { emptyNode, RawSchema, SchemaCompiler, SchemaNode } from './schema-node';

/** Where a kind's schema comes from. */
export type SchemaOrigin = 'builtin' | 'crd' | 'rgd';

/** A kind the validator knows. */
export interface KindSchema {
  /** `group/version/Kind` (core group empty: `/v1/Pod`). */
  readonly id: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly origin: SchemaOrigin;
  /** The CRD's component (CRDs only). */
  readonly component?: CrdSource['component'];
  /** Root schema of the object (compiled on first access). */
  readonly root: SchemaNode;
}

/** A CRD version as read from upstream. */
interface CrdVersionEntry {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly served: boolean;
  readonly component: CrdSource['component'];
  readonly url: string;
  readonly raw: RawSchema | undefined;
}

/** One upstream CRD file. */
export interface CrdInfo {
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly servedVersions: readonly string[];
  readonly component: CrdSource['component'];
  readonly url: string;
}

/** Splits `apiVersion` into group and version. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** The key of a kind: `group/version/Kind`. */
export function gvkId(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

/** Built-in definitions and upstream CRDs, compiled lazily. */
export class SchemaRegistry {
  private readonly builtinIndex = new Map<string, string>();
  private readonly crdIndex = new Map<string, CrdVersionEntry>();
  private readonly kindCache = new Map<string, KindSchema>();
  private builtinGroupKinds?: Set<string>;
  private readonly builtins: SchemaCompiler;
  private readonly crdCompiler = new SchemaCompiler();
  /** Every upstream CRD, for the Flux checks (which layer installs what). */
  readonly crds: readonly CrdInfo[];
  /** The compiled `ObjectMeta`. */
  readonly objectMeta: SchemaNode;

  private constructor(definitions: { [name: string]: RawSchema }, crdFiles: readonly { source: CrdSource; crd: RawSchema }[]) {
    this.builtins = new SchemaCompiler(definitions);
    for (const [name, def] of Object.entries(definitions)) {
      const gvks = def['x-kubernetes-group-version-kind'];
      if (!Array.isArray(gvks) || gvks.length !== 1) continue; // shared types (DeleteOptions, WatchEvent) list many
      const g = gvks[0] as { group: string; version: string; kind: string };
      this.builtinIndex.set(gvkId(g.group, g.version, g.kind), name);
    }
    const crds: CrdInfo[] = [];
    for (const { source, crd } of crdFiles) {
      const spec = crd.spec as RawSchema;
      const names = spec.names as RawSchema;
      const group = spec.group as string;
      const kind = names.kind as string;
      const namespaced = spec.scope !== 'Cluster';
      const versions = (spec.versions as RawSchema[]) ?? [];
      for (const v of versions) {
        const schema = (v.schema as RawSchema | undefined)?.openAPIV3Schema as RawSchema | undefined;
        this.crdIndex.set(gvkId(group, v.name as string, kind), {
          group, version: v.name as string, kind, namespaced, served: v.served === true,
          component: source.component, url: source.url, raw: schema,
        });
      }
      crds.push({
        group, kind, plural: names.plural as string, namespaced, component: source.component, url: source.url,
        servedVersions: versions.filter((v) => v.served === true).map((v) => v.name as string),
      });
    }
    this.crds = crds;
    this.objectMeta = this.builtins.definition('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  }

  /** Loads every pinned schema source (resolved through the schema store). */
  static load(): SchemaRegistry {
    const defsFile = resolveSchema(KUBERNETES_DEFINITIONS_URL);
    const definitions = (JSON.parse(readFileSync(defsFile, 'utf8')) as { definitions: { [name: string]: RawSchema } }).definitions;
    const crdFiles = CRD_SOURCES.map((source) => {
      const file = resolveSchema(source.url);
      const docs = loadYamlDocuments(file) as RawSchema[];
      const crd = docs.find((d) => d && d.kind === 'CustomResourceDefinition');
      if (!crd) throw new Error(`${source.url} (${file}) holds no CustomResourceDefinition`);
      return { source, crd };
    });
    return new SchemaRegistry(definitions, crdFiles);
  }

  /** Whether a group/kind is a built-in API (any version). */
  isBuiltinGroupKind(group: string, kind: string): boolean {
    this.builtinGroupKinds ??= new Set([...this.builtinIndex.keys()].map((id) => {
      const p = parseId(id);
      return `${p.group}/${p.kind}`;
    }));
    return this.builtinGroupKinds.has(`${group}/${kind}`);
  }

  /** Every `x-kubernetes-validations` rule of every served version of every pinned CRD. */
  crdRules(): { schema: string; path: string; rule: string }[] {
    const out: { schema: string; path: string; rule: string }[] = [];
    const walk = (s: unknown, schema: string, path: string): void => {
      if (!s || typeof s !== 'object') return;
      const raw = s as RawSchema;
      for (const r of (Array.isArray(raw['x-kubernetes-validations']) ? raw['x-kubernetes-validations'] : []) as RawSchema[]) {
        if (typeof r.rule === 'string') out.push({ schema, path, rule: r.rule });
      }
      for (const [k, c] of Object.entries((raw.properties ?? {}) as Record<string, unknown>)) walk(c, schema, `${path}.${k}`);
      walk(raw.items, schema, `${path}[]`);
      walk(raw.additionalProperties, schema, `${path}[*]`);
    };
    for (const [id, e] of this.crdIndex) if (e.served) walk(e.raw, id, '$');
    return out;
  }

  /** Whether a built-in group/kind is namespaced. */
  static builtinNamespaced(group: string, kind: string): boolean {
    return !CLUSTER_SCOPED_BUILTINS.has(`${group}/${kind}`);
  }

  /**
   * The schema of `apiVersion`/`kind`, or an explanation of why there is none (unknown kind, version not
   * served, CRD without a schema).
   */
  lookup(apiVersion: string, kind: string): KindSchema | { readonly error: string } {
    const { group, version } = splitApiVersion(apiVersion);
    const id = gvkId(group, version, kind);
    const cached = this.kindCache.get(id);
    if (cached) return cached;
    const defName = this.builtinIndex.get(id);
    if (defName) {
      const ks: KindSchema = {
        id, group, version, kind, namespaced: SchemaRegistry.builtinNamespaced(group, kind), origin: 'builtin',
        root: this.builtins.definition(defName),
      };
      this.kindCache.set(id, ks);
      return ks;
    }
    const entry = this.crdIndex.get(id);
    if (entry) {
      if (!entry.served) return { error: `${apiVersion} ${kind} is not served by the pinned CRD (${entry.url})` };
      if (!entry.raw) return { error: `the pinned CRD for ${apiVersion} ${kind} has no openAPIV3Schema` };
      const ks: KindSchema = {
        id, group, version, kind, namespaced: entry.namespaced, origin: 'crd', component: entry.component,
        root: this.crdRoot(entry.raw, id),
      };
      this.kindCache.set(id, ks);
      return ks;
    }
    const other = [...this.crdIndex.values(), ...[...this.builtinIndex.keys()].map(parseId)]
      .filter((e) => e.group === group && e.kind === kind)
      .map((e) => `${e.group ? `${e.group}/` : ''}${e.version}`);
    if (other.length > 0) return { error: `no schema for ${apiVersion} ${kind}; known versions: ${[...new Set(other)].join(', ')}` };
    return { error: `no schema for ${apiVersion} ${kind}: not a built-in kind and not in any pinned CRD` };
  }

  /** Compiles a CRD version's schema as the root of an object (metadata is ObjectMeta). */
  crdRoot(raw: RawSchema, id: string): SchemaNode {
    const root = this.crdCompiler.compile(raw, 'crd', id);
    return withObjectMeta(root, this.objectMeta);
  }

  /** Compiles a generated (RGD) CRD schema with this registry's compiler settings. */
  compileCrdSchema(raw: RawSchema, id: string): SchemaNode {
    return this.crdRoot(raw, id);
  }
}

function parseId(id: string): { group: string; version: string; kind: string } {
  const [group, version, kind] = id.split('/');
  return { group, version, kind };
}

/**
 * A copy of a CRD root whose `metadata` is validated as ObjectMeta (what the API server does), keeping the
 * CRD's own metadata constraints (e.g. a name pattern) as an extra check; `apiVersion` and `kind` are always
 * accepted as strings.
 */
export function withObjectMeta(root: SchemaNode, objectMeta: SchemaNode): SchemaNode {
  const properties = new Map(root.properties ?? []);
  const crdMeta = properties.get('metadata');
  const meta: SchemaNode = crdMeta ? { ...objectMeta, allOf: [...objectMeta.allOf, { ...crdMeta, unknownFields: 'allow' }] } : objectMeta;
  properties.set('metadata', meta);
  for (const k of ['apiVersion', 'kind']) {
    if (!properties.has(k)) properties.set(k, { ...emptyNode(`${root.origin}.${k}`), types: new Set(['string']) });
  }
  return { ...root, properties, unknownFields: root.preserveUnknownFields ? 'allow' : 'reject' };
}

let shared: SchemaRegistry | undefined;
let sharedLoadMs = 0;

/** The process-wide registry (loaded once); `loadMs` is the time the first load took, 0 afterwards. */
export function sharedRegistry(): { registry: SchemaRegistry; loadMs: number } {
  if (shared) return { registry: shared, loadMs: 0 };
  const t0 = performance.now();
  shared = SchemaRegistry.load();
  sharedLoadMs = performance.now() - t0;
  return { registry: shared, loadMs: sharedLoadMs };
}

/** Looks kinds up in the generated (RGD) kinds of one run first, then in the registry. */
export class KindResolver {
  /**
   * @param registry the upstream schemas
   * @param generated kinds generated by the RGDs under validation, keyed by {@link gvkId}
   */
  constructor(
    readonly registry: SchemaRegistry,
    readonly generated: ReadonlyMap<string, KindSchema> = new Map(),
  ) {}

  /** The schema of a kind, or why there is none. */
  lookup(apiVersion: string, kind: string): KindSchema | { readonly error: string } {
    const { group, version } = splitApiVersion(apiVersion);
    const gen = this.generated.get(gvkId(group, version, kind));
    if (gen) return gen;
    const found = this.registry.lookup(apiVersion, kind);
    if ('error' in found) {
      const sameKind = [...this.generated.values()].filter((g) => g.kind === kind);
      if (sameKind.length > 0) {
        return { error: `no schema for ${apiVersion} ${kind}; an RGD in this directory generates ${sameKind.map((g) => `${g.group}/${g.version}`).join(', ')}` };
      }
    }
    return found;
  }

  /** Whether a kind is namespaced (undefined when the kind is unknown). */
  namespaced(apiVersion: string, kind: string): boolean | undefined {
    const k = this.lookup(apiVersion, kind);
    return 'error' in k ? undefined : k.namespaced;
  }
}

/**
 * The kinds a `CustomResourceDefinition` document under validation defines (one per version with a schema),
 * compiled with the registry's CRD compiler, so objects of a CRD that a layer installs itself are validated
 * like those of the pinned CRDs. Not a CRD, or malformed: none.
 */
export function crdDocumentKinds(crd: { readonly [key: string]: unknown }, registry: SchemaRegistry): KindSchema[] {
  if (crd.kind !== 'CustomResourceDefinition' || typeof crd.apiVersion !== 'string' || !crd.apiVersion.startsWith('apiextensions.k8s.io/')) return [];
  const spec = crd.spec as RawSchema | undefined;
  const group = spec?.group;
  const kind = (spec?.names as RawSchema | undefined)?.kind;
  if (typeof group !== 'string' || typeof kind !== 'string' || !Array.isArray(spec?.versions)) return [];
  const out: KindSchema[] = [];
  for (const v of spec.versions as RawSchema[]) {
    const raw = (v.schema as RawSchema | undefined)?.openAPIV3Schema as RawSchema | undefined;
    if (typeof v.name !== 'string' || !raw) continue;
    const id = gvkId(group, v.name, kind);
    out.push({ id, group, version: v.name, kind, namespaced: spec.scope !== 'Cluster', origin: 'crd', root: registry.crdRoot(raw, id) });
  }
  return out;
}
