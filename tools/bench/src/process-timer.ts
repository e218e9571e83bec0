/**
 * Runs one command in its own process and measures it: wall time (from the parent, around the whole
 * process) and peak RSS through GNU time (`/usr/bin/time -f %M`), which reports the largest resident set
 * of any process in the tree the command starts (e.g. the ts-node process under `npx cdk8s synth`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

/** GNU time, when the machine has it. */
const GNU_TIME = '/usr/bin/time';

/** Outcome of one timed process. */
export interface TimedProcess {
  readonly command: string;
  readonly wallMs: number;
  /** Peak RSS in KiB, or undefined without GNU time. */
  readonly maxRssKiB?: number;
  /** Exit status (a signal counts as failure: 128 + signal number, or -1 when unknown). */
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link timeProcess}. */
export interface TimeProcessOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
}

let gnuTime: boolean | undefined;

/** True when `/usr/bin/time` is GNU time (it accepts `--version`). */
export function hasGnuTime(): boolean {
  gnuTime ??= spawnSync(GNU_TIME, ['--version'], { encoding: 'utf8' }).status === 0;
  return gnuTime;
}

/** Runs `command args…` (no shell) to completion and measures it. */
export function timeProcess(command: string, args: readonly string[], options: TimeProcessOptions): TimedProcess {
  const display = [command, ...args].join(' ');
  const withTime = hasGnuTime();
  const dir = withTime ? mkdtempSync(join(tmpdir(), 'mini-atlas-time-')) : undefined;
  const report = dir ? join(dir, 'time.txt') : undefined;
  try {
    const [file, argv] = report ? [GNU_TIME, ['-f', '%M', '-o', report, command, ...args]] : [command, [...args]];
    const started = process.hrtime.bigint();
    const r = spawnSync(file, argv, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.error) throw new Error(`${display}: ${r.error.message}`);
    const status = r.status ?? (r.signal ? 128 + constants.signals[r.signal] : -1);
    return { command: display, wallMs, maxRssKiB: report ? parseMaxRss(readFileSync(report, 'utf8')) : undefined, status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** The `%M` value GNU time wrote (its last line; earlier lines may say "Command exited with non-zero status"). */
export function parseMaxRss(text: string): number | undefined {
  const last = text.trim().split('\n').pop()?.trim() ?? '';
  return /^\d+$/.test(last) ? Number(last) : undefined;
}
