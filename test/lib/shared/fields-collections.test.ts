/**
 * List and map fields of the schema language, through every consumer of one declaration: the RGD's SimpleSchema
 * (`spec` and `types`), the TypeScript spec type, defaults, synth-time checks, the README table, the offline
 * validator's model of SimpleSchema and the change guard. `Gadget` is a made-up abstraction with both kinds.
 */
import { GADGET } from '../../helpers/gadget';
import { applyDefaults, checkFields, defaultProblems, simpleSchemaTypes, SpecOf, toSimpleSchema } from '../../../lib';
import { simpleSchemaMarker } from '../../../lib/shared/fields';
import { markerDefault } from '../../../lib/shared/fields';
import { fieldsTable } from '../../../lib/shared/schema-docs';
import { guardChanges } from '../../../lib/synth/change-guard';
import { SchemaCompiler } from '../../../tools/validate/src/schema-node';
import { CelRuleEvaluator } from '../../../tools/validate/src/cel-rules';
import { SimpleSchemaConverter } from '../../../tools/validate/src/simple-schema';
import { validateValue } from '../../../tools/validate/src/structural-validator';
import type { Violation } from '../../../tools/validate/src/model';

// Compile-time: the spec type has arrays and records of the declared item types.
type GadgetSpec = SpecOf<typeof GADGET>;
const typed: GadgetSpec = {
  name: 'g', hosts: ['api.example.com'], env: [{ name: 'A', value: 'b' }], ports: { http: { number: 80, protocol: 'UDP' } }, labels: { tier: 'x' },
};
// @ts-expect-error an item of the wrong type does not compile
const wrongItem: GadgetSpec = { name: 'g', hosts: [1] };
// @ts-expect-error an enum value outside the enum does not compile in a map value either
const wrongEnum: GadgetSpec = { name: 'g', hosts: ['a'], ports: { http: { number: 80, protocol: 'SCTP' } } };

test('SimpleSchema: lists and maps in KRO v0.9.3 syntax, item rules as named custom types', () => {
  expect(toSimpleSchema(GADGET)).toEqual({
    name: 'string | required=true description="Name"',
    args: '[]string | default=[] maxItems=3 description="Arguments"',
    hosts: '[]HostName | minItems=1 maxItems=2 description="Allowed hosts"',
    env: '[]EnvVar | maxItems=4 description="Environment variables"',
    labels: 'map[string]string | default={} description="Labels"',
    ports: 'map[string]Port | immutable=true description="Ports by name"',
  });
  expect(simpleSchemaTypes(GADGET)).toEqual({
    HostName: 'string | pattern="^[a-z0-9.-]+$" maxLength=253',
    EnvVar: { name: 'string | required=true pattern="^[A-Z_][A-Z0-9_]*$" description="Variable name"', value: 'string | default="" description="Value"' },
    Port: { number: 'integer | required=true minimum=1 maximum=65535 description="Port number"', protocol: 'string | default="TCP" enum="TCP,UDP" description="Protocol"' },
  });
  expect(simpleSchemaMarker({ type: 'list', items: { type: 'integer' }, default: [1, 2], description: 'D' })).toBe('[]integer | default=[1,2] description="D"');
  expect(simpleSchemaTypes({ plain: { type: 'list', items: { type: 'boolean' }, description: 'P' } })).toEqual({});
});

test('fails if an item with rules has no type name, a type name is built in, or one name has two definitions', () => {
  expect(() => toSimpleSchema({ l: { type: 'list', items: { type: 'string', pattern: '^a$' }, description: 'L' } }))
    .toThrow('a string item with rules needs a typeName: SimpleSchema puts markers on the list or map, not on its items');
  expect(() => toSimpleSchema({ l: { type: 'map', values: { type: 'string', typeName: 'string', maxLength: 3 }, description: 'L' } }))
    .toThrow('SimpleSchema type name "string" must be an identifier other than string, integer, boolean, float, object');
  expect(() => simpleSchemaTypes({
    a: { type: 'list', items: { type: 'string', typeName: 'Name', maxLength: 3 }, description: 'A' },
    b: { type: 'list', items: { type: 'string', typeName: 'Name', maxLength: 4 }, description: 'B' },
  })).toThrow('SimpleSchema type "Name" is declared twice with different definitions');
});

