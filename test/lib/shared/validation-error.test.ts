/** The one error type and the one validation path (lib/shared/validation-error.ts). */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { FluxStage, MiniAtlasValidationError, renderApp, ValidationIssue, WebApplication, Workspace } from '../../../lib';
import { parseSynthArgs, synthesize } from '@mini-atlas/synth';

test('all errors of one synth are reported together, each naming the construct path', () => {
  let error: unknown;
  const appObj = new App();
  const stage = new FluxStage(new Chart(appObj, 'delivery'), 'team', { path: 'delivery/team' });
  const ws = new Workspace(stage, 'kube-system', { team: 'a' });
  new WebApplication(ws, 'web', { image: 'nginx', hostname: 'nope', replicas: 11 });
  try { renderApp(appObj); } catch (e) { error = e; }
  expect(error).toBeInstanceOf(MiniAtlasValidationError);
  const message = (error as Error).message;
  expect(message).toMatch(/^Mini-Atlas found 4 configuration errors:/);
  expect(message).toContain('delivery/team/kube-system: name = "kube-system": is a reserved namespace');
  expect(message).toContain('delivery/team/kube-system/apps/web: spec.replicas = 11: must be between 0 and 10.');
  expect(message).toContain('delivery/team/kube-system/apps/web: spec.image = "nginx": has no tag');
  expect(message).toContain('delivery/team/kube-system/apps/web: spec.hostname = "nope": must be fully qualified');
});

describe('one validation path: plain app.synth() and renderApp (npm run synth) throw the same error', () => {
  /** A workspace with a reserved name and an app with three bad fields: issues from two constructs. */
  function invalidApp(): App {
    const a = new App({ outdir: mkdtempSync(join(tmpdir(), 'mini-atlas-synth-')) });
    const ws = new Workspace(new FluxStage(new Chart(a, 'delivery'), 'team', { path: 'delivery/team' }), 'kube-system', { team: 'a' });
    new WebApplication(ws, 'web', { image: 'nginx', hostname: 'nope', replicas: 11 });
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
    { path: 'delivery/team/kube-system/apps/web', field: 'spec.replicas', value: '11', rule: 'must be between 0 and 10' },
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

  test('an object outside any stage: the same issue, with the others, from app.synth(), renderApp and the synth command', () => {
    const withStray = (): App => {
      const a = invalidApp();
      new ApiObject(new Chart(a, 'loose'), 'stray', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stray' } });
      return a;
    };
    const stray: ValidationIssue = {
      path: 'loose/stray', field: 'scope', value: '"ConfigMap/stray"', rule: 'is outside any FluxStage, so no Flux Kustomization would apply it',
      fix: 'create it inside a FluxStage (a Workspace, a chart of buildPlatform, or your own stage), or place it with FluxStage.place',
    };
    const cwd = mkdtempSync(join(tmpdir(), 'mini-atlas-synth-'));
    const errors = [
      thrown(() => withStray().synth()),
      thrown(() => renderApp(withStray())),
      thrown(() => synthesize({ build: () => withStray() }, parseSynthArgs(['--out', 'dist'], {}), cwd)),
    ] as MiniAtlasValidationError[];
    for (const error of errors) {
      expect(error).toBeInstanceOf(MiniAtlasValidationError);
      expect(error.issues).toEqual([stray, ...expected]);
      expect(error.message).toBe(errors[0].message);
    }
    expect(errors[0].message.split('\n').slice(0, 2)).toEqual([
      'Mini-Atlas found 5 configuration errors:',
      '  - loose/stray: scope = "ConfigMap/stray": is outside any FluxStage, so no Flux Kustomization would apply it. Fix: create it inside a FluxStage (a Workspace, a chart of buildPlatform, or your own stage), or place it with FluxStage.place',
    ]);
    expect(readdirSync(cwd)).toEqual([]);
  });

  test('an object defined twice: the same issue from app.synth(), renderApp and the synth command, once nothing else is wrong', () => {
    const withDuplicate = (valid: boolean): App => {
      const a = new App({ outdir: mkdtempSync(join(tmpdir(), 'mini-atlas-synth-')) });
      const stage = new FluxStage(new Chart(a, 'delivery'), 'team', { path: 'delivery/team' });
      new Workspace(stage, valid ? 'team-a' : 'kube-system', { team: 'a' });
      const settings = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'team-a' } };
      new ApiObject(stage, 'settings', settings);
      new ApiObject(stage, 'settings-again', settings);
      return a;
    };
    const duplicate: ValidationIssue = {
      path: 'delivery/team/settings-again', field: 'metadata.name', value: '"ConfigMap/team-a/settings"',
      rule: 'is defined twice in delivery/team (also at delivery/team/settings)', fix: 'give one of them another name',
    };
    const cwd = mkdtempSync(join(tmpdir(), 'mini-atlas-synth-'));
    const errors = [
      thrown(() => withDuplicate(true).synth()),
      thrown(() => renderApp(withDuplicate(true))),
      thrown(() => synthesize({ build: () => withDuplicate(true) }, parseSynthArgs(['--out', 'dist'], {}), cwd)),
    ] as MiniAtlasValidationError[];
    for (const error of errors) {
      expect(error).toBeInstanceOf(MiniAtlasValidationError);
      expect(error.issues).toEqual([duplicate]);
      expect(error.message).toBe([
        'Mini-Atlas found 1 configuration error:',
        '  - delivery/team/settings-again: metadata.name = "ConfigMap/team-a/settings": is defined twice in delivery/team (also at delivery/team/settings). Fix: give one of them another name',
      ].join('\n'));
    }
    expect(readdirSync(cwd)).toEqual([]);
    // With another problem in the app, the duplicate waits (it usually follows from a clash another check names).
    expect((thrown(() => withDuplicate(false).synth()) as MiniAtlasValidationError).issues).toEqual([expected[0]]);
  });
});
