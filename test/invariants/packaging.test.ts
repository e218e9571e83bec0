/**
 * Other platform repos import Mini-Atlas as a package: pack it, install the tarball into an example
 * consumer, compile the consumer against the published types, synthesize, and compare with our own output.
 * - examples/consumer: constructs alone, plain `app.synth()`, compared with what the DeliveryChart produces;
 * - examples/synth-program: the public synth command (`@mini-atlas/synth`), compared with the committed dist/;
 * - examples/acme-platform: another organisation's complete platform repo, and the package's budgets (issue 17,
 *   item 5) measured on it in fresh processes: a strict type-check (`strict: true`, `skipLibCheck: false`) of
 *   the repo, median CPU (user + system) of three runs ≤ {@link TYPE_CHECK_BUDGET_MS}; `require('mini-atlas')`
 *   with its peers, median CPU of ten fresh processes ≤ {@link LOAD_BUDGET_MS}. CPU, not wall time, because
 *   the suites of this 2-core machine run side by side (wall time is printed too).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { render } from '../helpers/platform';
import { readDist } from '../../lib/synth/dist-model';
import { validateDirectory } from '../../tools/validate/src/index';
import { Json } from '../helpers/platform';

/** CPU budget of the consumer's strict type-check, ms (issue 17: ≤ 5 s). */
const TYPE_CHECK_BUDGET_MS = 5000;
/** CPU budget of `require('mini-atlas')` with its peers in a fresh process, ms (issue 17: ≤ 150 ms). */
const LOAD_BUDGET_MS = 150;

const root = join(__dirname, '..', '..');
const tsc = join(root, 'node_modules', 'typescript', 'lib', 'typescript.js');
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_loglevel: 'error' } });

/** The packed packages, once for every example: the library, `@mini-atlas/cli-common` and `@mini-atlas/synth`. */
let work: string;
const packed: Record<string, { filename: string; files: Array<{ path: string }> }> = {};
const tarball = (name: string) => join(work, packed[name].filename);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mini-atlas-packaging-'));
  for (const [name, dir] of [['mini-atlas', root], ['@mini-atlas/cli-common', join(root, 'tools', 'cli-common')], ['@mini-atlas/synth', join(root, 'tools', 'synth')]]) {
    packed[name] = (JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], dir)) as Array<{ filename: string; files: Array<{ path: string }> }>)[0];
  }
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

test('a consumer installs the packed package, imports { Workspace } from "mini-atlas" and synthesizes the same objects', () => {
  const shipped = packed['mini-atlas'].files.map((f) => f.path);
  expect(shipped).toEqual(expect.arrayContaining(['build/lib/index.js', 'build/mini-atlas.d.ts', 'build/imports/kro.run.js', 'build/cli/mini-atlas.js', 'package.json']));
  // One declaration file: the public API and what it reaches (npm run api), no internal module's declarations.
  expect(shipped.filter((p) => p.endsWith('.d.ts'))).toEqual(['build/mini-atlas.d.ts']);
  expect(shipped.filter((p) => /^(build\/(scripts|charts)|dist|test)\//.test(p))).toEqual([]);

  const consumer = join(work, 'consumer');
  cpSync(join(root, 'examples', 'consumer'), consumer, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(consumer, 'package.json'), 'utf8'));
  pkg.dependencies['mini-atlas'] = `file:${tarball('mini-atlas')}`;
  writeFileSync(join(consumer, 'package.json'), JSON.stringify(pkg, null, 2));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], consumer);
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], consumer);
  run(process.execPath, ['main.js'], consumer);
  // The bin's tool packages are optional peers: without them it says which to install, and fails.
  const bin = spawnSync(join(consumer, 'node_modules', '.bin', 'mini-atlas'), ['validate'], { cwd: consumer, encoding: 'utf8' });
  expect({ status: bin.status, stdout: bin.stdout, stderr: bin.stderr }).toEqual({
    status: 1, stdout: '', stderr: 'mini-atlas validate needs the package @mini-atlas/validate; install it beside mini-atlas (npm install --save-dev @mini-atlas/validate)\n',
  });

  const files = readdirSync(join(consumer, 'dist'));
  const theirs = files.flatMap((f) => parseAllDocuments(readFileSync(join(consumer, 'dist', f), 'utf8')).map((d) => d.toJS()))
    .sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
  const ours = render().filter((f) => f.path.startsWith('delivery/')).map((f) => f.object)
    .sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
  expect(theirs).toEqual(ours);
}, 300_000);