test('markerDefault reads a list or map default back', () => {
  const schema = toSimpleSchema(GADGET);
  expect([schema.args, schema.labels, schema.env].map((m) => markerDefault(m as string))).toEqual([[], {}, undefined]);
  expect(markerDefault('[]string | default=["a b","c]"] description="x"')).toEqual(['a b', 'c]']);
});

test('defaults: a list or map default applies, object items get their fields\' defaults, no default stays absent', () => {
  expect(applyDefaults(GADGET, typed)).toEqual({
    name: 'g', args: [], hosts: ['api.example.com'], env: [{ name: 'A', value: 'b' }],
    labels: { tier: 'x' }, ports: { http: { number: 80, protocol: 'UDP' } },
  });
  expect(applyDefaults(GADGET, { name: 'g', hosts: ['a'], env: [{ name: 'A' }], ports: { http: { number: 80 } } })).toEqual({
    name: 'g', args: [], hosts: ['a'], env: [{ name: 'A', value: '' }], labels: {}, ports: { http: { number: 80, protocol: 'TCP' } },
  });
  expect(applyDefaults(GADGET, { name: 'g', hosts: ['a'] }).env).toBeUndefined();
});

test('checks: wrong item type, too many or too few items, bad key, bad map value, item fields', () => {
  expect(checkFields(GADGET, { name: 'g', hosts: ['api.example.com'], args: [], env: [{ name: 'A' }], labels: { tier: 'x' } })).toEqual([]);
  expect(checkFields(GADGET, {
    name: 'g',
    args: ['a', 2, 'c', 'd'],
    hosts: [],
    env: [{ name: 'lower' }, { value: 'v' }, 'x'],
    labels: { 'Bad Key': 'v', ok: 3 },
    ports: { http: { number: 0, protocol: 'SCTP' }, HTTP: { number: 1 } },
  })).toEqual([
    { field: 'args', value: '["a",2,"c","d"]', rule: 'must have at most 3 items, has 4' },
    { field: 'hosts', value: '[]', rule: 'must have at least 1 items, has 0' },
    { field: 'env[0].name', value: '"lower"', rule: 'must match an upper-case variable name' },
    { field: 'env[1].name', value: 'undefined', rule: 'is required' },
    { field: 'env[2]', value: '"x"', rule: 'must be an object' },
    { field: 'labels["Bad Key"]', value: '"Bad Key"', rule: 'is not an allowed key: must match a lowercase name' },
    { field: 'labels["ok"]', value: '3', rule: 'must be a string' },
    { field: 'ports["http"].number', value: '0', rule: 'must be between 1 and 65535' },
    { field: 'ports["http"].protocol', value: '"SCTP"', rule: 'must be one of TCP, UDP' },
    { field: 'ports["HTTP"]', value: '"HTTP"', rule: 'is not an allowed key: must match a lowercase word' },
  ]);
  expect(checkFields(GADGET, { name: 'g', hosts: ['a', 'B!'], args: 'a', labels: ['x'] })).toEqual([
    { field: 'args', value: '"a"', rule: 'must be a list' },
    { field: 'hosts[1]', value: '"B!"', rule: 'must match a lowercase host name' },
    { field: 'labels', value: '["x"]', rule: 'must be a map of keys to values' },
  ]);
});

test('a list or map default that breaks its own field\'s rules is a default problem (the API server would refuse the CRD)', () => {
  expect(defaultProblems(GADGET)).toEqual([]);
  expect(defaultProblems({
    l: { type: 'list', items: { type: 'string' }, minItems: 1, default: [], description: 'L' },
    m: { type: 'map', values: { type: 'integer' }, keyPattern: '^[a-z]+$', default: { Up: 1 }, description: 'M' },
  })).toEqual([
    { field: 'l', value: '[]', rule: 'must have at least 1 items, has 0' },
    { field: 'm["Up"]', value: '"Up"', rule: 'is not an allowed key: must match ^[a-z]+$' },
  ]);
});

