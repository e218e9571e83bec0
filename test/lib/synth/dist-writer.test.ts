/** The dist/ writer: what it writes, what it leaves alone, and what it removes. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlatform } from '../../../lib/build-platform';
import { addTeamA } from '../../../teams/team-a';
import { ApiObject, App, Chart } from 'cdk8s';
import { parse } from 'yaml';
import { issues } from '../../helpers/issues';
import { FluxStage, HelmComponent, Infrastructure, MiniAtlasValidationError, RemovalGuardError, renderApp, Topic, WebApplication, Workspace, writeDist } from '../../../lib';

const synth = (out: string, extra: 'none' | 'team-b' | 'team-b-app' = 'none', allowRemoval: string[] = []) => {
  const p = buildPlatform({
    teams: (d) => {
      addTeamA(d);
      if (extra !== 'none') {
        const ws = d.addWorkspace('team-b', { team: 'team-b' });
        if (extra === 'team-b-app') new WebApplication(ws, 'web', { image: 'ghcr.io/acme/b:1.0.0', hostname: 'team-b.localtest.me' });
        else new Infrastructure(ws, 'db');
      }
    },
  });
  return writeDist(p.app, out, { allowRemoval });
};
const mtimes = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, statSync(join(dir, f)).mtimeMs]));

test('a re-synth without changes writes nothing; a change rewrites only its Flux path', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mini-atlas-writer-')), 'dist');
  synth(out);
  const foundation = mtimes(join(out, 'foundation'));
  const team = mtimes(join(out, 'delivery/team-a'));
  synth(out);
  expect(mtimes(join(out, 'foundation'))).toEqual(foundation);
  synth(out, 'team-b-app');
  expect(mtimes(join(out, 'foundation'))).toEqual(foundation);
  expect(mtimes(join(out, 'delivery/team-a'))).toEqual(team);
  expect(readdirSync(join(out, 'delivery/team-b')).sort()).toEqual(['kustomization.yaml', 'webapplication-team-b-team-b-web.yaml']);
  expect(readFileSync(join(out, 'delivery/workspaces/kustomization.yaml'), 'utf8')).toContain('workspace-team-b.yaml');
  expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
});

test('objects and Flux paths no longer synthesized are removed (stateless ones without asking)', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mini-atlas-writer-')), 'dist');
  synth(out, 'team-b-app');
  synth(out, 'none', ['Workspace/team-b']);
  expect(existsSync(join(out, 'delivery/team-b'))).toBe(false);
  expect(readFileSync(join(out, 'delivery/workspaces/kustomization.yaml'), 'utf8')).not.toContain('team-b');
  expect(readdirSync(join(out, 'flux-system'))).not.toContain('kustomization-flux-system-delivery-team-b.yaml');
});

test('an empty stage is written as a folder whose kustomization lists nothing: a workspace before its first app, a platform without teams', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mini-atlas-writer-')), 'dist');
  const empty = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [] };
  const result = writeDist(buildPlatform({ teams: (d) => { d.addWorkspace('team-b', { team: 'team-b' }); } }).app, out);
  expect(readdirSync(join(out, 'delivery/team-b'))).toEqual(['kustomization.yaml']);
  expect(parse(readFileSync(join(out, 'delivery/team-b/kustomization.yaml'), 'utf8'))).toEqual(empty);
  expect(readFileSync(join(out, 'flux-system/kustomization-flux-system-delivery-team-b.yaml'), 'utf8')).toContain('path: ./dist/delivery/team-b\n');
  expect(result.folders).toBe(6);
  const none = join(mkdtempSync(join(tmpdir(), 'mini-atlas-writer-')), 'dist');
  writeDist(buildPlatform({ teams: () => undefined }).app, none);
  expect(parse(readFileSync(join(none, 'delivery/workspaces/kustomization.yaml'), 'utf8'))).toEqual(empty);
});

test('the guard still sees stateful objects of changed files', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mini-atlas-writer-')), 'dist');
  synth(out, 'team-b');
  expect(() => synth(out, 'team-b-app')).toThrow('\n  - Infrastructure/team-b/team-b-db: a stateful object would disappear and Flux would stop managing it (its data is kept only because it is not pruned)\n');
  expect(readdirSync(join(out, 'delivery/team-b'))).toContain('infrastructure-team-b-team-b-db.yaml');
});

test('fails if an object is outside any Flux stage (it cannot be placed): every such object, as validation issues', () => {
  const app = new App();
  new HelmComponent(new Chart(app, 'loose'), 'x', { chart: { chart: 'x', version: '1.0.0', repository: 'https://c.example.com' }, namespace: 'x' });
  const rule = 'is outside any FluxStage, so no Flux Kustomization would apply it';
  const fix = 'create it inside a FluxStage (a Workspace, a chart of buildPlatform, or your own stage), or place it with FluxStage.place';
  expect(issues(() => renderApp(app))).toEqual([
    { path: 'loose/x/namespace', field: 'scope', value: '"Namespace/x"', rule, fix },
    { path: 'loose/x/source', field: 'scope', value: '"HelmRepository/x"', rule, fix },
    { path: 'loose/x/release', field: 'scope', value: '"HelmRelease/x"', rule, fix },
  ]);
});

test('fails if two objects of a made-up kind land in the same file of a stage, once nothing else is wrong (a clash another check reports comes first)', () => {
  const widgets = (withStray: boolean): App => {
    const app = new App();
    const stage = new FluxStage(new Chart(app, 'ops'), 'ops', { path: 'ops', wait: false });
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' } };
    new ApiObject(stage, 'first', widget);
    new ApiObject(stage, 'second', widget);
    if (withStray) new ApiObject(new Chart(app, 'loose'), 'stray', { ...widget, metadata: { name: 'stray' } });
    return app;
  };
  expect(issues(() => renderApp(widgets(true))).map((i) => [i.path, i.field, i.value, i.rule])).toEqual([
    ['loose/stray', 'scope', '"Widget/stray"', 'is outside any FluxStage, so no Flux Kustomization would apply it'],
  ]);
  expect(issues(() => renderApp(widgets(false))).map((i) => [i.path, i.field, i.value, i.rule])).toEqual([
    ['ops/ops/second', 'metadata.name', '"Widget/default/w"', 'is defined twice in ops (also at ops/ops/first)'],
  ]);
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

describe('removal guard', () => {
  const synth = (withTopic: boolean, out: string, allowRemoval: string[] = []) => {
    const p = buildPlatform({ teams: (d) => { const ws = addTeamA(d); if (withTopic) new Topic(ws, 'audit'); } });
    return writeDist(p.app, out, { allowRemoval });
  };
  const out = join(mkdtempSync(join(tmpdir(), 'mini-atlas-guard-')), 'dist');

  test('refuses to drop a stateful object, naming it, and leaves dist/ as it was', () => {
    synth(true, out);
    const before = readFileSync(join(out, 'delivery/team-a/topic-team-a-team-a-audit.yaml'), 'utf8');
    expect(() => synth(false, out)).toThrow(RemovalGuardError);
    expect(() => synth(false, out)).toThrow([
      `Refusing to write ${out}/: 1 change to the committed ${out}/ would be refused by the cluster or lose data.`,
      'Losing data unless acknowledged:',
      '  - Topic/team-a/team-a-audit: a stateful object would disappear and Flux would stop managing it (its data is kept only because it is not pruned)',
      '  If this is intended, acknowledge it with writeDist\'s option allowRemoval: ["Topic/team-a/team-a-audit"] (npm run synth and @mini-atlas/synth: --allow-removal Topic/team-a/team-a-audit), then delete the objects explicitly (see README, "Deleting data").',
    ].join('\n'));
    expect(readFileSync(join(out, 'delivery/team-a/topic-team-a-team-a-audit.yaml'), 'utf8')).toBe(before);
  });

  test('accepts the removal once acknowledged', () => {
    expect(synth(false, out, ['Topic/team-a/team-a-audit']).removed).toEqual(['Topic/team-a/team-a-audit']);
  });
});
