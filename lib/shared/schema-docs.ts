/** Renders an abstraction's fields as a Markdown table (used for the README, generated from the schema). */
import { ElementField, elementType, Field, Fields } from './fields';
import { canonicalJson } from './json';

/** The type column: `string`, `list of string`, `map of EnvVar` (an object item's fields follow as `field[].x` / `field{}.x` rows). */
function typeOf(f: Field): string {
  if (f.type === 'list') return `list of ${elementType(f.items)}`;
  if (f.type === 'map') return `map of ${elementType(f.values)}`;
  return f.type;
}

/** The rules of a scalar item, e.g. `a DNS label; ≤ 63 chars`. */
function elementBounds(e: ElementField): string {
  return e.type === 'object' ? '' : bounds({ ...e, description: '' } as Field);
}

function bounds(f: Field): string {
  const parts: string[] = [];
  if (f.type === 'list') {
    if (f.minItems !== undefined || f.maxItems !== undefined) parts.push(`${f.minItems ?? 0}–${f.maxItems ?? '∞'} items`);
    const item = elementBounds(f.items);
    if (item) parts.push(`each: ${item}`);
  }
  if (f.type === 'map') {
    if (f.keyPattern !== undefined) parts.push(`keys: ${f.keyPatternHint ?? f.keyPattern}`);
    const value = elementBounds(f.values);
    if (value) parts.push(`each: ${value}`);
  }
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

const shown = (v: unknown): string => (v === undefined ? 'none' : v === '' ? '`""`' : typeof v === 'object' && v !== null ? `\`${JSON.stringify(v)}\`` : `\`${String(v)}\``);

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
    const element = f.type === 'list' ? f.items : f.type === 'map' ? f.values : undefined;
    const itemRows = element?.type === 'object' ? rows(element.fields, `${path}${f.type === 'list' ? '[]' : '{}'}.`, []) : [];
    const defaults = variants.map(([profile, v]) => {
      const other = v[name];
      return [profile, other && other.type !== 'object' ? other.default : undefined] as const;
    });
    const byProfile = defaults.some(([, d]) => canonicalJson(d) !== canonicalJson(f.default));
    const def = f.required ? '**required**'
      : byProfile ? defaults.map(([profile, d]) => `${shown(d)} (${profile})`).join(', ')
        : shown(f.default);
    return [`| \`${path}\` | ${typeOf(f)} | ${def} | ${bounds(f)} | ${f.description} |`, ...itemRows];
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
