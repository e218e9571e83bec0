/**
 * The synthesized platform (dist/) must pass every check, and a copy of it with one unknown field injected
 * into a HelmRelease, a Kafka, an RGD, a Deployment inside an RGD template and a built-in Namespace must
 * fail, naming each field. The injection also runs on the valid fixture, so it is exercised without dist/.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDist } from '../../lib/synth/dist-model';
import { toYamlDocuments } from '../../lib/synth/kubernetes-yaml';
import { PROJECT_ROOT } from '../../scripts/lib/schema-store';
import { validateDirectory } from '../../scripts/validate/index';
import { formatViolation } from '../../scripts/validate/report';

const DIST = join(PROJECT_ROOT, 'dist');
const VALID = join(PROJECT_ROOT, 'test', 'fixtures', 'valid', 'dist');

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => v as Obj;

interface Injection {
  /** Which object to change. */
  readonly kind: string;
  readonly select?: (o: Obj) => boolean;
  /** Adds the unknown field; returns the JSON path where it sits. */
  readonly inject: (o: Obj) => string;
  readonly field: string;
}

const deploymentTemplateIndex = (o: Obj): number =>
  (obj(o.spec).resources as Obj[]).findIndex((r) => obj(r.template ?? {}).kind === 'Deployment');

const INJECTIONS: readonly Injection[] = [
  { kind: 'HelmRelease', field: 'intervall', inject: (o) => ((obj(o.spec).intervall = '5m'), '$.spec.intervall') },
  { kind: 'Kafka', field: 'listenerz', inject: (o) => ((obj(obj(o.spec).kafka).listenerz = []), '$.spec.kafka.listenerz') },
  { kind: 'ResourceGraphDefinition', field: 'resourcez', inject: (o) => ((obj(o.spec).resourcez = []), '$.spec.resourcez') },
  {
    kind: 'ResourceGraphDefinition',
    field: 'imagePullPolicyy',
    select: (o) => deploymentTemplateIndex(o) >= 0,
    inject: (o) => {
      const i = deploymentTemplateIndex(o);
      const template = obj(obj((obj(o.spec).resources as Obj[])[i]).template);
      const containers = obj(obj(obj(obj(template.spec).template).spec)).containers as Obj[];
      containers[0].imagePullPolicyy = 'Always';
      return `$.spec.resources[${i}].template.spec.template.spec.containers[0].imagePullPolicyy`;
    },
  },
  { kind: 'Namespace', field: 'finalizerz', inject: (o) => ((o.spec = { ...obj(o.spec ?? {}), finalizerz: [] }), '$.spec.finalizerz') },
];

/** Applies each injection to the first matching object under `dir`. */
function inject(dir: string): { path: string; field: string }[] {
  const done: { path: string; field: string }[] = [];
  for (const inj of INJECTIONS) {
    let applied = false;
    for (const file of readDist(dir).files) {
      if (file.kind !== 'objects') continue;
      const docs = file.documents.map((d) => d.object as Obj);
      const target = docs.find((d) => d.kind === inj.kind && (!inj.select || inj.select(d)));
      if (!target) continue;
      const path = inj.inject(target);
      writeFileSync(file.file, toYamlDocuments(docs));
      done.push({ path, field: inj.field });
      applied = true;
      break;
    }
    if (!applied) throw new Error(`no ${inj.kind} to inject into under ${dir}`);
  }
  return done;
}

const targets: [string, string][] = [['the valid fixture', VALID]];
if (existsSync(DIST)) targets.push(['dist/', DIST]);

describe.each(targets)('unknown fields injected into a copy of %s', (_name, source) => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'mini-atlas-validate-'));
    cpSync(source, join(tmp, 'dist'), { recursive: true });
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('fails, naming every injected field', () => {
    const copy = join(tmp, 'dist');
    const baseline = new Set(validateDirectory(copy).violations.map((v) => formatViolation(v, tmp)));
    const injected = inject(copy);
    const report = validateDirectory(copy);
    const added = report.violations.filter((v) => !baseline.has(formatViolation(v, tmp)));
    for (const { path, field } of injected) {
      const hit = added.find((v) => v.path === path);
      expect({ path, hit: hit?.message }).toEqual({ path, hit: expect.stringContaining(`unknown field "${field}"`) });
    }
    expect(added.map((v) => formatViolation(v, tmp))).toHaveLength(injected.length);
    expect(report.violations.length).toBeGreaterThanOrEqual(injected.length);
  });
});

(existsSync(DIST) ? describe : describe.skip)('dist/', () => {
  it('passes every check with zero violations', () => {
    const report = validateDirectory(DIST);
    expect(report.violations.map((v) => formatViolation(v, PROJECT_ROOT))).toEqual([]);
    expect(report.documents).toBeGreaterThan(0);
  });

  it('validates in under 2 s once the schemas are compiled', () => {
    validateDirectory(DIST);
    const t0 = performance.now();
    const report = validateDirectory(DIST);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(report.timings.validateMs).toBeLessThan(2000);
  });
});
