/**
 * Every check has a deliberately broken fixture under test/fixtures/broken/<case>; each must produce
 * exactly the expected violations (check, kind, JSON path, message) and nothing else. The valid fixture
 * (a small platform under test/fixtures/valid/dist) must produce none.
 */
import { join } from 'node:path';
import { validateDirectory } from '../../tools/validate/src/index';
import { formatViolation } from '../../tools/validate/src/report';
import { CheckName, Violation } from '../../tools/validate/src/model';

const FIXTURES = join(__dirname, '..', 'fixtures');

interface Expected {
  readonly check: CheckName;
  readonly kind: string;
  readonly path: string;
  readonly message: string | RegExp;
}

/** The readiness rule (CHILD_READINESS) as it reports a Deployment template without its readyWhen. */
const deploymentReadiness = (index = 0): Expected => ({
  check: 'rgd', kind: 'ResourceGraphDefinition', path: `$.spec.resources[${index}].readyWhen`,
  message: 'Deployment "deployment" lacks 4 of the 4 readyWhen conditions of its kind (CHILD_READINESS), so KRO counts it ready too early; first missing: ${has(deployment.status) && has(deployment.status.observedGeneration)',
});

const CASES: Record<string, readonly Expected[]> = {
  'schema-unknown-field': [
    { check: 'schema', kind: 'Deployment', path: '$.spec.template.spec.containers[0].imagePullPolicyy', message: 'unknown field "imagePullPolicyy" (did you mean "imagePullPolicy"?)' },
  ],
  'schema-wrong-type': [{ check: 'schema', kind: 'Deployment', path: '$.spec.replicas', message: 'expected integer, got string "3"' }],
  'schema-missing-required': [{ check: 'schema', kind: 'Deployment', path: '$.spec.selector', message: 'missing required field "selector"' }],
  'schema-int-or-string': [
    { check: 'schema', kind: 'Deployment', path: '$.spec.strategy.rollingUpdate.maxSurge', message: 'expected integer or string, got number 1.5' },
  ],
  'schema-quantity': [
    { check: 'schema', kind: 'Deployment', path: '$.spec.template.spec.containers[0].resources.requests.cpu', message: 'value "lots" is not a valid quantity' },
  ],
  'schema-list-map-duplicate': [
    { check: 'schema', kind: 'Deployment', path: '$.spec.template.spec.containers[1]', message: 'duplicate entry for key [name="app"]' },
  ],
  'schema-format': [
    { check: 'schema', kind: 'ConfigMap', path: '$.metadata.creationTimestamp', message: 'value "yesterday" is not a valid RFC 3339 date-time' },
  ],
  'schema-enum-and-pattern': [
    { check: 'schema', kind: 'HelmRelease', path: '$.spec.install.crds', message: 'value "Sometimes" is not one of ["Skip","Create","CreateReplace"]' },
    { check: 'schema', kind: 'HelmRelease', path: '$.spec.interval', message: 'value "5 minutes" does not match pattern' },
  ],
  'schema-minimum': [{ check: 'schema', kind: 'KafkaTopic', path: '$.spec.partitions', message: 'value 0 is less than the minimum 1' }],
  'schema-cel-rule': [
    { check: 'schema', kind: 'HTTPRoute', path: '$.spec.rules[0].matches[0].path', message: "value must be an absolute path and start with '/'" },
  ],
  'schema-no-schema': [
    { check: 'schema', kind: 'Widget', path: '$', message: 'no schema for example.com/v1 Widget: not a built-in kind and not in any pinned CRD' },
    { check: 'schema', kind: 'Kafka', path: '$', message: 'no schema for kafka.strimzi.io/v1beta2 Kafka; known versions: kafka.strimzi.io/v1' },
  ],
  // The `yaml` library's wording for a duplicate key (js-yaml said "duplicated mapping key (5:3)").
  'load-bad-yaml': [{ check: 'load', kind: '', path: '$', message: 'YAML does not parse: Map keys must be unique at line 5, column 3' }],
  'rgd-simple-schema': [
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.schema.spec.count', message: 'marker default="many": not a valid integer default' },
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.schema.spec.enabled', message: 'enum is only supported for string and integer fields' },
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.schema.spec.mode', message: 'unknown marker "defualt"' },
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.schema.spec.port', message: 'marker pattern="^[0-9]+$": only valid for string fields' },
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.schema.spec.size', message: 'unknown type "Strin"' },
    deploymentReadiness(),
  ],
  'rgd-references': [
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.resources[0].template.metadata.name', message: '"imagee" is not a field of the App schema' },
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.resources[1].readyWhen[0]', message: 'readyWhen may only read the resource itself' },
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.resources[1].template.metadata.name', message: 'reads "svc", which is not schema, a resource id' },
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.resources[1].template.spec.ports[0].targetPort', message: '"containerPortt" is not a field of Deployment' },
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.schema.status.phase', message: 'only schema.spec.* and schema.metadata.* are allowed' },
    deploymentReadiness(),
  ],
  'rgd-condition-type': [
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.resources[0].includeWhen[1]', message: 'includeWhen ${schema.spec.name} returns string; KRO requires a bool (or optional bool) condition' },
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.resources[0].readyWhen[0]', message: 'readyWhen ${deployment.status.availableReplicas} returns integer; KRO requires a bool (or optional bool) condition' },
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.resources[0].readyWhen[1]', message: 'readyWhen ${has(deployment.status.readyReplicas) ? deployment.status.readyReplicas : 0} returns integer; KRO requires a bool (or optional bool) condition' },
    deploymentReadiness(),
  ],
  'rgd-cycle': [
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.resources', message: 'dependency cycle between resources: first → second → first' },
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.resources[0]', message: 'ConfigMap (v1) is not in CHILD_READINESS, so nobody decided when KRO may count it ready' },
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.resources[1]', message: 'ConfigMap (v1) is not in CHILD_READINESS, so nobody decided when KRO may count it ready' },
  ],
  'rgd-template-schema': [
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.resources[0].template.spec.replicas', message: 'Deployment (apps/v1): string template "${schema.spec.replicas}-x" in a field of type integer' },
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.resources[0].template.spec.replicass', message: 'Deployment (apps/v1): unknown field "replicass"' },
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.resources[0].template.spec.revisionHistoryLimit', message: 'yields string but the field expects integer' },
    deploymentReadiness(),
  ],
  'rgd-parse-error': [
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.resources[0].template.metadata.name', message: 'expression ${schema.spec.name +} does not parse' },
    deploymentReadiness(),
  ],
  'rgd-reserved-id': [
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.resources[0].id', message: 'resource id "namespace" is a reserved word in KRO/CEL' },
    { check: 'rgd', kind: 'ResourceGraphDefinition', path: '$.spec.resources[0].readyWhen', message: 'Namespace "namespace" lacks 1 of the 1 readyWhen conditions of its kind (CHILD_READINESS), so KRO counts it ready too early; first missing: ${has(namespace.status)' },
  ],
  'rgd-instance': [
    { check: 'schema', kind: 'App', path: '$.spec.colour', message: 'unknown field "colour"' },
    { check: 'schema', kind: 'App', path: '$.spec.image', message: 'missing required field "image"' },
    { check: 'schema', kind: 'App', path: '$.spec.name', message: 'validation failed' },
    { check: 'schema', kind: 'App', path: '$.spec.replicas', message: 'expected integer, got string "two"' },
    { check: 'schema', kind: 'App', path: '$.spec.tier', message: 'value "batch" is not one of ["web","worker"]' },
    deploymentReadiness(),
  ],
  'hygiene-secret': [{ check: 'hygiene', kind: 'Secret', path: '$.stringData', message: 'Secret carries stringData (password)' }],
  'hygiene-secret-literal': [
    { check: 'hygiene', kind: 'ConfigMap', path: "$.data['values.yaml']", message: 'adminPassword has a literal value that looks like a secret' },
  ],
  'hygiene-container': [
    { check: 'hygiene', kind: 'Deployment', path: '$.spec.template.spec.containers[0].resources', message: 'has no resources requests.cpu, requests.memory, limits.cpu, limits.memory' },
    { check: 'hygiene', kind: 'Deployment', path: '$.spec.template.spec.containers[0].securityContext', message: /runAsNonRoot is not true.*allowPrivilegeEscalation is not false.*capabilities.drop does not include ALL.*seccompProfile.type is unset/ },
  ],
  'hygiene-image-tag': [
    { check: 'hygiene', kind: 'Deployment', path: '$.spec.template.spec.containers[0].image', message: 'image "nginx" has no tag; mutable references are not allowed' },
    { check: 'hygiene', kind: 'Deployment', path: '$.spec.template.spec.containers[1].image', message: 'uses the mutable tag "latest"' },
  ],
  'hygiene-namespace': [
    { check: 'hygiene', kind: 'ConfigMap', path: '$.metadata.namespace', message: 'ConfigMap is namespaced but has no metadata.namespace' },
    { check: 'hygiene', kind: 'ClusterRole', path: '$.metadata.namespace', message: 'ClusterRole is cluster-scoped but sets metadata.namespace "apps"' },
  ],
  'hygiene-data-protection': [
    { check: 'hygiene', kind: 'Namespace', path: '$.metadata.annotations', message: 'Namespace kafka holds data-bearing objects: Flux would delete it when it leaves Git; annotate it kustomize.toolkit.fluxcd.io/prune: disabled' },
    { check: 'hygiene', kind: 'KafkaNodePool', path: '$.metadata.annotations', message: 'KafkaNodePool dual-role holds the brokers and their volumes: Flux would delete it when it leaves Git; annotate it kustomize.toolkit.fluxcd.io/prune: disabled' },
    { check: 'hygiene', kind: 'KafkaNodePool', path: '$.spec.storage.class', message: 'KafkaNodePool holds the brokers and their volumes: its volumes must use a StorageClass with reclaimPolicy Retain, not "fast"; set it to a retained class (none in dist/)' },
  ],
  'hygiene-yaml-1.1': [
    { check: 'hygiene', kind: 'ConfigMap', path: '$.data.appendonly', message: 'plain value no is false under YAML 1.1 (kubectl and the API server) but "no" under YAML 1.2; quote it' },
  ],
  'hygiene-rgd-image': [
    { check: 'hygiene', kind: 'ResourceGraphDefinition', path: '$.spec.resources[0].template.spec.template.spec.containers[0].image', message: 'image comes from schema.spec.image, which has no pattern (or validation/enum) marker' },
    deploymentReadiness(),
  ],
  'flux-path-missing/dist': [
    { check: 'flux', kind: 'Kustomization', path: '$.spec.path', message: 'path ./dist/apps does not exist' },
  ],
  'flux-depends-on/dist': [
    { check: 'flux', kind: 'Kustomization', path: '$.spec.dependsOn[0]', message: 'dependsOn target Kustomization flux-system/x does not exist' },
    { check: 'flux', kind: 'Kustomization', path: '$.spec.dependsOn', message: 'dependsOn cycle: flux-system/b → flux-system/c → flux-system/b' },
  ],
  'flux-crd-order/dist': [
    { check: 'flux', kind: 'Kustomization', path: '$.spec.wait', message: 'dependents need the CRDs from HelmRelease strimzi-system/strimzi' },
    { check: 'flux', kind: 'KafkaTopic', path: '$', message: 'is installed in the same layer flux-system/operators by HelmRelease strimzi-system/strimzi' },
    { check: 'flux', kind: 'KafkaTopic', path: '$', message: 'layer flux-system/unordered does not depend on it' },
    { check: 'flux', kind: 'KafkaTopic', path: '$.metadata.namespace', message: 'namespace "strimzi-system" must exist before layer flux-system/unordered is applied, but it is created by Namespace strimzi-system in layer flux-system/operators, and flux-system/unordered does not depend on it' },
  ],
  'flux-namespace-order/dist': [
    { check: 'flux', kind: 'HelmRelease', path: '$.spec.values.watchNamespaces[0]', message: 'namespace "kafka" must exist before layer flux-system/operators is applied, but it is created by Namespace kafka in layer flux-system/shared-services, and flux-system/operators does not depend on it' },
    { check: 'flux', kind: 'HelmRelease', path: '$.spec.values', message: 'creates pods in namespace "kafka", which enforces Pod Security "restricted", but its pods meet only "baseline" (set extraEnvs STRIMZI_POD_SECURITY_PROVIDER_CLASS=restricted)' },
    { check: 'flux', kind: 'HelmRelease', path: '$.spec.targetNamespace', message: 'namespace "acme-data" must exist before layer flux-system/operators is applied, but no layer creates it' },
    { check: 'flux', kind: 'HelmRelease', path: '$.spec.values.controller.watchNamespaces[0]', message: 'namespace "ghost" must exist before layer flux-system/operators is applied, but no layer creates it' },
  ],
  'flux-tenant-stage/dist': [
    { check: 'flux', kind: 'ConfigMap', path: '$.kind', message: 'v1 ConfigMap in flux-system/blue, which is applied as delivery-blue: a team stage may hold only WebApplication, Workload, Infrastructure, Topic' },
  ],
  'flux-wait/dist': [
    { check: 'flux', kind: 'Kustomization', path: '$.spec.wait', message: 'flux-system/apps depends on this Kustomization, which does not set wait: true, so Flux counts it Ready once applied and the dependents may start before its objects work' },
  ],
  'flux-kustomization-file/dist': [
    { check: 'flux', kind: 'Kustomization', path: '$.resources', message: 'dist/flux-system/extra.yaml is not listed, so Flux does not apply it' },
    { check: 'flux', kind: 'Kustomization', path: '$.resources[1]', message: 'resource "missing.yaml" does not exist' },
  ],
  'flux-health-crd/dist': [
    {
      check: 'flux', kind: 'Kustomization', path: '$.spec.healthCheckExprs',
      message: "waits for example.com/v1 Widget (dist/widgets/objects.yaml), whose status reports readiness that Flux's generic kstatus check does not read, but healthCheckExprs has no entry for example.com/Widget: Flux would count it healthy as soon as it exists",
    },
    {
      check: 'flux', kind: 'Kustomization', path: '$.spec.healthCheckExprs',
      message: "waits for example.com/v1 Gadget (dist/widgets/objects.yaml), whose status reports readiness that Flux's generic kstatus check does not read, but healthCheckExprs has no entry for example.com/Gadget: Flux would count it healthy as soon as it exists",
    },
  ],
  'flux-chart-pin/dist': [
    { check: 'flux', kind: 'HelmRepository', path: '$.spec.url', message: 'chart cloudnative-pg comes from https://charts.example.com/cnpg, not the pinned' },
    { check: 'flux', kind: 'HelmRelease', path: '$.spec.chart.spec.version', message: 'chart cloudnative-pg version "0.28.0" is not the pinned 0.29.0' },
  ],
};

