/**
 * The one YAML writer for everything that Kubernetes tools read: `dist/` (objects and `kustomization.yaml`),
 * and the files the scripts and tests hand to kubectl, the API server, kind, Helm and the Kyverno CLI.
 *
 * Why it is not the `yaml` library's default: the default writes YAML 1.2 (core schema), so a string such as
 * `no`, `on`, `y`, `0755` or `1_000` is written plain. kustomize (kyaml, go-yaml v3) reads those as strings,
 * but Kubernetes' decoder does not: `sigs.k8s.io/yaml` (kubectl, the API server, client-go, Helm values, kind)
 * first decodes with go-yaml v2, which resolves plain scalars by YAML 1.1 rules — `y|Y|yes|Yes|YES|on|On|ON`
 * are true, `n|N|no|No|NO|off|Off|OFF` false, and `strconv.ParseInt(s, 0, 64)` after removing every `_`
 * reads `0755` as 493, `0X1F` as 31 and `1_000` as 1000 (upstream: go-yaml `resolve.go`, branch v2, as
 * vendored through `sigs.k8s.io/yaml/goyaml.v2` → `go.yaml.in/yaml/v2`; `sigs.k8s.io/yaml` `yaml.go`,
 * `yamlToJSON`). So `kubectl apply -f dist/` turned the Valkey argument `--appendonly no` into `false`.
 *
 * The rule: a string is written quoted whenever YAML 1.2 (the document schema), YAML 1.1 (the `compat`
 * schema: the library's `yaml-1.1` tags) or go-yaml's number rule ({@link GO_YAML_NUMBER}) would read it as
 * anything but that string; everything else is written exactly as before. Measured against go-yaml v2.4.2
 * and v3.0.4 on 119,532 generated scalars, nothing that either decoder reads as a non-string is left plain.
 */
import { Document, parseAllDocuments, ScalarTag, Schema, stringify } from 'yaml';

/** go-yaml's base prefixes after an optional sign: `0x`/`0X` hex, `0o`/`0O` octal, `0b`/`0B` binary. */
const PREFIXED = String.raw`0_*[xX]_*[0-9a-fA-F][0-9a-fA-F_]*|0_*[oO]_*[0-7][0-7_]*|0_*[bB]_*[01][01_]*`;
/** go-yaml's `yamlStyleFloat` (`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`) with `_` anywhere; also plain integers. */
const DECIMAL = String.raw`(?:\._*[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE]_*[-+]?_*[0-9][0-9_]*)?`;
/** The `0b…`/`0o…` fallbacks (v2 and v3 respectively) pass the rest to `ParseInt`, which takes a sign: `0b-1`. */
const SIGNED_AFTER_PREFIX = String.raw`0_*[bo]_*[-+]_*[0-7][0-7_]*`;

/**
 * The plain scalars that go-yaml (v2 and v3) reads as numbers although neither YAML 1.2 nor the `yaml`
 * library's YAML 1.1 schema does, e.g. `0X1F`, `0O17`, `-0o17`, `0b-1`, `1e_3`, `-_1`. go-yaml tries a
 * number only when the scalar starts with a digit or a sign, removes every `_`, then accepts what
 * `strconv.ParseInt(s, 0, 64)` / `ParseUint` accept (any-case base prefixes, leading-zero octal) or what
 * matches `yamlStyleFloat` (upstream: go-yaml `resolve.go`, `resolve()`, case `'D', 'S'`). Out-of-range
 * numbers (which go-yaml leaves as strings) match too: quoting them is harmless.
 *
 * As a tag it makes the writer quote such strings; when parsing it reads them as go-yaml does.
 */
