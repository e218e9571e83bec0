/**
 * Unit behaviour of the validator's building blocks: SimpleSchema markers and types, `${…}` extraction,
 * CEL rule evaluation (typing, escaping, defaults, transition and unevaluable rules), structural semantics
 * (pruning vs preserve-unknown-fields, embedded resources, nullable), the pinned CRDs' rule inventory and
 * scalars that YAML 1.1 and YAML 1.2 read differently.
 */
import { referencesOf, parseCel } from '../../tools/validate/src/cel-ast';
import { celPropertyName, CelRuleEvaluator, classifyRule } from '../../tools/validate/src/cel-rules';
import { imagePinProblem } from '../../lib/shared/names';
import { yamlReadingDifferences } from '../../tools/validate/src/hygiene';
import { extractExpressions } from '../../tools/validate/src/kro-expressions';
import { CelStatistics, Violation } from '../../tools/validate/src/model';
import { RawSchema, SchemaCompiler } from '../../tools/validate/src/schema-node';
import { sharedRegistry } from '../../tools/validate/src/schema-registry';
import { parseMarkers, SimpleSchemaConverter } from '../../tools/validate/src/simple-schema';
import { validateValue } from '../../tools/validate/src/structural-validator';

const stats = (): CelStatistics => ({ evaluations: 0, failures: 0, transitionRules: [], unevaluable: [] });

function check(raw: RawSchema, value: unknown, cel = stats()): Pick<Violation, 'path' | 'message'>[] {
  const node = new SchemaCompiler().compile(raw, 'crd', 'test');
  const issues: Pick<Violation, 'path' | 'message'>[] = [];
  validateValue(node, value, '$', { rules: new CelRuleEvaluator('test/v1/T', cel, new Set()) }, issues);
  return issues;
}

describe('SimpleSchema', () => {
  it('parses quoted marker values with escapes and spaces', () => {
    expect(parseMarkers(' required=true description="a \\"quoted\\" text" pattern="^[a-z ]+$" default=3')).toEqual([
      { key: 'required', value: 'true' },
      { key: 'description', value: 'a "quoted" text' },
      { key: 'pattern', value: '^[a-z ]+$' },
      { key: 'default', value: '3' },
    ]);
  });

  it('rejects a marker without a value and an unclosed quote', () => {
    expect(() => parseMarkers('required')).toThrow('has no value');
    expect(() => parseMarkers('description="open')).toThrow('unclosed quote');
  });

  it('converts types, collections, custom types and markers to OpenAPI', () => {
    const { schema, issues } = new SimpleSchemaConverter({ Port: { number: 'integer | default=80' } }).convert({
      name: 'string | required=true minLength=1 maxLength=63',
      ratio: 'float | minimum=0 maximum=1',
      tags: '[]string | uniqueItems=true maxItems=3',
      env: 'map[string]string',
      ports: '[]Port',
      extra: 'object',
      tier: 'string | default="web" enum="web, worker"',
      nested: { enabled: 'boolean | default=false' },
    }, '$.spec.schema.spec');
    expect(issues).toEqual([]);
    expect(schema).toMatchObject({
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 63 },
        ratio: { type: 'number', minimum: 0, maximum: 1 },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set', maxItems: 3 },
        env: { type: 'object', additionalProperties: { type: 'string' } },
        ports: { type: 'array', items: { type: 'object', properties: { number: { type: 'integer', default: 80 } } } },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        tier: { type: 'string', default: 'web', enum: ['web', 'worker'] },
        nested: { type: 'object', default: {}, properties: { enabled: { type: 'boolean', default: false } } },
      },
    });
  });

  it('reports bad types and markers at their paths', () => {
    const { issues } = new SimpleSchemaConverter().convert({
      a: 'map[int]string', b: '[]', c: 'integer | minLength=2', d: 'string | pattern="(unclosed"', e: 7,
    }, '$.s');
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      '$.s.a: type "map[int]string": map key must be string',
      '$.s.b: type "[]": empty slice element type',
      '$.s.c: marker minLength="2": only valid for string fields, this field is integer',
      expect.stringMatching(/^\$\.s\.d: marker pattern=".*": invalid RE2 pattern/),
      '$.s.e: a SimpleSchema field must be a type string or a nested map, got 7',
    ]);
  });
});