function matches(v: Violation, e: Expected): boolean {
  const messageOk = typeof e.message === 'string' ? v.message.includes(e.message) : e.message.test(v.message);
  return v.check === e.check && v.kind === e.kind && v.path === e.path && messageOk;
}

describe('broken fixtures', () => {
  it.each(Object.keys(CASES))('%s fails with exactly the expected violations', (name) => {
    const report = validateDirectory(join(FIXTURES, 'broken', name));
    const expected = CASES[name];
    const lines = report.violations.map((v) => formatViolation(v));
    const missing = expected.filter((e) => !report.violations.some((v) => matches(v, e)));
    expect({ missing, lines }).toEqual({ missing: [], lines: expect.any(Array) });
    expect(lines).toHaveLength(expected.length);
  });
});

describe('valid fixture', () => {
  it('passes every check', () => {
    const report = validateDirectory(join(FIXTURES, 'valid', 'dist'));
    expect(report.violations.map((v) => formatViolation(v))).toEqual([]);
    expect(report.documents).toBe(23);
    // the fixture exercises CEL rules (HTTPRoute, Kafka, RGD) and the RGD-generated kind
    expect(report.cel.evaluations).toBe(28);
    expect(report.kinds.find((k) => k.kind === 'WebService')?.objects).toBe(1);
    expect(report.notes).toEqual([
      'not applied by any Flux Kustomization under dist (bootstrap objects?): dist/flux-system',
      'RGD web-service: image at $.spec.resources[0].template.spec.template.spec.containers[0].image is ${schema.spec.image}; ' +
        "not checked as a literal, schema.spec.image's constraints reject untagged and :latest images",
    ]);
  });
});