/** Every file below `dir`, relative, sorted. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

/**
 * Copies `examples/<example>` into `work`, points its dependencies at the packed tarballs (nothing else of the
 * repository), installs and compiles it.
 * @returns the example's folder in `work`
 */
function installExample(example: string): string {
  const tarballs = Object.fromEntries(Object.keys(packed).map((name) => [name, `file:${tarball(name)}`]));
  const program = join(work, example);
  cpSync(join(root, 'examples', example), program, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(program, 'package.json'), 'utf8'));
  Object.assign(pkg.dependencies, tarballs);
  writeFileSync(join(program, 'package.json'), JSON.stringify(pkg, null, 2));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], program);
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], program);
  return program;
}

test('a platform repo on the packed packages runs the public synth command and writes the committed dist/ byte for byte', () => {
  const program = installExample('synth-program');
  const printed = run(process.execPath, ['main.js'], program);

  const ours = tree(join(root, 'dist'));
  // As many objects as the committed dist/ holds.
  const objects = readDist(join(root, 'dist')).documents.length;
  expect(objects).toBeGreaterThan(0);
  expect(printed).toMatch(new RegExp(`^synthesized ${objects} objects into 6 Flux paths under dist \\(local\\) in \\d+ ms\n$`));
  expect(tree(join(program, 'dist'))).toEqual(ours);
  const differing = ours.filter((f) => readFileSync(join(program, 'dist', f), 'utf8') !== readFileSync(join(root, 'dist', f), 'utf8'));
  expect(differing).toEqual([]);
}, 300_000);

