/**
 * The one YAML writer: every string that YAML 1.1 (Kubernetes' decoder) or YAML 1.2 would read as anything
 * but that string is quoted, and nothing else changes.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { FluxStage, parseYamlDocuments, toYaml, toYamlDocuments, writeDist } from '../../../lib';
import { GO_YAML_NUMBER } from '../../../lib/synth/kubernetes-yaml';
import { yamlReadingDifferences } from '../../../tools/validate/src/hygiene';
import { PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';
import { Json, render, rgdResources } from '../../helpers/platform';

const VALKEY_ARGS = ['--requirepass', '$(VALKEY_PASSWORD)', '--save', '', '--appendonly', 'no', '--dir', '/data'];
const valkeyArgs = (rgd: Json): unknown => rgd.spec.resources.find((r: Json) => r.id === 'cache').template.spec.template.spec.containers[0].args;
const yaml11 = (text: string): Json => parseYamlDocuments(text, '1.1')[0].toJS();

describe("today's case: the Valkey argument --appendonly no", () => {
  it('is written quoted in the rendered Infrastructure RGD, and YAML 1.1 reads it back as the string', () => {
    const files = render();
    const rgd = files.find((f) => f.path === 'foundation/resourcegraphdefinition-infrastructure.platform.mini-atlas.io.yaml')!;
    expect(rgdResources(files, 'Infrastructure').cache.template.spec.template.spec.containers[0].args).toEqual(VALKEY_ARGS);
    const text = toYaml(rgd.object);
    expect(text).toContain('                    - --appendonly\n                    - "no"\n                    - --dir\n');
    expect(valkeyArgs(yaml11(text))).toEqual(VALKEY_ARGS);
  });

  it("dist/foundation's file reads as the string \"no\" under YAML 1.1 rules", () => {
    const text = readFileSync(join(PROJECT_ROOT, 'dist/foundation/resourcegraphdefinition-infrastructure.platform.mini-atlas.io.yaml'), 'utf8');
    expect(valkeyArgs(yaml11(text))).toEqual(VALKEY_ARGS);
    expect(yamlReadingDifferences(text)).toEqual([]);
  });
});

describe('made-up inputs of the same shape', () => {
  const ambiguous = { a: 'on', b: 'Off', c: 'y', d: '0755', e: '1_000', f: '1:20', g: '.inf', h: '~', i: '0x1F', j: '1e3' };

  it('quotes every string YAML 1.1 reads as a boolean, number or null, and they round-trip as strings', () => {
    const text = toYaml(ambiguous);
    expect(text).toBe('a: "on"\nb: "Off"\nc: "y"\nd: "0755"\ne: "1_000"\nf: "1:20"\ng: ".inf"\nh: "~"\ni: "0x1F"\nj: "1e3"\n');
    expect(yaml11(text)).toEqual(ambiguous);
    expect(parseYamlDocuments(text, '1.2')[0].toJS()).toEqual(ambiguous);
  });

  it('quotes keys too: go-yaml v2 turns a plain key on into true', () => {
    const text = toYaml({ on: 'x', no: 'y', n: 1, replicas: 2 });
    expect(text).toBe('"on": x\n"no": "y"\n"n": 1\nreplicas: 2\n');
    expect(yaml11(text)).toEqual({ on: 'x', no: 'y', n: 1, replicas: 2 });
  });

  it("quotes the numbers only go-yaml's ParseInt/ParseFloat rule reads, and reads them as go-yaml does", () => {
    const goOnly = ['0X1F', '0O17', '-0o17', '0B101', '0b-1', '1e_3', '-_1', '0_x1F'];
    expect(goOnly.map((s) => toYaml(s))).toEqual(goOnly.map((s) => `"${s}"\n`));
    expect(goOnly.map((s) => yaml11(s))).toEqual([31, 15, -15, 5, -1, 1000, -1, 31]);
    expect(goOnly.map((s) => GO_YAML_NUMBER.test!.test(s))).toEqual(goOnly.map(() => true));
    expect(['_1', '0x', '1.0.0', 'e3', '1-2'].map((s) => GO_YAML_NUMBER.test!.test(s))).toEqual([false, false, false, false, false]);
  });

  it('leaves every other scalar exactly as the YAML 1.2 writer did', () => {
    const plain = { image: 'docker.io/valkey/valkey:8.1.1', storage: '10Gi', cpu: '100m', version: 'v1', semver: '1.0.0', env: '$(VALKEY_PASSWORD)', flag: '--appendonly', empty: '', replicas: 3, f: 0.5, t: true, z: null };
    expect(toYaml(plain)).toBe(
      'image: docker.io/valkey/valkey:8.1.1\nstorage: 10Gi\ncpu: 100m\nversion: v1\nsemver: 1.0.0\nenv: $(VALKEY_PASSWORD)\nflag: --appendonly\nempty: ""\nreplicas: 3\nf: 0.5\nt: true\nz: null\n',
    );
  });

  it('writes several documents as one stream', () => {
    expect(toYamlDocuments([{ kind: 'A', v: 'no' }, { kind: 'B' }])).toBe('kind: A\nv: "no"\n---\nkind: B\n');
  });

  it('a made-up component with a ConfigMap of such strings lands in dist/ quoted, meaning the same to both readers', () => {
    const app = new App();
    const stage = new FluxStage(new Chart(app, 'core'), 'cache', { path: 'core/cache' });
    new ApiObject(stage, 'settings', {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cache-settings', namespace: 'cache' },
      data: { appendonly: 'no', enabled: 'on', umask: '0755', on: 'yes' },
    });
    const out = join(mkdtempSync(join(tmpdir(), 'mini-atlas-yaml-')), 'dist');
    writeDist(app, out);
    const text = readFileSync(join(out, 'core/cache/configmap-cache-cache-settings.yaml'), 'utf8');
    expect(text).toBe(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cache-settings\n  namespace: cache\ndata:\n  appendonly: "no"\n  enabled: "on"\n  "on": "yes"\n  umask: "0755"\n',
    );
    expect(yaml11(text).data).toEqual({ appendonly: 'no', enabled: 'on', umask: '0755', on: 'yes' });
    expect(yamlReadingDifferences(text)).toEqual([]);
    expect(readFileSync(join(out, 'core/cache/kustomization.yaml'), 'utf8')).toBe(
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - configmap-cache-cache-settings.yaml\n',
    );
  });
});
