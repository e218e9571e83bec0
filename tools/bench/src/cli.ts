/**
 * `npm run bench`: how fast is synth, and what does Flux's build cost, from 1 to 1,000 workspaces.
 *
 * Measures, each run in its own process and reported as medians:
 * - the default platform (main.ts) through `node scripts/synth.cjs`, `npm run synth` (the whole npm
 *   command, warm build/) and the reference `npx cdk8s synth` with the default ts-node app command;
 * - generated platforms of N workspaces (Workspace + WebApplication wired to an Infrastructure and a
 *   Topic each, through the public constructs) through the fast path (compiled JS on plain node), once
 *   per size through `cdk8s synth` + ts-node, and `kubectl kustomize` over the delivery output both as one
 *   folder holding every workspace and per workspace path (the real layout).
 * Prints a table, the ratios and PASS/MISS per target of issue 8; `--json [file]` writes the same as JSON.
 * Exits 1 when a run fails (non-zero exit, wrong object count, or a reference whose output differs from
 * the fast path's), not when a target is missed. See `--help` and README, "Performance".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { toYaml } from 'mini-atlas';
import { workspaceName } from './generated-platform';
import { BENCH_COMMAND, parseBenchArgs } from './options';
import { compareTrees, countDocuments, countObjectFiles, workspaceFolders, writeCombinedKustomization } from './output-tree';
import { AppReport, RESULT_MARKER } from './platform-app';
import { hasGnuTime, TimedProcess, timeProcess } from './process-timer';
import { BenchResult, computeRatios, evaluateTargets, MachineInfo, measurement, Measurement, renderReport, SizeResult } from './report';
import { Sample, spreadIndexes } from './stats';
import { transpileStale } from './transpile';
import { parseOrExit } from '@mini-atlas/cli-common/command-line';
import { PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';

/** The compiled generated-platform app. */
const APP_JS = join(PROJECT_ROOT, 'build', 'tools', 'bench', 'src', 'platform-app.js');
/** Its source, for ts-node under `cdk8s synth`. */
const APP_TS = 'tools/bench/src/platform-app.ts';
/** Objects each generated workspace writes into its delivery folder. */
/** A team folder holds its WebApplication, Infrastructure and Topic (the Workspace is in delivery/workspaces). */
const OBJECTS_PER_WORKSPACE_FOLDER = 3;

const progress = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const failures: string[] = [];

/** Throws unless the process exited 0. */
function ok(p: TimedProcess): TimedProcess {
  if (p.status !== 0) {
    const tail = (p.stderr.trim() || p.stdout.trim()).split('\n').slice(-8).join('\n    ');
    throw new Error(`exit ${p.status}: ${p.command}\n    ${tail}`);
  }
  return p;
}

/** Runs `once` `runs` times; a failure is recorded and ends the series. */
function repeat(name: string, runs: number, once: (k: number) => Sample): Sample[] {
  const samples: Sample[] = [];
  for (let k = 0; k < runs; k++) {
    try {
      samples.push(once(k));
    } catch (e) {
      failures.push(`${name}, run ${k + 1}: ${e instanceof Error ? e.message : String(e)}`);
      break;
    }
  }
  progress(`  ${name}: ${samples.map((s) => s.wallMs.toFixed(0)).join(', ') || 'failed'} ms`);
  return samples;
}


/** Records a failure when a reference's output differs from the fast path's. */
function sameOutput(what: string, expected: string, actual: string): void {
  const diff = compareTrees(expected, actual);
  if (diff.length) {
    throw new Error(`${what}: output differs from the fast path's in ${diff.length} file(s): ${diff.slice(0, 5).join('; ')}${diff.length > 5 ? '; …' : ''}`);
  }
}

/** `npx cdk8s synth` with the app run by ts-node, as `cdk8s init` sets it up (`app: npx ts-node main.ts`). */
function cdk8sSynth(appTs: string, appArgs: string, out: string, compareWith: string): Sample {
  const p = ok(timeProcess('npx', ['cdk8s', 'synth', '--app', `npx ts-node ${appTs} ${appArgs} --out ${out}`, '--output', out], { cwd: PROJECT_ROOT }));
  sameOutput('cdk8s synth', compareWith, out);
  return { wallMs: p.wallMs, maxRssKiB: p.maxRssKiB, objects: countObjectFiles(out) };
}

/** The object count `main.ts` prints ("synthesized N objects into …"). */
function printedObjects(p: TimedProcess): number {
  const m = /synthesized (\d+) objects/.exec(p.stdout);
  if (!m) throw new Error(`${p.command}: no "synthesized N objects" line in its output`);
  return Number(m[1]);
}

