/**
 * Flux health coverage: a Flux Kustomization that waits (`wait: true`) for a custom resource whose readiness
 * lives in status conditions must carry a `healthCheckExprs` entry for that kind. Without one,
 * kustomize-controller uses kstatus' generic rules, which read only `status.observedGeneration` and the
 * `Reconciling`/`Stalled` conditions (sigs.k8s.io/cli-utils `pkg/kstatus/status/generic.go`), so a Strimzi
 * `NotReady=True` or a KRO instance with `Ready=False` counts as healthy and the next layer starts on top of it.
 *
 * A kind has such a signal when its schema's status holds a `conditions` field, directly or one object below
 * (Kyverno's `status.conditionStatus.conditions`). RGD-generated kinds always have one: KRO adds
 * `status.conditions` and `status.state` to every CRD it generates (KRO v0.9.3 `pkg/graph/crd/crd.go`).
 * Exempt are built-in kinds and the kinds of `READINESS_DECLARATIONS` (lib/gitops/health-checks.ts): Flux's
 * own kinds, which follow kstatus, and kinds another kind's check covers (Strimzi's KafkaNodePool).
 * Entries match by API group and kind, as Flux matches them.
 */
import { relative } from 'node:path';
import { groupKindOf, readinessDeclarationOf } from 'mini-atlas';
import { FluxLayer } from './flux-graph';
import { childPath } from './json-path';
import { Violation } from './model';
import { asString, violation } from './objects';
import { KindResolver, splitApiVersion } from './schema-registry';
import { SchemaNode } from './schema-node';

/**
 * Whether a kind's status reports anything: then its readiness lives there (conditions, a phase, counts), which
 * Flux's generic kstatus check does not read (it reads only observedGeneration and Reconciling/Stalled).
 */
export function statusReportsReadiness(root: SchemaNode): boolean {
  const status = root.properties?.get('status');
  return !!status && ((status.properties?.size ?? 0) > 0 || status.preserveUnknownFields);
}

/** Violations for waiting Flux layers that lack a health check for a custom kind with status conditions. */
export function checkHealthCoverage(layers: readonly FluxLayer[], kinds: KindResolver, repoRoot: string): Violation[] {
  const out: Violation[] = [];
  for (const layer of layers) {
    if (!layer.wait) continue;
    const checked = new Set(layer.healthCheckExprs.map((entry) => groupKindOf(asString(entry.apiVersion) ?? '', asString(entry.kind) ?? '')));
    const uncovered = new Map<string, { apiVersion: string; kind: string; files: Set<string> }>();
    for (const m of layer.members) {
      const apiVersion = String(m.object.apiVersion);
      const kind = String(m.object.kind);
      const { group } = splitApiVersion(apiVersion);
      if (kinds.registry.isBuiltinGroupKind(group, kind) || readinessDeclarationOf(apiVersion, kind)) continue;
      const key = groupKindOf(apiVersion, kind);
      if (checked.has(key)) continue;
      // Kinds without a schema are reported by the schema check.
      const schema = kinds.lookup(apiVersion, kind);
      if ('error' in schema || !(schema.origin === 'rgd' || statusReportsReadiness(schema.root))) continue;
      const entry = uncovered.get(key) ?? { apiVersion, kind, files: new Set<string>() };
      entry.files.add(relative(repoRoot, m.file));
      uncovered.set(key, entry);
    }
    for (const { apiVersion, kind, files } of uncovered.values()) {
      out.push(violation(layer.document, 'flux', childPath('$.spec', 'healthCheckExprs'),
        `waits for ${apiVersion} ${kind} (${[...files].sort().join(', ')}), whose status reports readiness that ` +
        `Flux's generic kstatus check does not read, but healthCheckExprs has no entry for ${groupKindOf(apiVersion, kind)}: ` +
        'Flux would count it healthy as soon as it exists'));
    }
  }
  return out;
}
