/** Renders an abstraction's fields as a Markdown table (used for the README, generated from the schema). */
import { Field, Fields } from './fields';

function bounds(f: Field): string {
  const parts: string[] = [];
  if (f.type === 'integer') {
    if (f.minimum !== undefined || f.maximum !== undefined) parts.push(`${f.minimum ?? '−∞'}–${f.maximum ?? '∞'}`);
  }
  if (f.type === 'string') {
    if (f.enum) parts.push(f.enum.map((e) => `\`${e}\``).join(' \\| '));
    else if (f.patternHint) parts.push(f.patternHint);
    if (f.maxLength !== undefined) parts.push(`≤ ${f.maxLength} chars`);
  }
  if (f.immutable) parts.push('immutable');
  if (f.type === 'integer' && f.growOnly) parts.push('grow-only');
  return parts.join('; ');
}

function rows(fields: Fields, prefix: string): string[] {
  return Object.entries(fields).flatMap(([name, f]) => {
    const path = `${prefix}${name}`;
    if (f.type === 'object') return [`| \`${path}\` | object | | | ${f.description} |`, ...rows(f.fields, `${path}.`)];
    const def = f.required ? '**required**' : f.default === '' ? '`""`' : `\`${String(f.default)}\``;
    return [`| \`${path}\` | ${f.type} | ${def} | ${bounds(f)} | ${f.description} |`];
  });
}

/** A Markdown table of `spec` fields: name, type, default, bounds, description. */
export function fieldsTable(fields: Fields): string {
  return ['| field | type | default | bounds | description |', '|---|---|---|---|---|', ...rows(fields, 'spec.')].join('\n');
}
