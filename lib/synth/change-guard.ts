/**
 * The change guard of `writeDist`: compares the objects of the committed `dist/` with the new ones and stops
 * two kinds of change before anything is written.
 *
 * Refused by the cluster (no acknowledgement helps; the fix is a new instance under a new name, and the old
 * one removed with `allowRemoval`):
 *  - an `immutable` field of an instance changes (Topic `replicas`, Infrastructure `postgres.database` and
 *    `postgres.owner`): the RGD's `immutable=true` makes the API server refuse the update;
 *  - a `growOnly` field shrinks (Topic `partitions`: Kafka cannot remove partitions; Infrastructure
 *    `postgres.storage`: CloudNativePG refuses a smaller volume);
 *  - either of these through a changed default: an instance that does not set the field gets the RGD's
 *    schema default, and a CRD default is applied again whenever the API server reads an object that lacks
 *    the field, so a changed default (a changed profile, or a changed schema) changes the field of every
 *    existing instance that relies on it.
 *
 * Losing data (refused unless its key is in `allowRemoval`):
 *  - a stateful object (annotated `kustomize.toolkit.fluxcd.io/prune: disabled`) disappears: Flux stops
 *    managing it and deleting it is left to a person (README, "Deleting data");
 *  - an RGD disappears: KRO stops managing its instances, and once its CRD is deleted every instance and
 *    every child go;
 *  - a child of an RGD that holds data (lib/foundation/data-children.ts) is renamed or removed from the graph,
 *    or becomes conditional through `includeWhen`: KRO deletes the old child of every instance (a renamed
 *    child is a new, empty one). Its key is `ResourceGraphDefinition/<rgd name>#<resource id>`.
 *
 * The field rules come from the abstractions' field declarations (`immutable`, `growOnly` in
 * lib/foundation/<abstraction>/schema.ts), read from the app's {@link ResourceGraph}s; the data rule of a
 * child from its kind. Every change found is reported at once.
 */
import { IConstruct } from 'constructs';
import { ANNOTATIONS } from '../shared/api';
import { Field, Fields, MarkerField, markerDefault } from '../shared/fields';
import { dataBearingKindOf } from '../shared/data-bearing';
import { canonicalJson, isJsonObject, jsonAt, JsonValue } from '../shared/json';
import { parseQuantity } from '../shared/quantity';
import { dataChildOf } from '../foundation/data-children';
import { ResourceGraph } from '../foundation/resource-graph';
import { objectKey, RenderedObject } from '../shared/rendered';

/** The change rules of one instance kind: its fields, with their defaults, `immutable` and `growOnly`. */
export interface KindChangeRules {
  /** The instances' API version, e.g. `platform.mini-atlas.io/v1alpha1`. */
  readonly apiVersion: string;
  /** The instances' kind, e.g. `Topic`. */
  readonly kind: string;
  /** The field declaration of the kind's RGD (as it is now). */
  readonly fields: Fields;
}

/** The change rules of every {@link ResourceGraph} in `root`. */
export function changeRulesOf(root: IConstruct): KindChangeRules[] {
  return root.node.findAll()
    .filter((c): c is ResourceGraph => c instanceof ResourceGraph)
    .map((g) => ({ apiVersion: g.apiVersion, kind: g.kind, fields: g.fields }));
}

/** One change the guard stops. */
export interface GuardedChange {
  /**
   * What it is about, the key `allowRemoval` takes: `Kind/namespace/name` (`Kind/name` when cluster-scoped),
   * or `ResourceGraphDefinition/<name>#<resource id>` for one child of an RGD.
   */
  readonly key: string;
  /** What would happen, in one line. */
  readonly problem: string;
  /** `refused`: the cluster refuses it and nothing acknowledges it; `loses-data`: allowed once acknowledged. */
  readonly severity: 'refused' | 'loses-data';
}

/** What {@link guardChanges} found. */
export interface ChangeGuardResult {
  /** Changes that stop the write: every `refused` one, and each `loses-data` one not acknowledged. */
  readonly blocked: readonly GuardedChange[];
  /** Keys of `loses-data` changes acknowledged through `allowRemoval`. */
  readonly acknowledged: readonly string[];
}

