/** Rules every RGD of the platform follows. */
import { Json, ofKind, render } from '../helpers/platform';

const rgds = ofKind(render(), 'ResourceGraphDefinition') as Json[];

test('instances use metadata.name/namespace only (no spec.name or spec.namespace)', () => {
  expect(Object.fromEntries(rgds
    .map((rgd) => [rgd.spec.schema.kind, Object.keys(rgd.spec.schema.spec).filter((f) => f === 'name' || f === 'namespace')])))
    .toEqual({ Infrastructure: [], Topic: [], WebApplication: [], Workload: [], Workspace: [] });
});

test('every RGD status field refers to a resource (KRO rejects constant status expressions)', () => {
  // status field → the ids (schema or a resource) its expression reads: an id that starts a path outside a
  // string literal, so neither `schema.spec.cache.enabled` nor "-cache." refers to the resource `cache`
  const refsOf = (rgd: Json): Record<string, string[]> => {
    const ids = ['schema', ...rgd.spec.resources.map((r: Json) => r.id)];
    const code = (expr: string): string => expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    return Object.fromEntries((Object.entries(rgd.spec.schema.status ?? {}) as [string, string][])
      .map(([field, expr]) => [field, ids.filter((id) => new RegExp(`(?<![\\w.])${id}\\.`).test(code(expr)))]));
  };
  expect(Object.fromEntries(rgds.map((rgd) => [rgd.spec.schema.kind, refsOf(rgd)]))).toEqual({
    Infrastructure: { cacheHost: ['schema'], cacheSecret: ['schema'], databaseHost: ['schema'], databaseSecret: ['schema'] },
    Topic: { bootstrapServers: ['topic'], topicName: ['topic'] },
    WebApplication: { availableReplicas: ['deployment'], url: ['schema'] },
    Workload: {},
    Workspace: { namespace: ['workspaceNamespace'], phase: ['workspaceNamespace'] },
  });
});
