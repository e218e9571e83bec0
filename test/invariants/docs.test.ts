/** The README's field tables are generated from the schemas and must be current. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReadme } from '../../scripts/docs';
import { fields } from '../../lib';
import { fieldsTable } from '../../lib/shared/schema-docs';

test('README field tables match the abstraction schemas (run `npm run docs`)', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  expect(renderReadme(readme)).toBe(readme);
  expect(readme).toContain('| `spec.replicas` | integer | `1` | 0–10 | Number of pods; 0 pauses the app (its Deployment keeps no pod). Unused while autoscaling is enabled |');
});

test('a default that depends on the profile is shown per profile: today\'s Topic replicas', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  expect(readme).toContain('| `spec.replicas` | integer | `1` (local), `3` (production) | 1–3; immutable | Replication factor (at most the number of brokers) |');
  expect(readme).toContain('| `spec.partitions` | integer | `3` | 1–48; grow-only | Number of partitions (can grow, never shrink) |');
});

test('a default that depends on the profile is shown per profile: a made-up nested field', () => {
  const declare = (size: string) => fields({
    box: { type: 'object', description: 'Box', fields: { size: { type: 'string', default: size, description: 'Size' }, n: { type: 'integer', default: 2, growOnly: true, description: 'N' } } },
  });
  expect(fieldsTable(declare('S'), [['small', declare('S')], ['large', declare('L')]])).toBe([
    '| field | type | default | bounds | description |',
    '|---|---|---|---|---|',
    '| `spec.box` | object | | | Box |',
    '| `spec.box.size` | string | `S` (small), `L` (large) |  | Size |',
    '| `spec.box.n` | integer | `2` | grow-only | N |',
  ].join('\n'));
});