export const GO_YAML_NUMBER: ScalarTag = {
  tag: 'tag:mini-atlas.io,2026:go-yaml-number',
  default: true,
  test: new RegExp(`^(?=[-+0-9])(?:[-+]_*)?(?:${PREFIXED}|${DECIMAL})$|^${SIGNED_AFTER_PREFIX}$`),
  resolve: (source: string): number => {
    const plain = source.replace(/_/g, '');
    const prefixed = /^([-+]?)0([xob])([-+]?)(.*)$/i.exec(plain);
    if (prefixed) {
      const [, sign, base, innerSign, digits] = prefixed;
      const n = parseInt(digits, { x: 16, o: 8, b: 2 }[base.toLowerCase() as 'x' | 'o' | 'b']);
      return (sign === '-') !== (innerSign === '-') ? -n : n;
    }
    if (/^[-+]?0[0-7]+$/.test(plain)) return (plain.startsWith('-') ? -1 : 1) * parseInt(plain.replace(/^[-+]/, ''), 8);
    return Number(plain);
  },
};

/**
 * The tags the writer guards against: the `yaml` library's YAML 1.1 schema, then go-yaml's numbers. A superset
 * of what go-yaml reads (it also quotes YAML 1.1 timestamps and sexagesimals, which go-yaml leaves strings):
 * quoting more is harmless.
 */
const YAML_1_1_READER = [...new Schema({ schema: 'yaml-1.1' }).tags, GO_YAML_NUMBER];

/** go-yaml v2's numbers: as {@link GO_YAML_NUMBER}, but only v2's `0b` fallback takes a sign after the prefix. */
const GO_YAML_V2_NUMBER: ScalarTag = {
  ...GO_YAML_NUMBER,
  tag: 'tag:mini-atlas.io,2026:go-yaml-v2-number',
  test: new RegExp(`^(?=[-+0-9])(?:[-+]_*)?(?:${PREFIXED}|${DECIMAL})$|^0_*b_*[-+]_*[01][01_]*$`),
};

/**
 * What Kubernetes' decoder (go-yaml v2 under `sigs.k8s.io/yaml`) resolves plain scalars to, for reading:
 * YAML 1.1 booleans and nulls, `.inf`/`.nan`, and go-yaml's numbers. Not the `yaml` library's YAML 1.1
 * timestamps, sexagesimals (`1:20`) or its loose exponent floats (`e1`): go-yaml leaves those strings when it
 * decodes into JSON values (checked against go-yaml v2.4.2 through `sigs.k8s.io/yaml` v1.6.0).
 */
const GO_YAML_V2_TAGS = [
  ...new Schema({ schema: 'yaml-1.1' }).tags.filter((t) =>
    ['tag:yaml.org,2002:map', 'tag:yaml.org,2002:seq', 'tag:yaml.org,2002:str', 'tag:yaml.org,2002:null', 'tag:yaml.org,2002:bool'].includes(t.tag) ||
    (t.tag === 'tag:yaml.org,2002:float' && t.test !== undefined && t.test.test('.inf'))),
  GO_YAML_V2_NUMBER,
];

/**
 * YAML of one value (block style, no line folding), every string that a YAML 1.1 or 1.2 reader would take
 * for something else written quoted: `{ args: ['--appendonly', 'no'] }` → `args:\n  - --appendonly\n  - "no"\n`.
 */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, compat: YAML_1_1_READER });
}

/** Several values as one multi-document stream (`---` between documents), e.g. for `kubectl apply -f`. */
export function toYamlDocuments(values: readonly unknown[]): string {
  return values.map(toYaml).join('---\n');
}

/** A YAML reading: `1.1` as Kubernetes' decoder (go-yaml v2) reads it, `1.2` as the YAML 1.2 core schema does (kustomize). */
export type YamlReading = '1.1' | '1.2';

/**
 * Every document of `text` as `reading` resolves it. Both readings parse the same text, so their node trees
 * have the same shape and differ only in what plain scalars resolve to. Duplicate keys are allowed in the
 * 1.1 reading (`on` and `true` collide there), so the two can always be compared.
 */
export function parseYamlDocuments(text: string, reading: YamlReading): Document[] {
  return reading === '1.1'
    ? parseAllDocuments(text, { version: '1.1', schema: 'failsafe', customTags: GO_YAML_V2_TAGS, uniqueKeys: false })
    : parseAllDocuments(text);
}
