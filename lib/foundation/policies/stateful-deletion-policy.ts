/**
 * Deleting data is an explicit act, decided by the object that owns the data.
 *
 * The policy guards every data-bearing kind (`DATA_BEARING_KINDS`, lib/shared/data-bearing.ts) and every
 * Namespace. One rule:
 * - an object is *released* when its **owner** carries `platform.mini-atlas.io/allow-delete: "true"`. The owner
 *   is the platform instance KRO manages the object for, looked up live (Kyverno's `resource.Get`) from KRO's
 *   instance labels and accepted only if its UID is the one KRO recorded (`kro.run/instance-id`); an object
 *   with no such live owner (an instance, the shared Kafka, an RGD, or an orphan) is its own owner. An
 *   annotation copied onto a child does not count while its owner is protected.
 * - a data-bearing object is deleted only when released;
 * - a Namespace is deleted only when every data-bearing object in it is released (`resource.List` per kind), so
 *   the namespace controller never starts on a namespace it cannot empty, and finishes once the owners allow it;
 * - likewise an object that owns a namespace (a Workspace: KRO labels the namespace with its UID) is deleted only
 *   when that namespace could be, so deleting it never leaves KRO stuck on a namespace it may not delete.
 *
 * Sources: KRO v0.9.3 labels every child with its instance's group, version, kind, name, namespace and UID
 * (pkg/metadata/labels.go; it sets no ownerReferences on children, which could not cross namespaces anyway:
 * a KafkaTopic lives in the Kafka namespace, its Topic in the workspace); Kyverno's resource library
 * (`resource.Get` returns null for a missing object, `resource.List(apiVersion, resource, namespace)`,
 * https://kyverno.io/docs/policy-types/cel-libraries/, kyverno/sdk extensions/cel/libs/resource); the
 * Kubernetes namespace controller deletes a terminating namespace's objects through the API, so admission
 * sees each deletion.
 */
import { Construct } from 'constructs';
import { ANNOTATIONS, PLATFORM_GROUP } from '../../shared/api';
import { DATA_BEARING_KINDS, DataBearingKind } from '../../shared/data-bearing';
import { PlatformPolicy, PolicyMatch } from './platform-policy';

/** KRO's labels on every child of an instance (KRO v0.9.3, pkg/metadata/labels.go). */
export const KRO_INSTANCE_LABELS = {
  id: 'kro.run/instance-id',
  name: 'kro.run/instance-name',
  namespace: 'kro.run/instance-namespace',
  group: 'kro.run/instance-group',
  version: 'kro.run/instance-version',
  kind: 'kro.run/instance-kind',
} as const;

/** A kind of instance that can own data-bearing children: an RGD-generated kind of the platform group. */
export interface OwnerKind {
  /** Kind, e.g. `Infrastructure`. */
  readonly kind: string;
  /** Plural resource name, e.g. `infrastructures`. */
  readonly resource: string;
}

/** Properties of {@link StatefulDeletionPolicy}. */
export interface StatefulDeletionPolicyProps {
  /** The platform kinds whose instances own children (the Foundation's RGDs). */
  readonly ownerKinds: readonly OwnerKind[];
  /** The guarded kinds. @default DATA_BEARING_KINDS */
  readonly kinds?: readonly DataBearingKind[];
}

const q = (s: string): string => JSON.stringify(s);
const celMap = (entries: readonly (readonly [string, string])[]): string => `{${entries.map(([k, v]) => `${q(k)}: ${q(v)}`).join(', ')}}`;

/** CEL: `namespace/name` (or `name`) of object `x`. */
function ref(x: string): string {
  return `(${x}.metadata.?namespace.orValue("") != "" ? ${x}.metadata.namespace + "/" : "") + ${x}.metadata.name`;
}

/**
 * CEL: the live owner of object `x` if KRO manages it for a platform instance that still exists with the UID
 * KRO recorded, else null. `v` prefixes the bound names, so the expression nests inside comprehensions.
 */
export function celVerifiedOwner(x: string, v: string): string {
  const L = KRO_INSTANCE_LABELS;
  const l = `${v}Labels`;
  const o = `${v}Owner`;
  const label = (k: string): string => `${l}[?${q(k)}].orValue("")`;
  return `cel.bind(${l}, ${x}.metadata.?labels.orValue({}), ` +
    `cel.bind(${o}, ${label(L.group)} == ${q(PLATFORM_GROUP)} && ${label(L.kind)} in variables.ownerResources ` +
    `? dyn(resource.Get(${label(L.group)} + "/" + ${label(L.version)}, variables.ownerResources[${label(L.kind)}], ${label(L.namespace)}, ${label(L.name)})) : dyn(null), ` +
    `${o} != null && ${o}.metadata.uid == ${label(L.id)} ? ${o} : dyn(null)))`;
}

