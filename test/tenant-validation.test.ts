/** Every synth-time rule of the tenant library, with the exact message a user sees. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import {
  FluxStage, Infrastructure, MiniAtlasValidationError, renderApp, Topic, ValidationIssue, WebApplication, Workspace, writeDist,
} from '../lib';

/** A chart with one stage; `build` adds tenants to it. */
function issuesOf(build: (stage: FluxStage) => void): ValidationIssue[] {
  const app = new App();
  const chart = new Chart(app, 'delivery');
  build(new FluxStage(chart, 'team', { path: 'delivery/team' }));
  try {
    renderApp(app);
  } catch (e) {
    if (e instanceof MiniAtlasValidationError) return [...e.issues];
    throw e;
  }
  return [];
}
const app = (image = 'ghcr.io/acme/web:1.0.0', hostname = 'web.localtest.me') => ({ image, hostname });

describe('names', () => {
  test('a workspace name that is not a DNS-1123 label', () => {
    expect(issuesOf((s) => new Workspace(s, 'Team_A', { team: 'a' }))).toContainEqual({
      path: 'delivery/team/Team_A', field: 'name', value: '"Team_A"',
      rule: 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit',
      fix: 'use a shorter lowercase name of letters, digits and "-"',
    });
  });

  test('a workspace name too long to prefix its objects', () => {
    const name = 'a'.repeat(31);
    expect(issuesOf((s) => new Workspace(s, name, { team: 'a' }))[0]).toMatchObject({
      field: 'name', rule: 'is 31 characters long; the limit is 30',
    });
  });

  test('an app name that exceeds 63 characters once prefixed', () => {
    const issues = issuesOf((s) => new WebApplication(new Workspace(s, 'team-a', { team: 'a' }), 'x'.repeat(60), app()));
    expect(issues).toContainEqual(expect.objectContaining({
      path: `delivery/team/team-a/apps/${'x'.repeat(60)}`, field: 'name', rule: 'is 67 characters long; the limit is 63',
    }));
  });

  test('a database name too long for the names CloudNativePG derives from it (<name>-app, -rw, pods)', () => {
    const issues = issuesOf((s) => new Infrastructure(new Workspace(s, 'team-a', { team: 'a' }), 'd'.repeat(44)));
    expect(issues).toContainEqual(expect.objectContaining({ field: 'name', rule: 'is 51 characters long; the limit is 50' }));
  });

  test('a name the Kyverno naming policy would reject (missing the workspace prefix)', () => {
    const issues = issuesOf((s) => new Topic(new Workspace(s, 'team-a', { team: 'a' }), 'orders', { name: 'orders' }));
    expect(issues).toContainEqual({
      path: 'delivery/team/team-a/topics/orders', field: 'name', value: '"orders"',
      rule: 'must start with the workspace prefix "team-a-" (Kyverno policy workspace-naming)',
      fix: 'name it "team-a-orders" or omit the name',
    });
  });

  test.each(['kube-system', 'flux-system', 'kafka', 'cnpg-system', 'default', 'kube-anything'])('reserved workspace name %s', (name) => {
    expect(issuesOf((s) => new Workspace(s, name, { team: 'a' }))).toContainEqual(expect.objectContaining({
      field: 'name', rule: 'is a reserved namespace (Kubernetes, Flux or a platform component)',
    }));
  });
});

describe('duplicates', () => {
  test('two apps with the same name in a workspace', () => {
    const issues = issuesOf((s) => {
      const ws = new Workspace(s, 'team-a', { team: 'a' });
      new WebApplication(ws, 'web', app());
      new WebApplication(ws, 'web', app('ghcr.io/acme/web:1.0.0', 'other.localtest.me'));
    });
    expect(issues).toContainEqual(expect.objectContaining({
      path: 'delivery/team/team-a/apps', field: 'name', value: '"web"', rule: 'is used by two WebApplications in delivery/team/team-a/apps',
    }));
  });

  test('two workspaces with the same name, even in different charts', () => {
    const issues = issuesOf((s) => {
      new Workspace(s, 'team-a', { team: 'a' });
      new Workspace(new FluxStage(new Chart(s.node.root as App, 'other'), 'x', { path: 'delivery/x' }), 'team-a', { team: 'b' });
    });
    expect(issues).toContainEqual(expect.objectContaining({
      path: 'other/x/team-a', rule: 'is already the name of the workspace at delivery/team/team-a',
    }));
  });

  test('an app and a cache that would both create the same Deployment', () => {
    const issues = issuesOf((s) => {
      const ws = new Workspace(s, 'team-a', { team: 'a' });
      new Infrastructure(ws, 'db');
      new WebApplication(ws, 'db-cache', app());
    });
    expect(issues).toContainEqual(expect.objectContaining({
      path: 'delivery/team/team-a/apps/db-cache', rule: 'would create Service team-a-db-cache, which delivery/team/team-a/infrastructure/db creates too',
    }));
  });

  test('a hostname already used by another app', () => {
    const issues = issuesOf((s) => {
      const ws = new Workspace(s, 'team-a', { team: 'a' });
      new WebApplication(ws, 'one', app());
      new WebApplication(ws, 'two', app());
    });
    expect(issues).toContainEqual({
      path: 'delivery/team/team-a/apps/two', field: 'spec.hostname', value: '"web.localtest.me"',
      rule: 'is already routed to delivery/team/team-a/apps/one', fix: 'give every application its own host name',
    });
  });
});

