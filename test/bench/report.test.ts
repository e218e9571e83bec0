/** Ratios, targets, the printed table and the JSON of `npm run bench`. */
import {
  BenchResult, computeRatios, evaluateTargets, formatRatio, kibToMB, measurement, renderReport, renderTable, SizeResult,
} from '../../tools/bench/src/report';
import { Sample } from '../../tools/bench/src/stats';

const runs = (...walls: number[]): Sample[] => walls.map((wallMs) => ({ wallMs, maxRssKiB: 200_000, objects: 45 }));

function size(workspaces: number, wallMs: number, rssKiB = 150_000): SizeResult {
  const synth = measurement(`synth ${workspaces}`, [wallMs - 10, wallMs, wallMs + 10].map((w) => ({ wallMs: w, maxRssKiB: rssKiB, objects: 40 + 5 * workspaces, buildMs: 1, writeMs: 2 })));
  return {
    workspaces,
    synth,
    synthFresh: measurement('fresh', runs(wallMs * 0.8)),
    kustomizeCombinedFiles: measurement('files', runs(100 + workspaces * 7)),
    kustomizeCombinedDirs: measurement('dirs', runs(100 + workspaces * 9)),
    kustomizePerPath: measurement('path', runs(100)),
    cdk8s: workspaces === 1000 ? measurement('cdk8s', runs(40_000)) : undefined,
  };
}

const defaultPlatform = {
  nodeSynth: measurement('node scripts/synth.cjs', runs(400, 380, 420)),
  npmRunSynth: measurement('npm run synth', runs(700, 650, 800)),
  cdk8sSynth: measurement('npx cdk8s synth', runs(14_000)),
};

describe('ratios and targets', () => {
  const sizes = [size(1, 500), size(10, 530), size(100, 800), size(1000, 3500)];
  const ratios = computeRatios(defaultPlatform, sizes);

  test('cdk8s / fast synth on the default platform', () => {
    expect(ratios.cdk8sOverNpmRunSynth).toBeCloseTo(20);
    expect(ratios.cdk8sOverNodeSynth).toBeCloseTo(35);
    expect(ratios.cdk8sOverFastSynth).toEqual([{ workspaces: 1000, ratio: 40_000 / 3500 }]);
  });

  test('per-workspace time: total / N and marginal above the smallest size', () => {
    expect(ratios.perWorkspace.find((p) => p.workspaces === 100)).toEqual({ workspaces: 100, perWorkspaceMs: 8, marginalPerWorkspaceMs: 300 / 99 });
    expect(ratios.perWorkspace[0].marginalPerWorkspaceMs).toBeUndefined();
    expect(ratios.perWorkspace1000Over100).toBeCloseTo(3.5 / 8);
    expect(ratios.marginalPerWorkspace1000Over100).toBeCloseTo((3000 / 999) / (300 / 99));
  });

  test('kustomize: one folder / one workspace path', () => {
    expect(ratios.kustomizeCombinedOverPerPath.find((k) => k.workspaces === 1000)).toEqual({ workspaces: 1000, files: 71, dirs: 91 });
  });

  test('PASS / MISS per target, against the issue limits', () => {
    const targets = evaluateTargets(defaultPlatform, sizes, ratios);
    expect(targets.map((t) => [t.name, t.status])).toEqual([
      ['default platform: `npm run synth` wall', 'PASS'],
      ['default platform: `cdk8s synth` (ts-node) / `npm run synth`', 'PASS'],
      ['N=1000: synth wall', 'MISS'],
      ['N=1000: synth peak RSS', 'PASS'],
      ['N=1000 vs N=100: marginal time per workspace', 'PASS'],
    ]);
    expect(targets[3].value).toBeCloseTo(kibToMB(150_000));
  });

  test('a limit is inclusive, and heavy memory or bad scaling is a MISS', () => {
    const heavy = [size(1, 500), size(100, 600), size(1000, 3000, 500_000)];
    const r = computeRatios(defaultPlatform, heavy);
    const byName = Object.fromEntries(evaluateTargets(defaultPlatform, heavy, r).map((t) => [t.name, t.status]));
    expect(byName['N=1000: synth wall']).toBe('PASS');
    expect(byName['N=1000: synth peak RSS']).toBe('MISS');
    // marginal 100→1000 is (3000-500)/999 = 2.5 ms/ws vs (600-500)/99 ≈ 1.0 ms/ws at 100
    expect(byName['N=1000 vs N=100: marginal time per workspace']).toBe('MISS');
  });

  test('targets without data are NOT MEASURED, never PASS', () => {
    const small = [size(1, 500), size(10, 510)];
    const none = { nodeSynth: measurement('n', []), npmRunSynth: measurement('m', []), cdk8sSynth: measurement('c', []) };
    const targets = evaluateTargets(none, small, computeRatios(none, small));
    expect(targets.map((t) => [t.name, t.status])).toEqual([
      ['default platform: `npm run synth` wall', 'NOT MEASURED'],
      ['default platform: `cdk8s synth` (ts-node) / `npm run synth`', 'NOT MEASURED'],
      ['N=1000: synth wall', 'NOT MEASURED'],
      ['N=1000: synth peak RSS', 'NOT MEASURED'],
      ['N=1000 vs N=100: marginal time per workspace', 'NOT MEASURED'],
    ]);
  });
});

