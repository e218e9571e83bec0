/** Reads the `imports` list of `cdk8s.yaml`. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';

/** The `imports` of `cdk8s.yaml` (upstream CRD URLs), in file order. */
export function readImports(file = join(PROJECT_ROOT, 'cdk8s.yaml')): string[] {
  const config = parse(readFileSync(file, 'utf8')) as { imports?: unknown };
  if (!Array.isArray(config.imports)) throw new Error(`${file}: 'imports' must be a list`);
  return config.imports.map((spec: unknown, i) => {
    if (typeof spec !== 'string' || !/^https:\/\/\S+\.yaml$/.test(spec)) {
      throw new Error(`${file}: imports[${i}] = ${JSON.stringify(spec)} is not an https:// CRD URL`);
    }
    return spec;
  });
}