/** CEL: object `x` carries the allow-delete annotation. */
function allowsDelete(x: string): string {
  return `${x}.metadata.?annotations[?${q(ANNOTATIONS.allowDelete)}].orValue("") == "true"`;
}

/** CEL: object `x` is released: its verified owner, or itself when it has none, allows deletion. */
export function celReleased(x: string, v: string): string {
  const d = `${v}Decider`;
  return `cel.bind(${d}, cel.bind(${v}By, ${celVerifiedOwner(x, v)}, ${v}By != null ? ${v}By : ${x}), ${allowsDelete(d)})`;
}

/**
 * CEL: `Kind namespace/name` of every data-bearing object in the namespace named by `ns` that is not released,
 * kind by kind (`variables.namespacedKinds`).
 */
function unreleasedIn(ns: string): string {
  return `variables.namespacedKinds.map(k, dyn(resource.List(k[0], k[1], ${ns}).items)` +
    `.filter(d, !${celReleased('d', 'd')}).map(d, k[2] + " " + ${ref('d')})).flatten()`;
}

/** The `stateful-deletion` policy. */
export class StatefulDeletionPolicy extends PlatformPolicy {
  public constructor(scope: Construct, id: string, props: StatefulDeletionPolicyProps) {
    const kinds = props.kinds ?? DATA_BEARING_KINDS;
    const a = ANNOTATIONS.allowDelete;
    // The version each kind is read with, not '*': admission matches the other served versions of a kind anyway
    // (matchPolicy Equivalent, the default), and the Kyverno CLI resolves no kinds from a '*' version.
    const versions = [...new Set(kinds.map((k) => `${k.group}/${k.version}`))];
    const match: PolicyMatch[] = [
      ...versions.map((gv) => {
        const of = kinds.filter((k) => `${k.group}/${k.version}` === gv);
        return { apiGroup: of[0]!.group, apiVersions: [of[0]!.version], resources: of.map((k) => k.resource) };
      }),
      { apiGroup: '', apiVersions: ['v1'], resources: ['namespaces'] },
    ];
    const isNamespace = 'oldObject.kind == "Namespace"';
    // [apiVersion, resource, kind] of each namespaced data-bearing kind, listed in a namespace that is deleted.
    const namespaced = `[${kinds.filter((k) => k.namespaced).map((k) => `[${q(k.group ? `${k.group}/${k.version}` : k.version)}, ${q(k.resource)}, ${q(k.kind)}]`).join(', ')}]`;
    super(scope, id, {
      name: 'stateful-deletion',
      description: `Objects that hold data (${kinds.map((k) => k.kind).join(', ')}) and the namespaces holding them are deleted only when their owner is annotated ${a}=true.`,
      namespaces: 'all',
      operations: ['DELETE'],
      match,
      variables: {
        ownerResources: celMap(props.ownerKinds.map((k) => [k.kind, k.resource] as const)),
        holds: celMap(kinds.map((k) => [k.kind, k.holds] as const)),
        owner: `${isNamespace} ? dyn(null) : ${celVerifiedOwner('oldObject', 'req')}`,
        decider: `variables.owner != null ? variables.owner : oldObject`,
        namespacedKinds: namespaced,
        unreleased: `${isNamespace} ? ${unreleasedIn('oldObject.metadata.name')} : []`,
        // The namespaces KRO created for the object being deleted (a Workspace's), by KRO's instance-id label.
        ownedUnreleased: `${isNamespace} ? [] : dyn(resource.List("v1", "namespaces", "", {${q(KRO_INSTANCE_LABELS.id)}: oldObject.metadata.?uid.orValue("")}).items)` +
          `.map(n, ${unreleasedIn('n.metadata.name')}).flatten()`,
      },
      rules: [
        {
          expression: `${isNamespace} || ${allowsDelete('variables.decider')}`,
          messageExpression: `oldObject.kind + " " + ${ref('oldObject')} + " holds " + variables.holds[?oldObject.kind].orValue("data") + ` +
            `(variables.owner != null ? " and belongs to " + variables.owner.kind + " " + ${ref('variables.owner')} + ": annotate that " + variables.owner.kind : ": annotate it") + ` +
            `${q(` ${a}=true to delete it`)}`,
        },
        {
          expression: `!(${isNamespace}) || size(variables.unreleased) == 0`,
          messageExpression: `"Namespace " + oldObject.metadata.name + " holds data whose owner does not allow deleting it: " + variables.unreleased.join(", ") + ` +
            `${q(`; annotate each owner ${a}=true first`)}`,
        },
        {
          expression: `${isNamespace} || size(variables.ownedUnreleased) == 0`,
          messageExpression: `oldObject.kind + " " + ${ref('oldObject')} + " owns a namespace holding data whose owner does not allow deleting it: " + ` +
            `variables.ownedUnreleased.join(", ") + ${q(`; annotate each owner ${a}=true first`)}`,
        },
      ],
    });
  }
}
