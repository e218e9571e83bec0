/**
 * The props interfaces (with their TSDoc) and the schema declarations agree field by field and default by
 * default. Types and optionality are proven at compile time (lib/delivery/spec-agreement.ts); this test reads
 * the `@default` tags with the TypeScript compiler and compares them with the schema defaults, and checks
 * that every RGD in dist carries exactly the SimpleSchema generated from the same declaration.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import * as ts from 'typescript';
import { Field, Fields, fields, INFRASTRUCTURE_FIELDS, LOCAL, TOPIC_FIELDS, toSimpleSchema, WEB_APPLICATION_FIELDS, WORKLOAD_FIELDS, WORKSPACE_FIELDS } from '../../lib';
import { simpleSchemaMarker } from '../../lib/shared/fields';
import { markerDefault } from '../../lib/shared/fields';
import { Json, ofKind, render } from '../helpers/platform';

const program = ts.createProgram([join(__dirname, '..', '..', 'lib', 'index.ts')], { strict: true });
// Binding sets the parent pointers that JSDoc lookups need.
program.getTypeChecker();

function iface(name: string): ts.InterfaceDeclaration {
  for (const sf of program.getSourceFiles()) {
    if (!sf.fileName.includes('/lib/delivery/')) continue;
    const found = sf.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
    if (found) return found;
  }
  throw new Error(`interface ${name} not found in lib/delivery`);
}

/** The literal at the start of a `@default` tag (`'4' (local profile)` → "4", `1` → 1, `[]` → [], `none` → undefined). */
function defaultOf(member: ts.PropertySignature): unknown {
  const tag = ts.getJSDocTags(member).find((t) => t.tagName.text === 'default');
  if (!tag) return Symbol.for('missing');
  const text = (typeof tag.comment === 'string' ? tag.comment : ts.getTextOfJSDocComment(tag.comment) ?? '').trim();
  // A list's or map's default, written as JSON (`@default []`, `@default {}`).
  const json = /^(\[[^\]]*\]|\{[^}]*\})/.exec(text);
  if (json) return JSON.parse(json[1]!) as unknown;
  const m = /^('([^']*)'|(-?\d+)|(true|false))/.exec(text);
  if (!m) return text;
  if (m[2] !== undefined) return m[2];
  if (m[3] !== undefined) return Number(m[3]);
  return m[4] === 'true';
}

/** The construct default where it comes from the environment profile instead of the schema. */
const PROFILE_DEFAULTS: Record<string, unknown> = {
  'Workspace.quota.cpu': LOCAL.workspaceQuota.cpu,
  'Topic.replicas': LOCAL.topicReplicas,
  'Infrastructure.postgres.instances': LOCAL.postgres.instances,
  'Infrastructure.postgres.storage': LOCAL.postgres.storage,
};

/** Props of the constructs that are not spec fields: the instance's name, the profile that sizes defaults, and the platform domain host names are checked against. */
const NOT_IN_SPEC = ['name', 'environment', 'hostDomain'];

/** The properties of an interface and of the interfaces it extends (e.g. `ContainerProps`). */
function membersOf(decl: ts.InterfaceDeclaration): ts.PropertySignature[] {
  const inherited = (decl.heritageClauses ?? []).flatMap((h) => h.types.map((t) => iface((t.expression as ts.Identifier).text)));
  return [...inherited.flatMap(membersOf), ...decl.members.filter(ts.isPropertySignature)];
}