test('README table: list and map types, item bounds, key rule, object items\' fields as rows', () => {
  expect(fieldsTable(GADGET)).toBe([
    '| field | type | default | bounds | description |',
    '|---|---|---|---|---|',
    '| `spec.name` | string | **required** |  | Name |',
    '| `spec.args` | list of string | `[]` | 0–3 items | Arguments |',
    '| `spec.hosts` | list of HostName | none | 1–2 items; each: a lowercase host name; ≤ 253 chars | Allowed hosts |',
    '| `spec.env` | list of EnvVar | none | 0–4 items | Environment variables |',
    '| `spec.env[].name` | string | **required** | an upper-case variable name | Variable name |',
    '| `spec.env[].value` | string | `""` |  | Value |',
    '| `spec.labels` | map of string | `{}` | keys: a lowercase name | Labels |',
    '| `spec.ports` | map of Port | none | keys: a lowercase word; immutable | Ports by name |',
    '| `spec.ports{}.number` | integer | **required** | 1–65535 | Port number |',
    '| `spec.ports{}.protocol` | string | `TCP` | `TCP` \\| `UDP` | Protocol |',
  ].join('\n'));
});

function validate(value: unknown): Pick<Violation, 'path' | 'message'>[] {
  const { schema, issues } = new SimpleSchemaConverter(simpleSchemaTypes(GADGET)).convert(toSimpleSchema(GADGET), '$.spec.schema.spec');
  expect(issues).toEqual([]);
  const node = new SchemaCompiler().compile(schema, 'crd', 'test');
  const out: Pick<Violation, 'path' | 'message'>[] = [];
  validateValue(node, value, '$.spec', { rules: new CelRuleEvaluator('test/v1/Gadget', { evaluations: 0, failures: 0, transitionRules: [], unevaluable: [] }, new Set()) }, out);
  return out;
}

test('the offline validator reads the generated SimpleSchema and enforces what the CRD enforces (not map keys)', () => {
  expect(validate({ name: 'g', hosts: ['api.example.com'], env: [{ name: 'A' }], ports: { http: { number: 80 } } })).toEqual([]);
  expect(validate({ name: 'g', hosts: ['a', 'b', 'C'], args: [1], env: [{ value: 'v' }], labels: { 'Bad Key': 'v' } }).map((i) => `${i.path}: ${i.message}`)).toEqual([
    '$.spec.hosts: has 3 items, more than 2',
    '$.spec.hosts[2]: value "C" does not match pattern ^[a-z0-9.-]+$',
    '$.spec.args[0]: expected string, got integer 1',
    '$.spec.env[0].name: missing required field "name"',
  ]);
});

test('change guard: an immutable map that changes is refused; the same map in another key order is not a change', () => {
  const rgdless = [{ apiVersion: 'example.com/v1', kind: 'Gadget', fields: GADGET }];
  const gadget = (ports: object) => ({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: 'ns' }, spec: { name: 'g', hosts: ['a'], ports } });
  const before = gadget({ http: { number: 80 }, dns: { number: 53, protocol: 'UDP' } });
  expect(guardChanges([before], [gadget({ dns: { protocol: 'UDP', number: 53 }, http: { number: 80 } })], rgdless, []).blocked).toEqual([]);
  expect(guardChanges([before], [gadget({ http: { number: 8080 } })], rgdless, []).blocked).toEqual([{
    key: 'Gadget/ns/g', severity: 'refused',
    problem: 'spec.ports is immutable and would change from {"http":{"number":80},"dns":{"number":53,"protocol":"UDP"}} to {"http":{"number":8080}}',
  }]);
});

void wrongItem;
void wrongEnum;