function measureDefaultPlatform(tmp: string, runs: number, referenceRuns: number): BenchResult['defaultPlatform'] {
  progress('default platform');
  const nodeOut = join(tmp, 'default', 'node');
  const npmOut = join(tmp, 'default', 'npm');
  const cdk8sOut = join(tmp, 'default', 'cdk8s');
  const node = (k: number): Sample => {
    const p = ok(timeProcess(process.execPath, ['scripts/synth.cjs', '--out', nodeOut, '--flux-path', 'dist'], { cwd: PROJECT_ROOT }));
    if (k < 0) return { wallMs: p.wallMs };
    return { wallMs: p.wallMs, maxRssKiB: p.maxRssKiB, objects: printedObjects(p) };
  };
  const npm = (k: number): Sample => {
    const p = ok(timeProcess('npm', ['run', 'synth', '--', '--out', npmOut, '--flux-path', 'dist'], { cwd: PROJECT_ROOT }));
    if (k === 0) sameOutput('npm run synth', nodeOut, npmOut);
    return { wallMs: p.wallMs, maxRssKiB: p.maxRssKiB, objects: printedObjects(p) };
  };
  // Warm-up (not counted): transpiles stale sources into build/ and writes the first output, so that the
  // timed runs re-synthesize over an existing dist/ like an everyday `npm run synth`.
  const warm = repeat('warm-up', 1, () => node(-1));
  if (!warm.length) {
    const m = (command: string): Measurement => measurement(command, []);
    return { nodeSynth: m('node scripts/synth.cjs'), npmRunSynth: m('npm run synth'), cdk8sSynth: m('npx cdk8s synth (app: npx ts-node main.ts)') };
  }
  repeat('warm-up npm run synth', 1, npm);
  return {
    nodeSynth: measurement('node scripts/synth.cjs', repeat('node scripts/synth.cjs', runs, node)),
    npmRunSynth: measurement('npm run synth', repeat('npm run synth', runs, npm)),
    cdk8sSynth: measurement('npx cdk8s synth (app: npx ts-node main.ts)', repeat('npx cdk8s synth (ts-node)', referenceRuns, () => cdk8sSynth('main.ts', '--flux-path dist', cdk8sOut, nodeOut))),
  };
}

function appRun(workspaces: number, out: string): Sample {
  const p = ok(timeProcess(process.execPath, [APP_JS, '--workspaces', String(workspaces), '--out', out], { cwd: PROJECT_ROOT }));
  const line = p.stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (!line) throw new Error(`${p.command}: no result line`);
  const r = JSON.parse(line.slice(RESULT_MARKER.length)) as AppReport;
  return { wallMs: p.wallMs, maxRssKiB: p.maxRssKiB ?? r.maxRssKiB, objects: r.objects, buildMs: r.buildMs, writeMs: r.writeMs };
}

function kustomize(dir: string, expectedObjects: number): Sample {
  const p = ok(timeProcess('kubectl', ['kustomize', dir], { cwd: PROJECT_ROOT }));
  const docs = countDocuments(p.stdout);
  if (docs !== expectedObjects) throw new Error(`kubectl kustomize ${dir}: ${docs} objects, expected ${expectedObjects}`);
  return { wallMs: p.wallMs, maxRssKiB: p.maxRssKiB, objects: docs };
}

function measureSize(tmp: string, n: number, runs: number, referenceRuns: number, withCdk8s: boolean): SizeResult {
  progress(`N=${n}`);
  const out = join(tmp, `n${n}`, 'fast');
  const delivery = join(out, 'delivery');
  const skipped = (command: string): Measurement => measurement(command, []);
  const kustomizeFiles = 'kubectl kustomize <one delivery folder listing every object file>';
  const kustomizeDirs = 'kubectl kustomize <one delivery folder listing every workspace folder>';
  const kustomizePath = 'kubectl kustomize dist/delivery/<workspace>';
  const synthCommand = `node ${relative(PROJECT_ROOT, APP_JS)} --workspaces ${n}`;

  if (!repeat('warm-up', 1, () => appRun(n, out)).length) {
    return { workspaces: n, synth: skipped(synthCommand), synthFresh: skipped(synthCommand), kustomizeCombinedFiles: skipped(kustomizeFiles), kustomizeCombinedDirs: skipped(kustomizeDirs), kustomizePerPath: skipped(kustomizePath) };
  }
  const synthSamples = repeat('synth', runs, () => appRun(n, out));
  // A new directory per run: deleting the previous tree right before a timed run would let its file-system
  // work (journal, discard) overlap the run.
  const fresh = (k: number): string => join(tmp, `n${n}`, `fresh-${k + 1}`);
  const synthFresh = measurement(`${synthCommand} (empty output directory)`, repeat('synth into an empty directory', runs, (k) => appRun(n, fresh(k))));
  for (let k = 0; k < runs; k++) rmSync(fresh(k), { recursive: true, force: true });
  const objectCounts = new Set(synthSamples.map((s) => s.objects));
  if (objectCounts.size > 1) failures.push(`N=${n}: runs wrote different object counts: ${[...objectCounts].join(', ')}`);
  const folders = workspaceFolders(delivery);
  const wrong = [...folders].filter(([, files]) => files.length !== OBJECTS_PER_WORKSPACE_FOLDER).map(([f]) => f);
  if (folders.size !== n || wrong.length) {
    failures.push(`N=${n}: expected ${n} workspace folders of ${OBJECTS_PER_WORKSPACE_FOLDER} objects, found ${folders.size}${wrong.length ? ` (wrong: ${wrong.slice(0, 3).join(', ')})` : ''}`);
  }

  // cdk8s first: its output is compared with this tree before the kustomize runs add a kustomization.yaml to it.
  const cdk8s = withCdk8s
    ? measurement(`npx cdk8s synth (app: npx ts-node ${APP_TS} --workspaces ${n})`, repeat('npx cdk8s synth (ts-node)', 1, () => cdk8sSynth(APP_TS, `--workspaces ${n}`, join(tmp, `n${n}`, 'cdk8s'), out)))
    : undefined;

  const perPath = spreadIndexes(n, runs).map(workspaceName);
  const kustomizePerPath = measurement(kustomizePath, repeat('kustomize per path', runs, (k) => kustomize(join(delivery, perPath[k % perPath.length]), OBJECTS_PER_WORKSPACE_FOLDER)));
  const combined = join(delivery, 'kustomization.yaml');
  try {
    const files = writeCombinedKustomization(delivery, 'files');
    const kustomizeCombinedFiles = measurement(kustomizeFiles, repeat('kustomize one folder (files)', referenceRuns, () => kustomize(delivery, files)));
    const dirs = writeCombinedKustomization(delivery, 'dirs');
    const kustomizeCombinedDirs = measurement(kustomizeDirs, repeat('kustomize one folder (nested dirs)', referenceRuns, () => kustomize(delivery, dirs)));
    return { workspaces: n, synth: measurement(synthCommand, synthSamples), synthFresh, kustomizeCombinedFiles, kustomizeCombinedDirs, kustomizePerPath, cdk8s };
  } finally {
    if (existsSync(combined)) unlinkSync(combined);
  }
}