const RGD_KIND = 'ResourceGraphDefinition';
type Json = { [key: string]: JsonValue };

const stateful = (o: RenderedObject): boolean => o.metadata.annotations?.[ANNOTATIONS.fluxPrune] === 'disabled';
const show = (v: unknown): string => JSON.stringify(v);

const growOnly = (f: Field): boolean => (f.type === 'integer' || f.type === 'string') && f.growOnly === true;
/** A grow-only value to compare: an integer, or a quantity (in nano-units, exact); undefined when unreadable. */
const magnitude = (v: unknown): bigint | undefined =>
  typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : typeof v === 'string' ? parseQuantity(v) : undefined;
/** True when both values are readable and the new one is smaller. */
const shrinks = (was: bigint | undefined, will: bigint | undefined): boolean => was !== undefined && will !== undefined && will < was;

/** Every field with one marker (a scalar, a list or a map; not a nested structure) with its dotted path. */
function markerFields(fields: Fields, prefix = ''): [string, MarkerField][] {
  return Object.entries(fields).flatMap(([name, f]): [string, MarkerField][] =>
    f.type === 'object' ? markerFields(f.fields, `${prefix}${name}.`) : [[`${prefix}${name}`, f]]);
}

/** The schema section of an RGD object: generated kind and SimpleSchema spec. */
function schemaOf(rgd: RenderedObject): { kind: string; spec: Json } {
  const schema = jsonAt(rgd, ['spec', 'schema']);
  const kind = isJsonObject(schema) && typeof schema.kind === 'string' ? schema.kind : '?';
  const spec = isJsonObject(schema) && isJsonObject(schema.spec) ? schema.spec : {};
  return { kind, spec };
}

/** One resource of an RGD: its child kind, the identity of the object it makes, and its `includeWhen`. */
interface RgdResource {
  readonly apiVersion: string;
  readonly kind: string;
  /** `Kind <namespace expression>/<name expression>`: which object KRO creates for an instance. */
  readonly identity: string;
  readonly includeWhen: readonly string[];
}

/** The resources of an RGD object by id. */
function resourcesOf(rgd: RenderedObject): Map<string, RgdResource> {
  const list = jsonAt(rgd, ['spec', 'resources']);
  const out = new Map<string, RgdResource>();
  for (const r of Array.isArray(list) ? list : []) {
    if (!isJsonObject(r) || typeof r.id !== 'string' || !isJsonObject(r.template)) continue;
    const { apiVersion, kind } = r.template;
    const name = jsonAt(r.template, ['metadata', 'name']);
    const namespace = jsonAt(r.template, ['metadata', 'namespace']);
    const identity = `${String(kind)} ${namespace === undefined ? '' : `${String(namespace)}/`}${String(name)}`;
    const includeWhen = Array.isArray(r.includeWhen) ? r.includeWhen.map(String) : [];
    out.set(r.id, { apiVersion: String(apiVersion), kind: String(kind), identity, includeWhen });
  }
  return out;
}

