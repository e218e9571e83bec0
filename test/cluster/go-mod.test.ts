/**
 * The go.mod handling behind the tool builder's wrapper modules (tools/control-plane/src/go-mod.ts).
 */
import { isLocalReplace, parseGoMod, renderWrapperGoMod } from '../../tools/control-plane/src/go-mod';

const UPSTREAM = `module k8s.io/kubernetes

go 1.25.0

godebug default=go1.25

require (
	k8s.io/api v0.0.0 // replaced below
	sigs.k8s.io/yaml v1.6.0
)

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/apimachinery => ./staging/src/k8s.io/apimachinery // comment
)

replace k8s.io/pod-security-admission => github.com/kyverno/pod-security-admission v0.0.0-20251031094455-46f20778634f
replace example.com/old v1.0.0 => example.com/new v1.2.3
`;

describe('parseGoMod', () => {
  const mod = parseGoMod(UPSTREAM);

  test('reads module, go directive and every replace (block and single-line, with versions)', () => {
    expect(mod.module).toBe('k8s.io/kubernetes');
    expect(mod.go).toBe('1.25.0');
    expect(mod.replaces).toEqual([
      { path: 'k8s.io/api', newPath: './staging/src/k8s.io/api' },
      { path: 'k8s.io/apimachinery', newPath: './staging/src/k8s.io/apimachinery' },
      { path: 'k8s.io/pod-security-admission', newPath: 'github.com/kyverno/pod-security-admission', newVersion: 'v0.0.0-20251031094455-46f20778634f' },
      { path: 'example.com/old', version: 'v1.0.0', newPath: 'example.com/new', newVersion: 'v1.2.3' },
    ]);
  });

  test('tells directory replacements from module replacements', () => {
    expect(mod.replaces.map(isLocalReplace)).toEqual([true, true, false, false]);
  });

  test('rejects a file without a module directive and a malformed replace', () => {
    expect(() => parseGoMod('go 1.22\n')).toThrow(/no module directive/);
    expect(() => parseGoMod('module x\nreplace a b c => d\n')).toThrow(/cannot parse replace/);
  });
});

describe('renderWrapperGoMod', () => {
  test('requires the upstream module and restates module replacements', () => {
    const text = renderWrapperGoMod({
      module: 'mini-atlas.local/tools/kubernetes',
      go: '1.25.0',
      require: { path: 'k8s.io/kubernetes', version: 'v1.35.0' },
      replaces: [{ path: 'k8s.io/api', newPath: 'k8s.io/api', newVersion: 'v0.35.0' }],
    });
    expect(text).toBe('module mini-atlas.local/tools/kubernetes\n\ngo 1.25.0\n\nrequire k8s.io/kubernetes v1.35.0\n\n' +
      'replace (\n\tk8s.io/api => k8s.io/api v0.35.0\n)\n');
    expect(parseGoMod(text).replaces).toEqual([{ path: 'k8s.io/api', newPath: 'k8s.io/api', newVersion: 'v0.35.0' }]);
  });

  test('refuses a directory replacement, which only works inside the upstream repository', () => {
    expect(() => renderWrapperGoMod({
      module: 'w', go: '1.25', require: { path: 'a', version: 'v1' }, replaces: [{ path: 'b', newPath: '../b' }],
    })).toThrow(/must name a module version/);
  });
});
