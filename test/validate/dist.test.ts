/**
 * The synthesized platform (dist/) must pass every check, and a copy of it with one unknown field injected
 * into a HelmRelease, a Kafka, an RGD, a Deployment inside an RGD template and a built-in Namespace must
 * fail, naming each field. The injection also runs on the valid fixture. dist/ is committed, so nothing here
 * is skipped when it is missing; how fast the validator runs is printed by `npm run validate`, not tested here.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { readDist } from '../../lib/synth/dist-model';
import { toYamlDocuments } from '../../lib/synth/kubernetes-yaml';
import { PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';
import { validateDirectory } from '../../tools/validate/src/index';
import { formatViolation } from '../../tools/validate/src/report';

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

// dist/ is committed: a checkout without it fails here rather than skipping.
describe.each([['the valid fixture', VALID], ['dist/', DIST]])('unknown fields injected into a copy of %s', (_name, source) => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'mini-atlas-validate-'));
    cpSync(source, join(tmp, 'dist'), { recursive: true });
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('fails with exactly one violation per injected field, naming it', () => {
    const copy = join(tmp, 'dist');
    expect(validateDirectory(copy).violations.map((v) => formatViolation(v, tmp))).toEqual([]);
    const injected = inject(copy);
    const byPath = (a: { path: string }, b: { path: string }): number => a.path.localeCompare(b.path);
    expect(validateDirectory(copy).violations.map((v) => ({ path: v.path, message: v.message })).sort(byPath))
      .toEqual(injected.map(({ path, field }) => ({ path, message: expect.stringContaining(`unknown field "${field}"`) })).sort(byPath));
  });
});

describe('dist/', () => {
  it('passes every check with zero violations, reading every object', () => {
    const report = validateDirectory(DIST);
    expect(report.violations.map((v) => formatViolation(v, PROJECT_ROOT))).toEqual([]);
    // dist/ holds one object per file, beside each folder's kustomization.yaml
    const objectFiles = readdirSync(DIST, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.yaml') && basename(f) !== 'kustomization.yaml');
    expect(report.documents).toBe(objectFiles.length);
  });
});

describe('a team stage changed by hand (issue 16): the validator refuses what its delivery account may not create', () => {
  test("team-a's folder with a ClusterRoleBinding and its WebApplication moved to team-b", () => {
    const dir = mkdtempSync(join(tmpdir(), 'mini-atlas-tenant-'));
    try {
      const copy = join(dir, 'dist');
      cpSync(DIST, copy, { recursive: true });
      const team = join(copy, 'delivery', 'team-a');
      const web = readdirSync(team).find((f) => f.startsWith('webapplication-'))!;
      const webPath = join(team, web);
      const [app] = readDist(copy).documents.filter((d) => d.file.endsWith(`/delivery/team-a/${web}`)).map((d) => d.object as Obj);
      writeFileSync(webPath, toYamlDocuments([{ ...app, metadata: { ...obj(app.metadata), namespace: 'team-b' } }]));
      writeFileSync(join(team, 'take-over.yaml'), toYamlDocuments([{
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'take-over' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'ServiceAccount', name: 'delivery-team-a', namespace: 'flux-system' }],
      }]));
      const k = join(team, 'kustomization.yaml');
      writeFileSync(k, `${readFileSync(k, 'utf8')}  - take-over.yaml\n`);
      const tenant = validateDirectory(copy).violations.filter((v) => v.check === 'flux').map((v) => `${v.kind} ${v.name} ${v.path}: ${v.message}`);
      const webName = String(obj(app.metadata).name);
      expect(tenant).toEqual([
        'ClusterRoleBinding take-over $.kind: rbac.authorization.k8s.io/v1 ClusterRoleBinding in flux-system/delivery-team-a, which is applied as delivery-team-a: a team stage may hold only WebApplication, Workload, Infrastructure, Topic',
        `WebApplication team-b/${webName} $.metadata.namespace: namespace "team-b" in flux-system/delivery-team-a, which is applied as delivery-team-a: that account may write only into its own workspace`,
        // The namespace check (issue 3) reports the moved instance too: no layer creates team-b.
        `WebApplication team-b/${webName} $.metadata.namespace: namespace "team-b" must exist before layer flux-system/delivery-team-a is applied, but no layer creates it`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