/** Changes to the RGDs: an RGD removed, a data-holding child renamed, removed or made conditional. */
function rgdChanges(before: readonly RenderedObject[], afterByKey: ReadonlyMap<string, RenderedObject>): GuardedChange[] {
  const out: GuardedChange[] = [];
  for (const old of before.filter((o) => o.kind === RGD_KIND)) {
    const key = objectKey(old);
    const { kind } = schemaOf(old);
    const next = afterByKey.get(key);
    if (!next) {
      // KRO keeps the CRD of a deleted RGD unless run with --allow-crd-deletion (off by default:
      // kubernetes-sigs/kro cmd/controller/main.go); deleting the CRD deletes every instance, and their children
      // follow through their owner references.
      out.push({
        key, severity: 'loses-data',
        problem: `the RGD would be removed: KRO stops managing every ${kind} instance, and deleting its CRD (KRO does so itself when run with --allow-crd-deletion) deletes every instance and everything they hold`,
      });
      continue;
    }
    const nextKind = schemaOf(next).kind;
    if (nextKind !== kind) {
      out.push({
        key, severity: 'loses-data',
        problem: `the RGD would generate ${nextKind} instead of ${kind}: KRO stops managing every ${kind} instance, and deleting the old CRD deletes every instance and everything they hold`,
      });
    }
    const nextResources = resourcesOf(next);
    for (const [id, r] of resourcesOf(old)) {
      const data = dataChildOf(r.apiVersion, r.kind);
      if (!data) continue;
      const now = nextResources.get(id);
      const child = `resource "${id}" (${r.kind}) holds data`;
      if (!now) {
        out.push({
          key: `${key}#${id}`, severity: 'loses-data',
          problem: `${child} and would leave the graph (renamed or removed): KRO deletes it from every ${kind} instance, and with it ${data.loses}`,
        });
      } else if (now.identity !== r.identity) {
        // KRO tracks a child by the object its template names: another kind, name or namespace is a new object,
        // created empty, and the old one is deleted.
        out.push({
          key: `${key}#${id}`, severity: 'loses-data',
          problem: `${child} and would become another object (${r.identity} → ${now.identity}): KRO creates the new one empty and deletes the old one from every ${kind} instance, and with it ${data.loses}`,
        });
      } else if (now.includeWhen.length > 0 && show(now.includeWhen) !== show(r.includeWhen)) {
        out.push({
          key: `${key}#${id}`, severity: 'loses-data',
          problem: `${child} and would exist only when ${now.includeWhen.join(' && ')}: KRO deletes it from every ${kind} instance where that is false, and with it ${data.loses}`,
        });
      }
    }
  }
  return out;
}

/** Changes to instances that the cluster refuses: an immutable field changed, a grow-only one shrunk. */
function fieldChanges(before: readonly RenderedObject[], afterByKey: ReadonlyMap<string, RenderedObject>, rules: readonly KindChangeRules[]): GuardedChange[] {
  const out: GuardedChange[] = [];
  for (const rule of rules) {
    const guarded = markerFields(rule.fields).filter(([, f]) => f.immutable || growOnly(f));
    if (guarded.length === 0) continue;
    // The previous RGD of the kind, when it changed; otherwise its defaults are today's.
    const previousRgd = before.find((o) => o.kind === RGD_KIND && schemaOf(o).kind === rule.kind);
    const previousSchema = previousRgd ? schemaOf(previousRgd).spec : undefined;
    for (const old of before.filter((o) => o.apiVersion === rule.apiVersion && o.kind === rule.kind)) {
      const next = afterByKey.get(objectKey(old));
      if (!next) continue;
      for (const [path, field] of guarded) {
        const oldSet = jsonAt(old.spec, path.split('.'));
        const newSet = jsonAt(next.spec, path.split('.'));
        const marker = previousSchema ? jsonAt(previousSchema, path.split('.')) : undefined;
        const oldDefault = previousSchema ? (typeof marker === 'string' ? markerDefault(marker) : undefined) : field.default;
        const was = oldSet ?? oldDefault;
        const will = newSet ?? field.default;
        const inherited = oldSet === undefined && newSet === undefined
          ? ` (the instance does not set it and the ${rule.kind} RGD's default changes from ${show(oldDefault)} to ${show(field.default)}; setting it to ${show(oldDefault)} on the instance keeps it)`
          : '';
        // A transition rule (`self == oldSelf`) holds only where the field has a value before and after; lists
        // and maps compare item by item, map keys in any order (CEL equality).
        if (field.immutable && was !== undefined && will !== undefined && canonicalJson(was) !== canonicalJson(will)) {
          out.push({ key: objectKey(old), severity: 'refused', problem: `spec.${path} is immutable and would change from ${show(was)} to ${show(will)}${inherited}` });
        } else if (growOnly(field) && shrinks(magnitude(was), magnitude(will))) {
          out.push({ key: objectKey(old), severity: 'refused', problem: `spec.${path} can only grow and would shrink from ${show(was)} to ${show(will)}${inherited}` });
        }
      }
    }
  }
  return out;
}

/**
 * The changes from `before` (the committed `dist/`'s objects: at least those of every file that changed, and
 * every instance of a kind whose RGD changed) to `after` (the new objects) that the cluster refuses or that
 * lose data, with `allowed` (the `allowRemoval` keys) applied.
 * @param rules the instance kinds' field rules, usually {@link changeRulesOf} the app
 */