describe('KRO expressions', () => {
  it('extracts expressions with nested braces and string literals', () => {
    expect(extractExpressions('${a.b}')).toEqual({ expressions: ['a.b'], whole: true });
    expect(extractExpressions('x-${ {"k": "}"}["k"] }-${b}')).toEqual({ expressions: [' {"k": "}"}["k"] ', 'b'], whole: false });
    expect(extractExpressions('${a.b')).toEqual({ error: expect.stringContaining('unterminated') });
  });

  it('finds the references of an expression, ignoring comprehension variables', () => {
    const parsed = parseCel('schema.spec.items.map(i, i.name + deploy.metadata.name).size() > 0 && has(schema.spec.x)');
    if (!parsed.ok) throw new Error(parsed.error);
    expect(referencesOf(parsed.expr).map((r) => `${r.root}.${r.path.join('.')}`).sort()).toEqual([
      'deploy.metadata.name', 'schema.spec.items', 'schema.spec.x',
    ]);
  });
});

describe('structural semantics', () => {
  it('prunes undeclared fields of CRD objects but keeps preserve-unknown-fields and maps open', () => {
    const raw: RawSchema = {
      type: 'object',
      properties: {
        closed: { type: 'object' },
        open: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        map: { type: 'object', additionalProperties: { type: 'integer' } },
      },
    };
    expect(check(raw, { closed: { a: 1 }, open: { b: { c: 1 } }, map: { x: 1, y: 'two' } }).map((i) => `${i.path}: ${i.message}`)).toEqual([
      '$.closed.a: unknown field "a"',
      '$.map.y: expected integer, got string "two"',
    ]);
  });

  it('accepts apiVersion/kind/metadata on embedded resources and checks nullable', () => {
    const raw: RawSchema = {
      type: 'object',
      properties: {
        obj: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
        n: { type: 'string', nullable: true },
        m: { type: 'string' },
      },
    };
    expect(check(raw, { obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, n: null, m: null }))
      .toEqual([{ path: '$.m', message: 'null value in a field that is not nullable (the API server drops it)' }]);
  });
});

describe('CEL rules', () => {
  it('evaluates with integer typing, escaped names and defaults applied', () => {
    const raw: RawSchema = {
      type: 'object',
      properties: {
        'max-replicas': { type: 'integer' },
        min: { type: 'integer', default: 1 },
        namespace: { type: 'string' },
      },
      'x-kubernetes-validations': [
        { rule: 'self.min <= self.max__dash__replicas', message: 'min must not exceed max' },
        { rule: "self.__namespace__ != 'kube-system'", messageExpression: "'namespace ' + self.__namespace__ + ' is reserved'" },
      ],
    };
    const cel = stats();
    expect(check(raw, { 'max-replicas': 3, namespace: 'apps' }, cel)).toEqual([]);
    expect(check(raw, { 'max-replicas': 0, namespace: 'kube-system' }, cel)).toEqual([
      { path: '$', message: 'min must not exceed max' },
      { path: '$', message: 'namespace kube-system is reserved' },
    ]);
    expect(cel.evaluations).toBe(4);
    expect(cel.failures).toBe(2);
  });

  it('lists transition rules and unevaluable rules instead of passing them silently', () => {
    const raw: RawSchema = {
      type: 'string',
      'x-kubernetes-validations': [
        { rule: 'self == oldSelf', message: 'immutable' },
        { rule: "url(self).getHost() == 'example.com'" },
      ],
    };
    const cel = stats();
    expect(check(raw, 'https://example.com', cel)).toEqual([]);
    expect(cel.transitionRules).toEqual([expect.objectContaining({ rule: 'self == oldSelf' })]);
    expect(cel.unevaluable).toEqual([expect.objectContaining({ rule: "url(self).getHost() == 'example.com'", reason: expect.stringContaining('url') })]);
    expect(cel.evaluations).toBe(0);
  });

  it('escapes property names as the API server does', () => {
    expect(celPropertyName('namespace')).toBe('__namespace__');
    expect(celPropertyName('a.b-c/d__e')).toBe('a__dot__b__dash__c__slash__d__underscores__e');
    expect(celPropertyName('1abc')).toBeUndefined();
  });

  it('can evaluate or classify every rule of the pinned CRDs', () => {
    const { registry } = sharedRegistry();
    const rules = registry.crdRules();
    const classified = rules.map((r) => ({ ...r, ...classifyRule(r.rule) }));
    expect(classified.filter((c) => c.status === 'unevaluable')).toEqual([]);
    // the rules of the pinned CRDs: those reading oldSelf apply on update only
    const counts: Record<string, number> = {};
    for (const c of classified) counts[c.status] = (counts[c.status] ?? 0) + 1;
    expect(counts).toEqual({ evaluable: 347, transition: 37 });
  });
});