function compare(where: string, decl: ts.InterfaceDeclaration, fields: Fields, refs: readonly string[] = []): string[] {
  const problems: string[] = [];
  const members = new Map(membersOf(decl).map((m) => [(m.name as ts.Identifier).text, m]));
  for (const [name, field] of Object.entries(fields) as [string, Field][]) {
    const member = members.get(name);
    const path = `${where}.${name}`;
    if (!member) { problems.push(`${path}: in the schema, not in ${decl.name.text}`); continue; }
    if (!ts.getJSDocCommentsAndTags(member).length) problems.push(`${path}: no TSDoc`);
    if (field.type === 'object') {
      const ref = member.type && ts.isTypeReferenceNode(member.type) ? (member.type.typeName as ts.Identifier).text : undefined;
      if (!ref) { problems.push(`${path}: expected an interface type`); continue; }
      problems.push(...compare(path, iface(ref), field.fields));
      continue;
    }
    const documented = defaultOf(member);
    if (field.required) {
      if (documented !== Symbol.for('missing')) problems.push(`${path}: required in the schema but documents @default`);
      continue;
    }
    if (refs.includes(name)) {
      if (documented !== 'none' || field.default !== '') problems.push(`${path}: a reference must default to none / ""`);
      continue;
    }
    const expected = path in PROFILE_DEFAULTS ? PROFILE_DEFAULTS[path] : field.default;
    if (!isDeepStrictEqual(documented, expected)) problems.push(`${path}: @default ${String(documented)} but the schema says ${JSON.stringify(expected)}`);
  }
  for (const name of members.keys()) {
    if (!(name in fields) && !NOT_IN_SPEC.includes(name) && !refs.includes(name)) problems.push(`${where}.${name}: in ${decl.name.text}, not in the schema`);
  }
  return problems;
}

test.each([
  ['Workspace', 'WorkspaceProps', WORKSPACE_FIELDS, []],
  ['WebApplication', 'WebApplicationProps', WEB_APPLICATION_FIELDS, ['database', 'topic']],
  ['Workload', 'WorkloadProps', WORKLOAD_FIELDS, ['database', 'topic']],
  ['Infrastructure', 'InfrastructureProps', INFRASTRUCTURE_FIELDS, []],
  ['Topic', 'TopicProps', TOPIC_FIELDS, []],
] as const)('%s: props and schema agree field by field, default by default', (kind, props, fields, refs) => {
  expect(compare(kind, iface(props), fields, refs)).toEqual([]);
});

test('the comparison fails on drift (a default that differs, a field on one side only)', () => {
  const drifted: Fields = {
    ...TOPIC_FIELDS,
    partitions: { ...TOPIC_FIELDS.partitions, default: 6 },
    segmentBytes: { type: 'integer', default: 1, description: 'x' },
  };
  expect(compare('Topic', iface('TopicProps'), drifted)).toEqual([
    'Topic.partitions: @default 3 but the schema says 6',
    'Topic.segmentBytes: in the schema, not in TopicProps',
  ]);
});

test('every RGD carries the SimpleSchema generated from the declaration', () => {
  const rgds = ofKind(render(), 'ResourceGraphDefinition') as Json[];
  const declared: Record<string, Fields> = {
    Workspace: WORKSPACE_FIELDS, WebApplication: WEB_APPLICATION_FIELDS, Workload: WORKLOAD_FIELDS, Infrastructure: INFRASTRUCTURE_FIELDS, Topic: TOPIC_FIELDS,
  };
  expect(Object.fromEntries(rgds.map((rgd) => [rgd.spec.schema.kind, rgd.spec.schema.spec])))
    .toEqual(Object.fromEntries(Object.entries(declared).map(([kind, fields]) => [kind, toSimpleSchema(fields)])));
  expect(rgds.find((r) => r.spec.schema.kind === 'Topic').spec.schema.spec.partitions)
    .toBe('integer | default=3 minimum=1 maximum=48 description="Number of partitions (can grow, never shrink)"');
});

test('the compile-time agreement file covers all four abstractions', () => {
  const src = readFileSync(join(__dirname, '..', '..', 'lib', 'delivery', 'spec-agreement.ts'), 'utf8');
  for (const kind of ['Workspace', 'WebApplication', 'Workload', 'Infrastructure', 'Topic']) expect(src).toContain(`${kind}PropsMatchSchema`);
});

test('markerDefault reads back the default simpleSchemaMarker wrote, for every scalar type', () => {
  const declared = fields({
    s: { type: 'string', default: 'orders app', pattern: '^[a-z ]+$', description: 'S' },
    i: { type: 'integer', default: 3, minimum: 1, immutable: true, description: 'I' },
    b: { type: 'boolean', default: false, description: 'B' },
    none: { type: 'string', required: true, description: 'no default=1 here' },
  });
  const read = Object.fromEntries(Object.entries(declared).map(([k, f]) => [k, markerDefault(simpleSchemaMarker(f))]));
  expect(read).toEqual({ s: 'orders app', i: 3, b: false, none: undefined });
});