describe('rendering', () => {
  test('renderTable aligns columns: first left, others right', () => {
    expect(renderTable(['cmd', 'ms'], [['a', '5'], ['long name', '1234']])).toBe(
      ['cmd          ms', '---------  ----', 'a             5', 'long name  1234'].join('\n'),
    );
  });

  test('formatRatio', () => {
    expect(formatRatio(20.04)).toBe('20.0×');
    expect(formatRatio(1.234)).toBe('1.23×');
    expect(formatRatio(undefined)).toBe('–');
  });

  const sizes = [size(1, 500), size(100, 800), size(1000, 2500)];
  const ratios = computeRatios(defaultPlatform, sizes);
  const result: BenchResult = {
    startedAt: '2026-01-01T00:00:00.000Z',
    durationSeconds: 300,
    machine: { cpus: 2, cpuModel: 'Test CPU', memoryGiB: 24, node: 'v20.0.0', kubectl: 'v1.32.4', kustomize: 'v5.5.0', gnuTime: true },
    loadAverage: { start: [0.5, 0.4, 0.3], end: [1.25, 0.5, 0.35] },
    options: { runs: 3, referenceRuns: 1, sizes: [1, 100, 1000], cdk8sSizes: [1000] },
    defaultPlatform,
    kustomizeStartup: measurement('kubectl kustomize <empty folder>', runs(55, 60, 50)),
    sizes,
    ratios,
    targets: evaluateTargets(defaultPlatform, sizes, ratios),
    failures: ['N=10, synth, run 1: exit 1: boom'],
  };
  const text = renderReport(result);

  test('the report holds the load average, both tables, ratios, targets and failures', () => {
    expect(text).toContain('load average (1/5/15 min): start 0.50 0.40 0.30, end 1.25 0.50 0.35');
    expect(text).toMatch(/^npm run synth +3 +700 \(650–800\) +205 +45 +64$/m);
    expect(text).toMatch(/^1000 +5040 +2500 \(2490–2510\) +154 +2016 +2\.50 +2\.00 /m);
    expect(text).toContain('default platform, cdk8s synth (ts-node) / npm run synth:           20.0×');
    expect(text).toContain('N=1000, kustomize one folder / one workspace path: files 71.0×, nested dirs 91.0×');
    expect(text).toContain('PASS  N=1000: synth wall: 2500 ms (target ≤ 3000 ms)');
    expect(text).toContain('PASS  default platform: `cdk8s synth` (ts-node) / `npm run synth`: 20.0× (target ≥ 5.00×)');
    expect(text).toContain('FAILED RUNS (1)');
    expect(text).toContain('kubectl process start-up: 55 (50–60) ms for an empty folder');
  });

  test('the JSON carries the same figures', () => {
    const back = JSON.parse(JSON.stringify(result)) as BenchResult;
    expect(back.defaultPlatform.npmRunSynth.summary?.wallMs).toBe(700);
    expect(back.sizes[2].synth.summary?.wallMs).toBe(2500);
    expect(back.targets.map((t) => t.status)).toEqual(result.targets.map((t) => t.status));
    expect(back.ratios.cdk8sOverNpmRunSynth).toBeCloseTo(20);
  });
});
