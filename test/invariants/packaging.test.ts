/**
 * Other platform repos import Mini-Atlas as a package: pack it, install the tarball into an example
 * consumer, compile the consumer against the published types, synthesize, and compare with our own output.
 * - examples/consumer: constructs alone, plain `app.synth()`, compared with what the DeliveryChart produces;
 * - examples/synth-program: the public synth command (`@mini-atlas/synth`), compared with the committed dist/;
 * - examples/acme-platform: another organisation's complete platform repo.
 * The package's budgets (a timing measurement) are measured on acme-platform by test/budgets/, in their own run
 * (`npm run test:budgets`), not here.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { render } from '../helpers/platform';
import { installExample, packAll, Packed, ROOT as root, run, tarball } from '../helpers/packed';
import { readDist } from '../../lib/synth/dist-model';
import { validateDirectory } from '../../tools/validate/src/index';
import { Json } from '../helpers/platform';

/** The packed packages, once for every example. */
let packed: Packed;

beforeAll(() => {
  packed = packAll();
}, 600_000);

afterAll(() => rmSync(packed.work, { recursive: true, force: true }));

test('a consumer installs the packed package, imports { Workspace } from "mini-atlas" and synthesizes the same objects', () => {
  const shipped = packed.packages['mini-atlas'].files.map((f) => f.path);
  expect(shipped).toEqual(expect.arrayContaining(['build/lib/index.js', 'build/mini-atlas.d.ts', 'build/imports/kro.run.js', 'build/cli/mini-atlas.js', 'package.json']));
  // One declaration file: the public API and what it reaches (npm run api), no internal module's declarations.
  expect(shipped.filter((p) => p.endsWith('.d.ts'))).toEqual(['build/mini-atlas.d.ts']);
  expect(shipped.filter((p) => /^(build\/(scripts|charts)|dist|test)\//.test(p))).toEqual([]);

  const consumer = join(packed.work, 'consumer');
  cpSync(join(root, 'examples', 'consumer'), consumer, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(consumer, 'package.json'), 'utf8'));
  pkg.dependencies['mini-atlas'] = `file:${tarball(packed, 'mini-atlas')}`;
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

test('a platform repo on the packed packages runs the public synth command and writes the committed dist/ byte for byte', () => {
  const program = installExample(packed, 'synth-program');
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
    program = installExample(packed, 'acme-platform');
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
});