describe('image references (the one pinned-image rule, lib/shared/names.ts)', () => {
  it.each([
    ['nginx', 'has no tag; mutable references are not allowed'],
    ['registry.local:5000/team/app', 'has no tag; mutable references are not allowed'],
    ['ghcr.io/team/app:latest', 'uses the mutable tag "latest"'],
    ['registry.local:5000/team/app:1.2', undefined],
    [`ghcr.io/team/app@sha256:${'0'.repeat(64)}`, undefined],
  ])('%s', (image, reason) => {
    expect(imagePinProblem(image)).toBe(reason);
  });
});

describe('YAML 1.1 and 1.2 readings', () => {
  const k8s = 'under YAML 1.1 (kubectl and the API server) but';

  it('reports every plain scalar the two read differently, with its path, in every document', () => {
    const text = [
      'kind: ConfigMap', 'data:', '  appendonly: no', '  enabled: "on"', '  mode: 0755', '  size: 1_000', '  ratio: 1:20', '  on: x',
      'args: [--appendonly, no, ~]', 'replicas: 3', '---', 'kind: Other', 'spec:', '  hex: 0X1F', '  when: 2024-01-01', '',
    ].join('\n');
    expect(yamlReadingDifferences(text)).toEqual([
      { index: 0, path: '$.data.appendonly', message: `plain value no is false ${k8s} "no" under YAML 1.2; quote it` },
      { index: 0, path: '$.data.mode', message: `plain value 0755 is 493 ${k8s} 755 under YAML 1.2; quote it` },
      { index: 0, path: '$.data.size', message: `plain value 1_000 is 1000 ${k8s} "1_000" under YAML 1.2; quote it` },
      { index: 0, path: '$.data.on', message: `plain key on is true ${k8s} "on" under YAML 1.2; quote it` },
      { index: 0, path: '$.args[1]', message: `plain value no is false ${k8s} "no" under YAML 1.2; quote it` },
      { index: 1, path: '$.spec.hex', message: `plain value 0X1F is 31 ${k8s} "0X1F" under YAML 1.2; quote it` },
    ]);
  });

  it('accepts what both read alike: quoted strings, true/false, null, decimal numbers, .inf', () => {
    expect(yamlReadingDifferences('a: "no"\nb: true\nc: null\nd: ~\ne: 42\nf: 0.5\ng: .inf\nh: .nan\ni: -0\nj: 0x1F\nk: hello\n')).toEqual([]);
  });

  it("accepts what go-yaml v2 leaves a string although the yaml library's YAML 1.1 schema would not: timestamps, sexagesimals, e1, 0o-7", () => {
    // Checked against go-yaml v2.4.2 through sigs.k8s.io/yaml v1.6.0 (the decoder of kubectl and the API server).
    expect(yamlReadingDifferences('when: 2024-01-01\nratio: 1:20\nclock: 12:30:45\nexp: e1\noct: 0o-7\n')).toEqual([]);
  });
});