/** `kubectl kustomize` of an empty folder: the fixed cost of the kubectl process in every kustomize figure. */
function measureKustomizeStartup(tmp: string, runs: number): Measurement {
  progress('kubectl start-up');
  const dir = join(tmp, 'empty-kustomization');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kustomization.yaml'), toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [] }));
  return measurement('kubectl kustomize <empty folder>', repeat('kustomize of an empty folder', runs, () => kustomize(dir, 0)));
}

function machineInfo(): MachineInfo {
  const k = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  let kubectl: string | undefined;
  let kustomizeVersion: string | undefined;
  if (k.status === 0) {
    const v = JSON.parse(k.stdout) as { clientVersion?: { gitVersion?: string }; kustomizeVersion?: string };
    kubectl = v.clientVersion?.gitVersion;
    kustomizeVersion = v.kustomizeVersion;
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    kubectl,
    kustomize: kustomizeVersion,
    gnuTime: hasGnuTime(),
  };
}

function main(): number {
  const options = parseOrExit(BENCH_COMMAND, () => parseBenchArgs(process.argv.slice(2)));
  const startedAt = new Date();
  const start = loadavg();
  const machine = machineInfo();
  if (start[0] > machine.cpus) progress(`note: load average ${start[0].toFixed(2)} exceeds the ${machine.cpus} CPUs; figures will be slower than on an idle machine`);
  const transpiled = transpileStale(PROJECT_ROOT);
  if (transpiled) progress(`transpiled ${transpiled} changed source(s) into build/`);
  if (!existsSync(APP_JS)) throw new Error(`${APP_JS} is missing`);

  const tmp = mkdtempSync(join(tmpdir(), 'mini-atlas-bench-'));
  try {
    const defaultPlatform = measureDefaultPlatform(tmp, options.runs, options.referenceRuns);
    const kustomizeStartup = measureKustomizeStartup(tmp, options.runs);
    const sizes = options.sizes.map((n) => {
      const r = measureSize(tmp, n, options.runs, options.referenceRuns, options.cdk8sSizes.includes(n));
      if (!options.keep) rmSync(join(tmp, `n${n}`), { recursive: true, force: true });
      return r;
    });
    const ratios = computeRatios(defaultPlatform, sizes);
    const result: BenchResult = {
      startedAt: startedAt.toISOString(),
      durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
      machine,
      loadAverage: { start, end: loadavg() },
      options: { runs: options.runs, referenceRuns: options.referenceRuns, sizes: options.sizes, cdk8sSizes: options.cdk8sSizes },
      defaultPlatform,
      kustomizeStartup,
      sizes,
      ratios,
      targets: evaluateTargets(defaultPlatform, sizes, ratios),
      failures,
    };
    const report = renderReport(result);
    const json = JSON.stringify(result, null, 2) + '\n';
    if (options.json === '-') {
      progress(`\n${report}`);
      process.stdout.write(json);
    } else {
      console.log(`\n${report}`);
      if (options.json) {
        writeFileSync(options.json, json);
        console.log(`\nJSON written to ${options.json}`);
      }
    }
  } finally {
    if (options.keep) progress(`outputs kept in ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
  return failures.length ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
}