describe('another organisation\'s platform repo (examples/acme-platform) on the packed packages', () => {
  let program: string;
  beforeAll(() => {
    program = installExample('acme-platform');
  }, 600_000);

  test('its names, three teams, its own kind, one validated tree per environment', () => {
    const printed = run(process.execPath, ['main.js', '--all'], program);
    const objects = (env: string) => readDist(join(program, 'dist', env)).documents.length;
    // Eight Flux paths each: core/operators, core/shared-services, foundation, delivery/workspaces, flux-system and the three teams.
    expect(printed).toMatch(new RegExp(`^synthesized ${objects('production')} objects into 8 Flux paths under dist/production \\(production\\) in \\d+ ms\n` +
      `synthesized ${objects('staging')} objects into 8 Flux paths under dist/staging \\(staging\\) in \\d+ ms\n$`));
    for (const env of ['production', 'staging']) {
      const out = join(program, 'dist', env);
      const report = validateDirectory(out, { repoRoot: program });
      expect([env, report.violations.map((v) => `${v.check} ${v.kind} ${v.name} ${v.path}: ${v.message}`)]).toEqual([env, []]);
      const docs = readDist(out, { repoPath: `dist/${env}` }).documents.map((d) => d.object as Json);
      // Acme's names everywhere; nothing of flux bootstrap's, nothing of Mini-Atlas's.
      expect(new Set(docs.map((o) => o.metadata?.labels?.['app.kubernetes.io/part-of']).filter(Boolean))).toEqual(new Set(['acme-platform']));
      expect(docs.filter((o) => ['GitRepository', 'Kustomization'].includes(o.kind) && o.metadata.name === 'flux-system')).toEqual([]);
      const source = docs.find((o) => o.kind === 'GitRepository' && o.metadata.name === 'acme-platform');
      expect(source.spec).toMatchObject({ url: 'ssh://git@git.acme.example/platform/acme-platform.git', ref: { branch: 'main' }, secretRef: { name: 'acme-platform-deploy-key' }, ignore: `/*\n!/dist/${env}/\n` });
      expect(docs.find((o) => o.kind === 'StorageClass')).toMatchObject({ provisioner: 'pd.csi.storage.gke.io', parameters: { type: 'pd-ssd' } });
      expect(docs.filter((o) => o.kind === 'Workspace').map((o) => o.metadata.name)).toEqual(['payments', 'search', 'storefront']);
      expect(docs.filter((o) => o.kind === 'StaticSite').map((o) => o.metadata.name)).toEqual(['storefront-docs']);
    }
    const pool = (env: string) => (readDist(join(program, 'dist', env)).documents.find((d) => d.object.kind === 'KafkaNodePool')!.object as Json).spec.replicas;
    expect([pool('production'), pool('staging')]).toEqual([3, 2]);
  }, 300_000);

  test('HTTPS on 443 with Acme\'s own certificate Secret, and one team (payments) using every day-one capability, exactly as written', () => {
    run(process.execPath, ['main.js', '--all'], program);
    const docs = readDist(join(program, 'dist', 'production'), { repoPath: 'dist/production' }).documents.map((d) => d.object as Json);
    const one = (kind: string, name: string) => docs.find((o) => o.kind === kind && o.metadata.name === name);
    // The HTTPS listener presents the Secret the platform team keeps in the cluster; HTTP only redirects; no Secret in Git.
    expect(one('Gateway', 'platform').spec.listeners.map((l: Json) => [l.name, l.protocol, l.port, l.tls?.certificateRefs])).toEqual([
      ['http', 'HTTP', 80, undefined], ['https', 'HTTPS', 443, [{ group: '', kind: 'Secret', name: 'apps-acme-example-tls' }]],
    ]);
    expect(one('HTTPRoute', 'https-redirect').spec.rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', port: 443, statusCode: 301 } }] }]);
    expect(one('ResourceGraphDefinition', 'web-application.platform.mini-atlas.io').spec.schema.status.url).toBe('${"https://" + schema.spec.hostname}');
    expect(docs.filter((o) => o.kind === 'Secret')).toEqual([]);
    // payments: egress by name (workspace and app), env/secretEnv/configMapEnv, command/args, two probe paths,
    // autoscaling, a paused app, a worker, a job and a cron job, a database-only Infrastructure with an extension
    // and a second database, and a cache-only one.
    expect(one('Workspace', 'payments').spec.egress).toEqual([{ host: 'api.stripe.com', ports: [443] }]);
    const specs = Object.fromEntries(docs.filter((o) => o.metadata.namespace === 'payments').map((o) => [`${o.kind}/${o.metadata.name}`, o.spec]));
    const stripeKey = { name: 'STRIPE_API_KEY', secret: 'stripe', key: 'api-key' };
    expect(specs).toEqual({
      'Infrastructure/payments-ledger': {
        postgres: { database: 'ledger', owner: 'ledger_app', instances: 3, storage: '20Gi', extensions: ['pgcrypto'], databases: [{ name: 'ledger_audit', extensions: ['pgaudit'] }] },
        cache: { enabled: false },
      },
      'Infrastructure/payments-sessions': { postgres: { enabled: false, instances: 3, storage: '20Gi' }, cache: { memory: '256Mi' } },
      'Topic/payments-settled': expect.objectContaining({ partitions: 6 }),
      'WebApplication/payments-api': {
        image: 'registry.acme.example/payments/api:2.4.1', hostname: 'payments.apps.acme.example', port: 8080,
        command: ['/app/api'], args: ['--listen=:8080', '--log-format=json'], env: [{ name: 'LOG_LEVEL', value: 'info' }],
        secretEnv: [stripeKey], configMapEnv: [{ name: 'FEATURE_FLAGS', configMap: 'payments-flags', key: 'flags' }],
        readinessPath: '/readyz', livenessPath: '/livez', autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 6, cpuUtilization: 70 },
        egress: [{ host: '*.stripe.com', ports: [443] }], database: 'payments-ledger', topic: 'payments-settled',
      },
      'WebApplication/payments-admin': { image: 'registry.acme.example/payments/admin:1.0.0', hostname: 'payments-admin.apps.acme.example', replicas: 0, database: 'payments-sessions' },
      'Workload/payments-settler': {
        type: 'worker', image: 'registry.acme.example/payments/settler:2.4.1', replicas: 2, secretEnv: [stripeKey], database: 'payments-ledger', topic: 'payments-settled',
      },
      'Workload/payments-migrate': { type: 'job', image: 'registry.acme.example/payments/api:2.4.1', command: ['/app/migrate'], args: ['up'], backoffLimit: 1, database: 'payments-ledger' },
      'Workload/payments-reconcile': {
        type: 'cron', image: 'registry.acme.example/payments/api:2.4.1', command: ['/app/reconcile'], schedule: '0 3 * * *',
        concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 5, failedJobsHistoryLimit: 2, database: 'payments-ledger',
      },
    });
  }, 300_000);

  test(`a strict type-check of it (skipLibCheck: false) finds no error and costs at most ${TYPE_CHECK_BUDGET_MS} ms of CPU (median of 3)`, () => {
    const tsconfig = JSON.parse(readFileSync(join(program, 'tsconfig.json'), 'utf8'));
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, skipLibCheck: false });
    const check = `const ts = require(${JSON.stringify(tsc)});
const config = ts.getParsedCommandLineOfConfigFile('tsconfig.json', { noEmit: true }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(d.messageText); } });
const p = ts.createProgram({ rootNames: config.fileNames, options: config.options });
out = JSON.stringify({ files: p.getSourceFiles().filter((f) => f.fileName.includes('/node_modules/mini-atlas/')).length, diagnostics: ts.getPreEmitDiagnostics(p).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')) });`;
    const runs = [0, 1, 2].map(() => measured(check, program));
    console.log(`strict type-check of examples/acme-platform: CPU ${runs.map((r) => r.cpuMs.toFixed(0)).join(', ')} ms (median ${median(runs.map((r) => r.cpuMs)).toFixed(0)}), wall ${runs.map((r) => r.wallMs.toFixed(0)).join(', ')} ms`);
    // The package's one declaration file is checked with the program, and nothing in it or the repo is an error.
    expect(runs.map((r) => JSON.parse(r.out))).toEqual(Array(3).fill({ files: 1, diagnostics: [] }));
    expect(median(runs.map((r) => r.cpuMs))).toBeLessThanOrEqual(TYPE_CHECK_BUDGET_MS);
  }, 300_000);

  test(`require('mini-atlas') with its peers costs at most ${LOAD_BUDGET_MS} ms of CPU in a fresh process (median of 10), without cdk8s-plus`, () => {
    const runs = Array.from({ length: 10 }, () => measured("require('mini-atlas'); out = Object.keys(require.cache).filter((f) => f.includes('cdk8s-plus')).join(',');", program));
    console.log(`require('mini-atlas'): CPU median ${median(runs.map((r) => r.cpuMs)).toFixed(0)} ms, wall median ${median(runs.map((r) => r.wallMs)).toFixed(0)} ms (10 fresh processes)`);
    expect(runs.map((r) => r.out)).toEqual(Array(10).fill(''));
    expect(median(runs.map((r) => r.cpuMs))).toBeLessThanOrEqual(LOAD_BUDGET_MS);
  }, 300_000);
});

/** A node child's CPU time (user + system) around `code`, in ms, and what `code` assigned to `out`. */
function measured(code: string, cwd: string): { cpuMs: number; wallMs: number; out: string } {
  const script = `const c = process.cpuUsage(); const w = process.hrtime.bigint(); let out = '';
${code}
const u = process.cpuUsage(c);
process.stdout.write(JSON.stringify({ cpuMs: (u.user + u.system) / 1000, wallMs: Number(process.hrtime.bigint() - w) / 1e6, out }));`;
  return JSON.parse(run(process.execPath, ['-e', script], cwd)) as { cpuMs: number; wallMs: number; out: string };
}