describe('bounds and formats', () => {
  const inWs = (f: (ws: Workspace) => void) => issuesOf((s) => f(new Workspace(s, 'team-a', { team: 'a' })));

  test.each([0, 11])('replicas %i', (replicas) => {
    expect(inWs((ws) => new WebApplication(ws, 'web', { ...app(), replicas }))).toContainEqual(expect.objectContaining({
      field: 'spec.replicas', value: String(replicas), rule: 'must be between 1 and 10',
    }));
  });

  test.each([[0, 'partitions', 'must be between 1 and 48'], [49, 'partitions', 'must be between 1 and 48'], [0, 'retentionHours', 'must be between 1 and 720'], [721, 'retentionHours', 'must be between 1 and 720']] as const)(
    '%i %s', (value, field, rule) => {
      expect(inWs((ws) => new Topic(ws, 't', { [field]: value }))).toContainEqual(expect.objectContaining({ field: `spec.${field}`, rule }));
    });

  test('a storage size that does not parse', () => {
    expect(inWs((ws) => new Infrastructure(ws, 'db', { postgres: { storage: '10 gigs' } }))).toContainEqual({
      path: 'delivery/team/team-a/infrastructure/db', field: 'spec.postgres.storage', value: '"10 gigs"', rule: 'must match a quantity such as 1Gi',
    });
  });

  test.each([
    ['ghcr.io/acme/web', 'has no tag; mutable references are not allowed'],
    ['ghcr.io/acme/web:latest', 'uses the mutable tag "latest"'],
  ])('image %s', (image, rule) => {
    expect(inWs((ws) => new WebApplication(ws, 'web', app(image)))).toContainEqual(expect.objectContaining({
      field: 'spec.image', value: JSON.stringify(image), rule, fix: 'use a fully qualified image with a version tag, e.g. ghcr.io/acme/web:1.4.2',
    }));
  });

  test('images pinned by digest or with a registry port are fine', () => {
    expect(inWs((ws) => {
      new WebApplication(ws, 'a', app(`ghcr.io/acme/web@sha256:${'a'.repeat(64)}`, 'a.localtest.me'));
      new WebApplication(ws, 'b', app('registry.local:5000/acme/web:2', 'b.localtest.me'));
    })).toEqual([]);
  });

  test.each([['Web.Example.com', 'must be a lowercase DNS name such as "shop.localtest.me"'], ['localhost', 'must be fully qualified (contain a dot)']])(
    'hostname %s', (hostname, rule) => {
      expect(inWs((ws) => new WebApplication(ws, 'web', app(undefined, hostname)))).toContainEqual(expect.objectContaining({ field: 'spec.hostname', rule }));
    });

  test('a database and a topic from another workspace', () => {
    const issues = issuesOf((s) => {
      const a = new Workspace(s, 'team-a', { team: 'a' });
      const b = new Workspace(s, 'team-b', { team: 'b' });
      new WebApplication(a, 'web', { ...app(), database: new Infrastructure(b, 'db') });
    });
    expect(issues).toContainEqual(expect.objectContaining({
      field: 'database', rule: 'belongs to workspace "team-b", not "team-a"',
    }));
  });
});

test('all errors of one synth are reported together, each naming the construct path', () => {
  let error: unknown;
  const appObj = new App();
  const stage = new FluxStage(new Chart(appObj, 'delivery'), 'team', { path: 'delivery/team' });
  const ws = new Workspace(stage, 'kube-system', { team: 'a' });
  new WebApplication(ws, 'web', { image: 'nginx', hostname: 'nope', replicas: 0 });
  try { renderApp(appObj); } catch (e) { error = e; }
  expect(error).toBeInstanceOf(MiniAtlasValidationError);
  const message = (error as Error).message;
  expect(message).toMatch(/^Mini-Atlas found 4 configuration errors:/);
  expect(message).toContain('delivery/team/kube-system: name = "kube-system": is a reserved namespace');
  expect(message).toContain('delivery/team/kube-system/apps/web: spec.replicas = 0: must be between 1 and 10.');
  expect(message).toContain('delivery/team/kube-system/apps/web: spec.image = "nginx": has no tag');
  expect(message).toContain('delivery/team/kube-system/apps/web: spec.hostname = "nope": must be fully qualified');
});

