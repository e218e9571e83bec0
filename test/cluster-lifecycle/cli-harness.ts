/**
 * Runs the cluster CLI in-process against fake tools, and builds the Kubernetes objects the fakes return.
 */
import { EventEmitter } from 'node:events';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { main } from '../../tools/cluster/src/cli';
import { InputStream } from '../../tools/cluster/src/command-context';
import { readDistFolder } from '../../tools/cluster/src/dist-manifests';
import { PROJECT_ROOT } from '@mini-atlas/cli-common/schema-store';
import { FakeTools } from '../fakes/fake-tools';

/** A small dist/ shaped like the real one (see test/fixtures/cluster-lifecycle/README.md). */
export const FIXTURE_DIST = join(__dirname, '..', 'fixtures', 'cluster-lifecycle', 'dist');
/** The project's synthesized dist/. */
export const REAL_DIST = join(PROJECT_ROOT, 'dist');
/** The repository URL and branch the fixture's GitRepository carries. */
export const FIXTURE_REPO = 'https://github.com/mini-atlas/mini-atlas.git';
export const FIXTURE_BRANCH = 'main';
/** Flags that make `up` use the fixture and poll fast. */
export const FIXTURE_FLAGS = ['--repo', FIXTURE_REPO, '--branch', FIXTURE_BRANCH, '--dist', FIXTURE_DIST, '--poll-interval', '10ms'];

/** The fixture's Kustomizations in dependsOn order (layers: [flux-system, gateway-api-crds], …). */
export const FIXTURE_KUSTOMIZATIONS = [
  'flux-system', 'gateway-api-crds', 'core-operators', 'core-shared-services', 'foundation', 'delivery-team-a', 'delivery-team-b',
];

/** A writable that keeps what is written. */
export class Captured extends Writable {
  public text = '';
  public constructor(public readonly isTTY = false) {
    super();
  }

  public override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Result of {@link runCli}. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCli}. */
export interface RunOptions {
  readonly stdin?: InputStream;
  readonly signals?: EventEmitter;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Runs `main` in-process with the fakes' PATH. */
export async function runCli(fakes: FakeTools, argv: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const stdout = new Captured();
  const stderr = new Captured();
  const stdin = options.stdin ?? Object.assign(new PassThrough(), { isTTY: false });
  const code = await main({
    argv,
    env: fakes.env(options.env),
    cwd: options.cwd ?? PROJECT_ROOT,
    stdout,
    stderr,
    stdin,
    signals: options.signals ?? new EventEmitter(),
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Readiness to give an object in a fake `kubectl get`. */
export interface FakeState {
  readonly ready?: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
  readonly stalled?: boolean;
}

/** A Flux-style object with a Ready (and optionally Stalled) condition. */
export function fluxObject(apiVersion: string, kind: string, name: string, namespace: string | undefined, state: FakeState = {}): Record<string, unknown> {
  const ready = state.ready ?? 'True';
  const conditions: Record<string, unknown>[] = [
    {
      type: 'Ready',
      status: ready,
      reason: state.reason ?? (ready === 'True' ? 'ReconciliationSucceeded' : 'Progressing'),
      message: state.message ?? (ready === 'True' ? 'Applied revision: main@sha1:0123abc' : 'Reconciliation in progress'),
      observedGeneration: 1,
    },
  ];
  if (state.stalled) conditions.push({ type: 'Stalled', status: 'True', reason: state.reason ?? 'Stalled', message: state.message ?? 'stalled' });
  return {
    apiVersion,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}), generation: 1 },
    spec: {},
    status: { observedGeneration: 1, conditions },
  };
}

/**
 * A copy of the fixture dist/ whose Gateway listens on `port` (for tests that occupy a port: a fixed port
 * could collide with tests running in parallel). Delete it with `rmSync(dir, { recursive: true })`.
 */
export function fixtureDistWithPort(port: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'mini-atlas-dist-'));
  cpSync(FIXTURE_DIST, dir, { recursive: true });
  const gateway = join(dir, 'core', 'shared-services', 'gateway-gateway-system-platform.yaml');
  writeFileSync(gateway, readFileSync(gateway, 'utf8').replace(/port: \d+/, `port: ${port}`));
  return dir;
}

/** The fixture's Kustomization specs (path, sourceRef, dependsOn) by name. */
const FIXTURE_SPECS = new Map(
  readDistFolder(FIXTURE_DIST, 'flux-system')
    .map((d) => d.object)
    .filter((o) => o.kind === 'Kustomization')
    .map((o) => [o.metadata.name, o.spec ?? {}]),
);

/**
 * `kubectl get kustomizations -A -o json` output: the named fixture Kustomizations (with their specs), every
 * one Ready unless `states` says otherwise.
 */
export function kustomizationList(names: readonly string[], states: Readonly<Record<string, FakeState>> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: names.map((n) => ({
      ...fluxObject('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', n, 'flux-system', states[n]),
      spec: FIXTURE_SPECS.get(n) ?? {},
    })),
  });
}

/** A `kubectl get … -o json` list of the given objects. */
export function list(items: readonly Record<string, unknown>[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}

/** Glob matching the Kustomization list call. */
export const GET_KUSTOMIZATIONS = '*get kustomizations.kustomize.toolkit.fluxcd.io --all-namespaces --output json';
