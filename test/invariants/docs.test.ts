/** The README's field tables are generated from the schemas and must be current. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReadme } from '../../scripts/docs';

test('README field tables match the abstraction schemas (run `npm run docs`)', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  expect(renderReadme(readme)).toBe(readme);
  expect(readme).toContain('| `spec.replicas` | integer | `1` | 1–10 | Number of pods |');
});
