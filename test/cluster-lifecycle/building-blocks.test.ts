/** Versions and minimums, durations, readiness rules, progress output and the command runner. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLUSTER_PREREQUISITES } from '../../lib/shared/versions';
import { formatClusterError, ClusterError } from '../../tools/cluster/src/cluster-error';
import { CommandFailedError, CommandRunner, posixQuote } from '../../tools/cluster/src/command-runner';
import { formatDuration, parseDuration } from '../../tools/cluster/src/duration';
import { KubeObject } from '../../tools/cluster/src/kube-object';
import { checkInotifyLimits, describeMinimums, INOTIFY_MINIMUMS, PROC_SYS_DIR, satisfiesMinimums } from '../../tools/cluster/src/prerequisites';
import { Progress } from '../../tools/cluster/src/progress';
import { readinessOf } from '../../tools/cluster/src/readiness';
import { compareVersions, findVersion, formatVersion, parseVersion } from '../../tools/cluster/src/semantic-version';
import { Captured } from './cli-harness';

describe('versions', () => {
  test.each([
    ['kind v0.32.0 go1.25.1 linux/amd64', 'v0.32.0'],
    ['flux: v2.9.4', 'v2.9.4'],
    ['v3.20.0+g1a2b3c4', 'v3.20.0'],
    ['28.3.2', 'v28.3.2'],
    ['Client Version: v1.35.0-rc.1', 'v1.35.0-rc.1'],
    ['1.35', 'v1.35.0'],
  ])('finds the version in %j', (text, expected) => {
    const v = findVersion(text)!;
    expect(`v${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}`).toBe(expected);
  });

  test('compares numerically; a pre-release sorts before its release', () => {
    // the contract is the sign (negative, 0, positive)
    expect(Math.sign(compareVersions(parseVersion('v1.10.0'), parseVersion('v1.9.9')))).toBe(1);
    expect(Math.sign(compareVersions(parseVersion('v1.35.0-rc.1'), parseVersion('v1.35.0')))).toBe(-1);
    expect(compareVersions(parseVersion('v2.9.4'), parseVersion('2.9.4'))).toBe(0);
    expect(findVersion('no version here')).toBeUndefined();
  });

  test('per-major minimums: Helm 3.20+ or 4.1+, a newer major passes, an older one fails', () => {
    const helm = CLUSTER_PREREQUISITES.helm.minimums;
    expect(describeMinimums(helm)).toBe('v3.20.0 (3.x) or v4.1.0 (4.x)');
    expect(satisfiesMinimums(parseVersion('v3.20.0'), helm)).toBe(true);
    expect(satisfiesMinimums(parseVersion('v3.19.9'), helm)).toBe(false);
    expect(satisfiesMinimums(parseVersion('v4.0.5'), helm)).toBe(false);
    expect(satisfiesMinimums(parseVersion('v4.1.0'), helm)).toBe(true);
    expect(satisfiesMinimums(parseVersion('v5.0.0'), helm)).toBe(true);
    expect(satisfiesMinimums(parseVersion('v2.17.0'), helm)).toBe(false);
  });

  test('every prerequisite has a minimum, a reason and an install link', () => {
    const table = Object.entries(CLUSTER_PREREQUISITES).map(([tool, req]) => ({
      tool,
      // parsed and printed back: a minimum that is no plain vMAJOR.MINOR.PATCH comes out different (or throws)
      minimums: req.minimums.map((m) => formatVersion(parseVersion(m))),
      why: req.why,
      install: req.install,
    }));
    const reason = expect.stringMatching(/^\S.{20,}$/);
    const link = expect.stringMatching(/^https:\/\/\S+$/);
    expect(table).toEqual([
      { tool: 'docker', minimums: ['v20.10.0'], why: reason, install: link },
      { tool: 'kind', minimums: ['v0.31.0'], why: reason, install: link },
      { tool: 'kubectl', minimums: ['v1.34.0'], why: reason, install: link },
      { tool: 'helm', minimums: ['v3.20.0', 'v4.1.0'], why: reason, install: link },
      { tool: 'flux', minimums: ['v2.9.0'], why: reason, install: link },
      { tool: 'openssl', minimums: ['v1.1.1', 'v3.0.0'], why: reason, install: link },
    ]);
  });
});

describe('durations', () => {
  test.each([['20m', 1_200_000], ['90s', 90_000], ['1h30m', 5_400_000], ['1m30s', 90_000], ['250ms', 250], ['45', 45_000]])('%s = %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  test.each([['0'], ['0s'], ['soon'], ['1d'], ['-5m'], ['']])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
  test('formats for progress lines', () => {
    expect([formatDuration(42_000), formatDuration(187_000), formatDuration(3_720_000)]).toEqual(['42s', '3m07s', '1h02m']);
  });
});

describe('readiness', () => {
  const obj = (status: Record<string, unknown>, generation = 2, spec: Record<string, unknown> = {}): KubeObject =>
    ({ apiVersion: 'x/v1', kind: 'K', metadata: { name: 'n', generation }, spec, status } as KubeObject);
  const ready = (observedGeneration: number): Record<string, unknown> =>
    ({ conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: 'ok', observedGeneration }] });

  test('Ready=True for the current generation is ready', () => {
    expect(readinessOf(obj(ready(2)))).toEqual({ ready: true, failed: false, reason: 'Succeeded', message: 'ok' });
  });
  test('a Ready condition for an older generation is not ready yet', () => {
    expect(readinessOf(obj(ready(1)))).toMatchObject({ ready: false, failed: false, reason: 'Progressing' });
  });
  test('Stalled=True has failed', () => {
    const status = { conditions: [{ type: 'Ready', status: 'False', observedGeneration: 2 }, { type: 'Stalled', status: 'True', reason: 'InvalidPath', message: 'path not found' }] };
    expect(readinessOf(obj(status))).toEqual({ ready: false, failed: true, reason: 'InvalidPath', message: 'path not found' });
  });
  test('suspended objects fail', () => {
    expect(readinessOf(obj(ready(2), 2, { suspend: true }))).toMatchObject({ ready: false, failed: true, reason: 'Suspended' });
  });
  test('KRO state without a Ready condition', () => {
    expect(readinessOf(obj({ state: 'ACTIVE' }))).toMatchObject({ ready: true });
    expect(readinessOf(obj({ state: 'IN_PROGRESS' }))).toMatchObject({ ready: false, failed: false });
    expect(readinessOf(obj({ state: 'ERROR' }))).toMatchObject({ ready: false, failed: true });
  });
  test('no status yet is pending', () => {
    expect(readinessOf(obj({}))).toMatchObject({ ready: false, failed: false, reason: 'Pending' });
  });
});

describe('progress', () => {
  test('plain mode (not a TTY): start, changed details, heartbeat, result lines with elapsed time', () => {
    let now = 0;
    const out = new Captured(false);
    const p = new Progress(out, 30_000, () => now);
    p.start('Waiting for layer 1/2: a');
    now = 5_000;
    p.update('a: Progressing');
    now = 10_000;
    p.update('a: Progressing'); // unchanged, before the heartbeat: not repeated
    now = 40_000;
    p.update('a: Progressing'); // heartbeat
    now = 65_000;
    p.succeed('Ready: layer 1/2: a');
    p.skip('Cilium left to Flux');
    expect(out.text).toBe([
      '… Waiting for layer 1/2: a',
      '  a: Progressing (5s)',
      '  a: Progressing (40s)',
      '✔ Ready: layer 1/2: a (1m05s)',
      '✔ Cilium left to Flux',
      '',
    ].join('\n'));
    expect(p.completed).toEqual(['Ready: layer 1/2: a', 'Cilium left to Flux']);
  });

  test('TTY mode: a spinner line rewritten in place, cleared when the step ends', () => {
    const out = new Captured(true);
    const p = new Progress(out, 30_000, () => 0);
    p.start('Installing Flux');
    p.update('waiting');
    p.fail();
    expect(out.text).toContain('\r\x1b[2K');
    expect(out.text).toMatch(/Installing Flux — waiting \(0s\)/);
    expect(out.text.endsWith('✖ Installing Flux (0s)\n')).toBe(true);
    expect(p.completed).toEqual([]);
  });
});

describe('command runner and errors', () => {
  test('POSIX quoting survives quotes, spaces, braces and newlines', async () => {
    const runner = new CommandRunner({ PATH: '/usr/bin:/bin' }, '/');
    const args = ["it's", 'a b', '{{.ServerVersion}}', 'x\ny', '$HOME', ''];
    const r = await runner.run('printf', ['%s|', ...args]);
    expect(r.stdout).toBe(`${args.join('|')}|`);
    expect(posixQuote('plain-arg_1.2')).toBe('plain-arg_1.2');
  });

  test('a failing command becomes an error with its output and a fix', async () => {
    const runner = new CommandRunner({ PATH: '/usr/bin:/bin' }, '/');
    const err = await runner.run('sh', ['-c', 'echo boom >&2; exit 3']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandFailedError);
    expect(formatClusterError(err as ClusterError)).toBe([
      "✖ `sh -c 'echo boom >&2; exit 3'` failed (exit 3)",
      '    boom',
      '  → fix the cause shown above, then re-run the same command: finished steps are skipped or converge',
    ].join('\n'));
  });

  test('tools are looked up on the given PATH only', () => {
    const runner = new CommandRunner({ PATH: '/nonexistent:relative/dir' }, '/');
    expect(runner.which('sh')).toBeUndefined();
    expect(new CommandRunner({ PATH: '/bin:/usr/bin' }, '/').which('sh')).toMatch(/\/sh$/);
  });
});

describe('inotify limits (read from an injected /proc/sys)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mini-atlas-proc-sys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (values: Record<string, string>): void => {
    mkdirSync(join(dir, 'fs', 'inotify'), { recursive: true });
    for (const [name, value] of Object.entries(values)) writeFileSync(join(dir, 'fs', 'inotify', name), `${value}\n`);
  };
  const failure = (): ClusterError => {
    try {
      checkInotifyLimits(dir);
    } catch (e) {
      if (e instanceof ClusterError) return e;
      throw e;
    }
    throw new Error('checkInotifyLimits did not fail');
  };

  test('Kind\'s recommended values (its known-issues page) are the minimums', () => {
    expect(INOTIFY_MINIMUMS).toEqual([
      { sysctl: 'fs.inotify.max_user_watches', minimum: 524288 },
      { sysctl: 'fs.inotify.max_user_instances', minimum: 512 },
    ]);
  });

  test('at or above the minimums: the values are returned', () => {
    write({ max_user_watches: '524288', max_user_instances: '8192' });
    expect([...checkInotifyLimits(dir)]).toEqual([['fs.inotify.max_user_watches', 524288], ['fs.inotify.max_user_instances', 8192]]);
  });

  test('no such files (macOS, Docker Desktop): nothing to check', () => {
    expect([...checkInotifyLimits(dir)]).toEqual([]);
  });

  test('Ubuntu\'s defaults (8192, 128): both named, with the sysctl commands', () => {
    write({ max_user_watches: '8192', max_user_instances: '128' });
    const e = failure();
    expect(e.problem).toBe('the host\'s inotify limits are too low for Kind: pods would fail with "too many open files"');
    expect(e.details).toEqual([
      'fs.inotify.max_user_watches is 8192, below the 524288 Kind recommends (https://kind.sigs.k8s.io/docs/user/known-issues/#pod-errors-due-to-too-many-open-files)',
      'fs.inotify.max_user_instances is 128, below the 512 Kind recommends (https://kind.sigs.k8s.io/docs/user/known-issues/#pod-errors-due-to-too-many-open-files)',
    ]);
    expect(e.fix).toBe('raise them now with `sudo sysctl fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512`; ' +
      'to keep them after a reboot, add "fs.inotify.max_user_watches = 524288" and "fs.inotify.max_user_instances = 512" to /etc/sysctl.conf; then re-run');
  });

  test('a made-up host one watch short: only that limit is named', () => {
    write({ max_user_watches: '524287', max_user_instances: '512' });
    const e = failure();
    expect(e.problem).toBe('the host\'s inotify limit is too low for Kind: pods would fail with "too many open files"');
    expect(e.details).toEqual(['fs.inotify.max_user_watches is 524287, below the 524288 Kind recommends (https://kind.sigs.k8s.io/docs/user/known-issues/#pod-errors-due-to-too-many-open-files)']);
    expect(e.fix).toBe('raise it now with `sudo sysctl fs.inotify.max_user_watches=524288`; to keep it after a reboot, add "fs.inotify.max_user_watches = 524288" to /etc/sysctl.conf; then re-run');
  });

  test('a value that is not a number is an error naming the file', () => {
    write({ max_user_watches: 'lots', max_user_instances: '512' });
    expect(failure().problem).toBe(`could not read fs.inotify.max_user_watches from ${join(dir, 'fs', 'inotify', 'max_user_watches')} (it holds "lots", not a number)`);
  });

  test('this host\'s /proc/sys: the kernel\'s values are read where the files exist, and nothing is checked where they do not', () => {
    const present = INOTIFY_MINIMUMS.map((m) => ({ ...m, file: join(PROC_SYS_DIR, ...m.sysctl.split('.')) })).filter((m) => existsSync(m.file))
      .map((m) => ({ ...m, value: Number(readFileSync(m.file, 'utf8').trim()) }));
    const low = present.filter((m) => m.value < m.minimum);
    const outcome = (): unknown => {
      try {
        return [...checkInotifyLimits()];
      } catch (e) {
        return e instanceof ClusterError ? e.details : e;
      }
    };
    expect(outcome()).toEqual(low.length > 0
      ? low.map((m) => `${m.sysctl} is ${m.value}, below the ${m.minimum} Kind recommends (https://kind.sigs.k8s.io/docs/user/known-issues/#pod-errors-due-to-too-many-open-files)`)
      : present.map((m) => [m.sysctl, m.value]));
  });
});
