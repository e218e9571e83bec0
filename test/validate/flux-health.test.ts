/**
 * The offline rule "a waiting Flux layer has a health check for every custom kind with a status",
 * on today's dist/ (a copy with the Kafka entry removed) and on the CRDs a layer installs itself; the made-up
 * CRD case is the fixture `broken/flux-health-crd` (test/validate/fixtures.test.ts).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { toYaml } from '../../lib/synth/kubernetes-yaml';
import { PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';
import { statusReportsReadiness } from '../../tools/validate/src/flux-health';
import { validateDirectory } from '../../tools/validate/src/index';
import { formatViolation } from '../../tools/validate/src/report';
import { sharedRegistry } from '../../tools/validate/src/schema-registry';

const DIST = join(PROJECT_ROOT, 'dist');
const FIXTURE = join(PROJECT_ROOT, 'test', 'fixtures', 'broken', 'flux-health-crd', 'dist');

/** Copies `source` to a temporary `<tmp>/dist`, lets `edit` change it, validates it and cleans up. */
function validateEdited(source: string, edit: (dist: string) => void): string[] {
  const tmp = mkdtempSync(join(tmpdir(), 'mini-atlas-health-'));
  try {
    cpSync(source, join(tmp, 'dist'), { recursive: true });
    edit(join(tmp, 'dist'));
    return validateDirectory(join(tmp, 'dist')).violations.map((v) => formatViolation(v, tmp));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

describe("today's dist/", () => {
  test('without the Kafka entry, core-shared-services fails with exactly one violation', () => {
    const file = 'flux-system/kustomization-flux-system-core-shared-services.yaml';
    expect(validateEdited(DIST, (dist) => {
      const ks = parse(readFileSync(join(dist, file), 'utf8'));
      ks.spec.healthCheckExprs = ks.spec.healthCheckExprs.filter((e: { kind: string }) => e.kind !== 'Kafka');
      writeFileSync(join(dist, file), toYaml(ks));
    })).toEqual([
      `dist/${file}: kustomize.toolkit.fluxcd.io/v1/Kustomization flux-system/core-shared-services: $.spec.healthCheckExprs: ` +
      'waits for kafka.strimzi.io/v1 Kafka (dist/core/shared-services/kafka-kafka-shared.yaml), whose status reports ' +
      "readiness that Flux's generic kstatus check does not read, but healthCheckExprs has no entry for kafka.strimzi.io/Kafka: " +
      'Flux would count it healthy as soon as it exists',
    ]);
  });
});

describe('which kinds carry a readiness signal (pinned schemas)', () => {
  const { registry } = sharedRegistry();
  test.each([
    ['kafka.strimzi.io/v1', 'Kafka', true],
    ['kafka.strimzi.io/v1', 'KafkaNodePool', true],
    ['gateway.networking.k8s.io/v1', 'Gateway', true],
    ['kro.run/v1alpha1', 'ResourceGraphDefinition', true],
    ['kyverno.io/v1', 'ClusterPolicy', true],
    ['policies.kyverno.io/v1', 'ValidatingPolicy', true],
    ['gateway.networking.k8s.io/v1', 'HTTPRoute', true],
    ['cilium.io/v2', 'CiliumNetworkPolicy', true],
    ['gateway.networking.k8s.io/v1', 'ReferenceGrant', false],
    ['policies.kyverno.io/v1', 'PolicyException', false],
  ] as const)('%s %s: %s', (apiVersion, kind, expected) => {
    const schema = registry.lookup(apiVersion, kind);
    if ('error' in schema) throw new Error(schema.error);
    expect(statusReportsReadiness(schema.root)).toBe(expected);
  });
});

test("a CRD a layer installs is the schema of that layer's objects", () => {
  expect(validateEdited(FIXTURE, (dist) => {
    const file = join(dist, 'checked', 'widget.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('spec: {size: 2}', 'spec: {sizee: 2}'));
  })).toEqual([
    'dist/checked/widget.yaml: example.com/v1/Widget demo/checked: $.spec.sizee: unknown field "sizee" (did you mean "size"?)',
    expect.stringContaining('flux-system/widgets: $.spec.healthCheckExprs: waits for example.com/v1 Gadget'),
    expect.stringContaining('flux-system/widgets: $.spec.healthCheckExprs: waits for example.com/v1 Widget'),
  ]);
});