describe('one validation path: plain app.synth() and renderApp (npm run synth) throw the same error', () => {
  /** A workspace with a reserved name and an app with three bad fields: issues from two constructs. */
  function invalidApp(): App {
    const a = new App({ outdir: mkdtempSync(join(tmpdir(), 'mini-atlas-synth-')) });
    const ws = new Workspace(new FluxStage(new Chart(a, 'delivery'), 'team', { path: 'delivery/team' }), 'kube-system', { team: 'a' });
    new WebApplication(ws, 'web', { image: 'nginx', hostname: 'nope', replicas: 0 });
    return a;
  }
  const thrown = (f: () => unknown): unknown => {
    try { f(); } catch (e) { return e; }
    return undefined;
  };
  const expected: ValidationIssue[] = [
    {
      path: 'delivery/team/kube-system', field: 'name', value: '"kube-system"',
      rule: 'is a reserved namespace (Kubernetes, Flux or a platform component)', fix: 'choose a team-specific name such as "team-payments"',
    },
    { path: 'delivery/team/kube-system/apps/web', field: 'spec.replicas', value: '0', rule: 'must be between 1 and 10' },
    {
      path: 'delivery/team/kube-system/apps/web', field: 'spec.image', value: '"nginx"', rule: 'has no tag; mutable references are not allowed',
      fix: 'use a fully qualified image with a version tag, e.g. ghcr.io/acme/web:1.4.2',
    },
    { path: 'delivery/team/kube-system/apps/web', field: 'spec.hostname', value: '"nope"', rule: 'must be fully qualified (contain a dot)' },
  ];

  test('the same MiniAtlasValidationError with the same issues, each once, in construct-tree order', () => {
    const viaSynth = thrown(() => invalidApp().synth());
    const viaRender = thrown(() => renderApp(invalidApp()));
    expect(viaSynth).toBeInstanceOf(MiniAtlasValidationError);
    expect(viaRender).toBeInstanceOf(MiniAtlasValidationError);
    expect((viaSynth as MiniAtlasValidationError).issues).toEqual(expected);
    expect((viaRender as MiniAtlasValidationError).issues).toEqual(expected);
    expect((viaSynth as Error).message).toBe((viaRender as Error).message);
  });

  test('app.synth() writes nothing when it fails, and the synth of a valid app still writes its charts', () => {
    const bad = invalidApp();
    expect(() => bad.synth()).toThrow(MiniAtlasValidationError);
    expect(readdirSync(bad.outdir)).toEqual([]);
    const good = new App({ outdir: mkdtempSync(join(tmpdir(), 'mini-atlas-synth-')) });
    new Workspace(new FluxStage(new Chart(good, 'delivery'), 'team', { path: 'delivery/team' }), 'team-a', { team: 'a' });
    good.synth();
    expect(readdirSync(good.outdir)).toEqual(['delivery.k8s.yaml']);
  });

  test('another node.addValidation is reported in the same error, at its construct, by both paths', () => {
    const withOther = (): App => {
      const a = invalidApp();
      a.node.findChild('delivery').node.addValidation({ validate: () => ['labels must name a cost centre'] });
      return a;
    };
    const other: ValidationIssue = { path: 'delivery', field: 'validation', value: '"Chart"', rule: 'labels must name a cost centre' };
    expect((thrown(() => withOther().synth()) as MiniAtlasValidationError).issues).toEqual([other, ...expected]);
    expect((thrown(() => renderApp(withOther())) as MiniAtlasValidationError).issues).toEqual([other, ...expected]);
  });
});

test('a failing synth leaves dist/ untouched', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mini-atlas-')), 'dist');
  mkdirSync(join(out, 'x'), { recursive: true });
  writeFileSync(join(out, 'x', 'keep.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\n');
  const bad = new App();
  new Workspace(new FluxStage(new Chart(bad, 'c'), 's', { path: 's' }), 'BAD', { team: 'a' });
  expect(() => writeDist(bad, out)).toThrow(MiniAtlasValidationError);
  expect(readFileSync(join(out, 'x', 'keep.yaml'), 'utf8')).toContain('name: keep');
});

describe('unsafe requests are not expressible, and rejected when forced past the types', () => {
  const inWs = (f: (ws: Workspace) => void) => issuesOf((s) => f(new Workspace(s, 'team-a', { team: 'a' })));
  test.each([
    ['privileged', true],
    ['hostPath', '/var/run/docker.sock'],
    ['hostNetwork', true],
    ['namespace', 'kube-system'],
  ])('WebApplication with %s', (field, value) => {
    const issues = inWs((ws) => new WebApplication(ws, 'web', { ...app(), [field]: value } as never));
    expect(issues).toContainEqual({
      path: 'delivery/team/team-a/apps/web', field: `spec.${field}`, value: JSON.stringify(value),
      rule: 'is not a known field (known: image, replicas, hostname, port, healthPath, resources, database, topic)',
    });
  });
});
