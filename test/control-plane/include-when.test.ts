/**
 * The control-plane suite decides which children KRO creates for an instance from the RGDs in `dist/`
 * (test/cluster/support/rgd-template.ts, `excludedResources`): includeWhen evaluated as CEL, as KRO v0.9 does,
 * and a resource that references a left-out one left out too (`pkg/runtime/node.go`, `IsIgnored`). A condition
 * the suite could not evaluate used to count as "included": it then waited for a child KRO never creates.
 */
import { generatedKinds } from '../cluster/support/platform-model';
import { readDist } from '../cluster/support/dist';
import { evaluateIncludeWhen, excludedResources, RgdResource } from '../cluster/support/rgd-template';
import type { KubeObject } from '../../tools/control-plane/src/kube-client';

const infrastructure = generatedKinds(readDist()).find((k) => k.kind === 'Infrastructure')!;

/** An Infrastructure as the API server stores it: every default of the CRD applied. */
function instance(postgres: Record<string, unknown>, cacheEnabled = true): KubeObject {
  return {
    apiVersion: 'platform.mini-atlas.io/v1alpha1', kind: 'Infrastructure', metadata: { name: 'infra', namespace: 'team-a' },
    spec: {
      postgres: { enabled: true, database: 'app', owner: 'app', instances: 1, storage: '1Gi', extensions: [], databases: [], ...postgres },
      cache: { enabled: cacheEnabled, memory: '128Mi' },
    },
  };
}

const none = new Map<string, KubeObject>();

describe('which Infrastructure children KRO creates (dist/ RGD)', () => {
  test('no extensions: the bootstrap Database is left out (size(extensions) > 0 is false), every other child is created', () => {
    expect(excludedResources(infrastructure.resources, { instance: instance({}), children: none })).toEqual({ excluded: ['bootstrapDatabase'], undecided: [] });
  });

  test('extensions: every child is created', () => {
    expect(excludedResources(infrastructure.resources, { instance: instance({ extensions: ['pg_trgm'] }), children: none })).toEqual({ excluded: [], undecided: [] });
  });

  test('cache-only: the Cluster and every Database are left out, the cache is created', () => {
    expect(excludedResources(infrastructure.resources, { instance: instance({ enabled: false, extensions: ['pg_trgm'] }), children: none }))
      .toEqual({ excluded: ['database', 'bootstrapDatabase', 'databases'], undecided: [] });
  });

  test('database-only: the cache Service and Deployment are left out', () => {
    expect(excludedResources(infrastructure.resources, { instance: instance({}, false), children: none }))
      .toEqual({ excluded: ['bootstrapDatabase', 'cacheService', 'cache'], undecided: [] });
  });
});

describe('includeWhen and KRO\'s propagation of a left-out resource', () => {
  const template = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
  const base: RgdResource = { id: 'base', includeWhen: ['${schema.spec.on}'], template: template('base') };
  const dependent: RgdResource = { id: 'dependent', template: template('${base.metadata.name + "-d"}') };
  const gated: RgdResource = { id: 'gated', includeWhen: ['${base.metadata.name == "base"}'], template: template('gated') };
  const on = (value: boolean): KubeObject => ({ apiVersion: 'x/v1', kind: 'X', metadata: { name: 'x' }, spec: { on: value } });

  test('a resource that references a left-out resource is left out, whatever the order of the list', () => {
    expect(excludedResources([dependent, gated, base], { instance: on(false), children: none })).toEqual({ excluded: ['dependent', 'gated', 'base'], undecided: [] });
  });

  test('an includeWhen reading a resource not observed yet is undecided; once observed, it is evaluated', () => {
    expect(excludedResources([base, dependent, gated], { instance: on(true), children: none })).toEqual({ excluded: [], undecided: ['gated'] });
    expect(evaluateIncludeWhen(gated, { instance: on(true), children: new Map([['base', template('base')]]) })).toBe(true);
    expect(evaluateIncludeWhen(gated, { instance: on(true), children: new Map([['base', template('other')]]) })).toBe(false);
  });

  test('a condition that is not a bool, or not one expression, is an error', () => {
    expect(() => evaluateIncludeWhen({ id: 'r', includeWhen: ['${schema.spec.on ? "yes" : "no"}'] }, { instance: on(true), children: none }))
      .toThrow('r: includeWhen ${schema.spec.on ? "yes" : "no"} gave "yes", not a bool');
    expect(() => evaluateIncludeWhen({ id: 'r', includeWhen: ['on: ${schema.spec.on}'] }, { instance: on(true), children: none }))
      .toThrow('r: includeWhen entry on: ${schema.spec.on} is not one ${…} expression');
  });
});