export function guardChanges(
  before: readonly RenderedObject[], after: readonly RenderedObject[], rules: readonly KindChangeRules[], allowed: readonly string[],
): ChangeGuardResult {
  const afterByKey = new Map(after.map((o) => [objectKey(o), o]));
  const rgd = rgdChanges(before, afterByKey);
  const covered = new Set(rgd.map((c) => c.key));
  const removed: GuardedChange[] = before
    .filter((o) => stateful(o) && !afterByKey.has(objectKey(o)) && !covered.has(objectKey(o)))
    .map((o) => ({
      key: objectKey(o), severity: 'loses-data',
      problem: 'a stateful object would disappear and Flux would stop managing it (its data is kept only because it is not pruned)',
    }));
  const all = [...fieldChanges(before, afterByKey, rules), ...dataSizeChanges(before, afterByKey), ...rgd, ...removed]
    .sort((a, b) => a.key.localeCompare(b.key) || a.problem.localeCompare(b.problem));
  const acknowledged = (c: GuardedChange) => c.severity === 'loses-data' && allowed.includes(c.key);
  return {
    blocked: all.filter((c) => !acknowledged(c)),
    acknowledged: [...new Set(all.filter(acknowledged).map((c) => c.key))],
  };
}

/** Sizes of data-bearing objects that would shrink (`DataBearingKind.growOnly`), which their operators refuse. */
function dataSizeChanges(before: readonly RenderedObject[], afterByKey: ReadonlyMap<string, RenderedObject>): GuardedChange[] {
  const out: GuardedChange[] = [];
  for (const old of before) {
    const kind = dataBearingKindOf(old.apiVersion, old.kind);
    const next = afterByKey.get(objectKey(old));
    if (!kind?.growOnly || !next) continue;
    for (const path of kind.growOnly) {
      const was = jsonAt(old, path);
      const will = jsonAt(next, path);
      if (shrinks(magnitude(was), magnitude(will))) {
        out.push({ key: objectKey(old), severity: 'refused', problem: `${path.join('.')} can only grow and would shrink from ${show(was)} to ${show(will)}` });
      }
    }
  }
  return out;
}

/** `writeDist`'s option and the synth command's flag for the keys, worded for callers of either. */
function acknowledgement(keys: readonly string[]): string {
  return `writeDist's option allowRemoval: ${show(keys)} (npm run synth and @mini-atlas/synth: ${keys.map((k) => `--allow-removal ${k}`).join(' ')})`;
}

/** Thrown when a synth would make changes the cluster refuses, or lose data nobody acknowledged. */
export class RemovalGuardError extends Error {
  /** The keys of the blocked changes, sorted. */
  public readonly objects: readonly string[];
  /**
   * The output folder, as the message names it (`dist`, `deploy/production`): the one whose committed objects
   * the changes are measured against.
   */
  public readonly output: string;

  public constructor(public readonly changes: readonly GuardedChange[], output: string) {
    const refused = changes.filter((c) => c.severity === 'refused');
    const losing = changes.filter((c) => c.severity === 'loses-data');
    const keys = (list: readonly GuardedChange[]) => [...new Set(list.map((c) => c.key))];
    const lines = (list: readonly GuardedChange[]) => list.map((c) => `  - ${c.key}: ${c.problem}`);
    const folder = `${output.replace(/\/+$/, '')}/`;
    const parts = [`Refusing to write ${folder}: ${changes.length} change${changes.length === 1 ? '' : 's'} to the committed ${folder} would be refused by the cluster or lose data.`];
    if (refused.length) {
      parts.push('Refused by the cluster (no acknowledgement helps):', ...lines(refused),
        `  Fix: create a new instance under a new name and remove the old one with ${acknowledgement(keys(refused))}.`);
    }
    if (losing.length) {
      parts.push('Losing data unless acknowledged:', ...lines(losing),
        `  If this is intended, acknowledge it with ${acknowledgement(keys(losing))}, then delete the objects explicitly (see README, "Deleting data").`);
    }
    super(parts.join('\n'));
    this.name = 'RemovalGuardError';
    this.objects = keys(changes);
    this.output = output;
  }
}
