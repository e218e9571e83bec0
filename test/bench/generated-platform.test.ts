/** The benchmark's generated platform: N workspaces, each a wired app + database + topic, all valid. */
import { renderApp, RenderedFile } from '../../lib';
import { buildGeneratedPlatform, hostnameOf, MAX_WORKSPACES, workspaceName } from '../../tools/bench/src/generated-platform';
import { parseAppArgs } from '../../tools/bench/src/platform-app';
import { usageError } from '../helpers/usage-error';

type Obj = RenderedFile['object'] & { spec?: Record<string, unknown> };

const N = 12;
const files = renderApp(buildGeneratedPlatform(N).app);
const inFolder = (folder: string): Obj[] => files.filter((f) => f.path.startsWith(`${folder}/`)).map((f) => f.object);

describe('generated platform', () => {
  test('names are deterministic, zero-padded and bounded', () => {
    expect(workspaceName(1)).toBe('bench-0001');
    expect(workspaceName(1000)).toBe('bench-1000');
    expect(hostnameOf(7)).toBe('bench-0007.localtest.me');
    expect(() => workspaceName(0)).toThrow(RangeError);
    expect(() => workspaceName(MAX_WORKSPACES + 1)).toThrow(RangeError);
    expect(() => workspaceName(1.5)).toThrow(RangeError);
    expect(() => buildGeneratedPlatform(-1)).toThrow(RangeError);
  });

  test('N workspaces: each Workspace in delivery/workspaces, each team folder with its WebApplication, Infrastructure and Topic', () => {
    const delivery = new Set(files.filter((f) => f.path.startsWith('delivery/')).map((f) => f.path.split('/')[1]));
    delivery.delete('workspaces');
    expect([...delivery].sort()).toEqual(Array.from({ length: N }, (_, k) => workspaceName(k + 1)));
    for (const ws of delivery) {
      expect(inFolder(`delivery/${ws}`).map((o) => o.kind).sort()).toEqual(['Infrastructure', 'Topic', 'WebApplication']);
    }
    expect(inFolder('delivery/workspaces').map((o) => o.metadata.name).sort()).toEqual([...delivery].sort());
  });

  test('each app is wired to its own workspace database and topic', () => {
    for (let i = 1; i <= N; i++) {
      const ws = workspaceName(i);
      const objects = [...inFolder(`delivery/${ws}`), ...inFolder('delivery/workspaces').filter((o) => o.metadata.name === ws)];
      const get = (kind: string): Obj => objects.find((o) => o.kind === kind)!;
      const app = get('WebApplication');
      expect(app.metadata.namespace).toBe(ws);
      expect(app.spec?.database).toBe(get('Infrastructure').metadata.name);
      expect(app.spec?.topic).toBe(get('Topic').metadata.name);
      expect(app.spec?.hostname).toBe(hostnameOf(i));
      expect(get('Workspace').metadata.name).toBe(ws);
    }
  });

  test('host names are unique across the platform', () => {
    const hosts = files.filter((f) => f.object.kind === 'WebApplication').map((f) => (f.object as Obj).spec?.hostname);
    expect(hosts).toHaveLength(N);
    expect(new Set(hosts).size).toBe(N);
  });

  test('one Flux Kustomization per workspace path, after the Foundation layer', () => {
    const ks = inFolder('flux-system').filter((o) => o.kind === 'Kustomization' && o.metadata.name.startsWith('delivery-') && o.metadata.name !== 'delivery-workspaces');
    expect(ks.map((k) => k.metadata.name).sort()).toEqual(Array.from({ length: N }, (_, k) => `delivery-${workspaceName(k + 1)}`));
    for (const k of ks) {
      expect(k.spec?.path).toBe(`./dist/delivery/${k.metadata.name.slice('delivery-'.length)}`);
      expect(k.spec?.dependsOn).toEqual([{ name: 'delivery-workspaces' }]);
    }
  });

  test('the object count grows by five per workspace (four instances and one Flux Kustomization)', () => {
    const empty = renderApp(buildGeneratedPlatform(0).app).length;
    expect(files.length).toBe(empty + 5 * N);
  });
});

describe('platform-app arguments', () => {
  test('parses --workspaces and --out', () => {
    expect(parseAppArgs(['--workspaces', '10', '--out', '/tmp/x'])).toEqual({ workspaces: 10, out: '/tmp/x' });
  });
  test.each([
    [[], /--workspaces/],
    [['--workspaces', 'ten', '--out', 'x'], /--workspaces/],
    [['--workspaces', '3'], /--out/],
    [['--workspaces'], /needs a value/],
    [['--bogus', '1'], /unknown option --bogus/],
  ])('%j is rejected', (argv, message) => {
    expect(() => parseAppArgs(argv)).toThrow(message);
  });
  test.each([
    [['--bogus', '1'], 'unknown option --bogus for bench platform-app; valid options: --workspaces, --out'],
    [['--out', 'x', '--workspaces'], '--workspaces needs a value; pass --workspaces <n> or leave the option out'],
    [['--workspaces', '3'], '--out <dir> is required; e.g. --out /tmp/bench'],
  ])('%j → one line, exit code 2: %s', (argv, message) => {
    const e = usageError(() => parseAppArgs(argv));
    expect(e.message).toBe(message);
    expect(e.exitCode).toBe(2);
  });
});
