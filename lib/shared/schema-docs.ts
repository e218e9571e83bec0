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
  if ((f.type === 'integer' || f.type === 'string') && f.growOnly) parts.push('grow-only');
  return parts.join('; ');
}

const shown = (v: unknown): string => (v === '' ? '`""`' : `\`${String(v)}\``);

/** The same field in each profile's declaration, by profile name. */
type Variants = readonly (readonly [string, Fields])[];
const variantsOf = (variants: Variants, name: string): Variants =>
  variants.flatMap(([profile, f]) => {
    const field = f[name];
    return field?.type === 'object' ? [[profile, field.fields] as const] : [];
  });

function rows(fields: Fields, prefix: string, variants: Variants): string[] {
  return Object.entries(fields).flatMap(([name, f]) => {
    const path = `${prefix}${name}`;
    if (f.type === 'object') return [`| \`${path}\` | object | | | ${f.description} |`, ...rows(f.fields, `${path}.`, variantsOf(variants, name))];
    const defaults = variants.map(([profile, v]) => {
      const other = v[name];
      return [profile, other && other.type !== 'object' ? other.default : undefined] as const;
    });
    const byProfile = defaults.some(([, d]) => d !== f.default);
    const def = f.required ? '**required**'
      : byProfile ? defaults.map(([profile, d]) => `${shown(d)} (${profile})`).join(', ')
        : shown(f.default);
    return [`| \`${path}\` | ${f.type} | ${def} | ${bounds(f)} | ${f.description} |`];
  });
}

/**
 * A Markdown table of `spec` fields: name, type, default, bounds, description.
 * @param byProfile the same declaration with each environment profile's defaults, as `[profile name, fields]`;
 *   a default that differs between them is shown per profile, e.g. `` `1` (local), `3` (production) ``
 * @default byProfile none: one default per field
 */
export function fieldsTable(fields: Fields, byProfile: Variants = []): string {
  return ['| field | type | default | bounds | description |', '|---|---|---|---|---|', ...rows(fields, 'spec.', byProfile)].join('\n');
}
