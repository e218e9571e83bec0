/**
 * Prerequisite checks, run before anything is created: the tools are on PATH, each is at least its minimum
 * version (`CLUSTER_PREREQUISITES` in lib/shared/versions.ts), the Docker daemon answers, and the Gateway's ports
 * are free on the laptop. Every failure names the tool or port and the fix; all missing or outdated tools
 * are reported together. On Linux the host's inotify limits are checked too ({@link checkInotifyLimits}).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLUSTER_PREREQUISITES } from '../../../lib/shared/versions';
import { ClusterError } from './cluster-error';
import { CommandRunner, tail } from './command-runner';
import { PublishedPort } from './gateway-listeners';
import { probePort } from './port-check';
import { compareVersions, findVersion, formatVersion, parseVersion, SemanticVersion } from './semantic-version';

/** A host tool `cluster:*` uses. */
export type Tool = keyof typeof CLUSTER_PREREQUISITES;

/** The tools each command needs. */
export const TOOLS_FOR = {
  up: ['docker', 'kind', 'kubectl', 'helm', 'flux', 'openssl'],
  status: ['docker', 'kind', 'kubectl'],
  down: ['docker', 'kind'],
} as const satisfies Record<string, readonly Tool[]>;

/** How each tool reports its version. Docker's is the daemon's (Engine) version, which also proves it answers. */
const VERSION_ARGS: Record<Tool, readonly string[]> = {
  docker: ['info', '--format', '{{.ServerVersion}}'],
  kind: ['version'],
  kubectl: ['version', '--client', '--output=json'],
  helm: ['version', '--short'],
  flux: ['version', '--client'],
  openssl: ['version'],
};

/**
 * Whether `version` satisfies the per-major-line minimums (oldest line first): it must be at least the
 * minimum of its own major; a major newer than every listed one passes, an older one fails.
 */
export function satisfiesMinimums(version: SemanticVersion, minimums: readonly string[]): boolean {
  const parsed = minimums.map(parseVersion);
  const sameMajor = parsed.find((m) => m.major === version.major);
  if (sameMajor) return compareVersions(version, sameMajor) >= 0;
  return version.major > Math.max(...parsed.map((m) => m.major));
}

/** `v3.20.0` or `v3.20.0 (3.x) / v4.1.0 (4.x)`. */
export function describeMinimums(minimums: readonly string[]): string {
  if (minimums.length === 1) return minimums[0];
  return minimums.map((m) => `${m} (${parseVersion(m).major}.x)`).join(' or ');
}

function versionFromOutput(tool: Tool, stdout: string): SemanticVersion | undefined {
  if (tool === 'kubectl') {
    try {
      const git = (JSON.parse(stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion;
      if (git) return findVersion(git);
    } catch {
      // older kubectl or unexpected output: fall back to the first version in the text
    }
  }
  return findVersion(stdout);
}

/** Versions of the checked tools. */
export type ToolVersions = ReadonlyMap<Tool, SemanticVersion>;

/** Fails, naming every missing tool with its minimum version and install link, unless all are on PATH. */
export function requireTools(runner: CommandRunner, tools: readonly Tool[]): void {
  const missing = tools.filter((t) => !runner.which(t));
  if (missing.length > 0) {
    throw new ClusterError(
      `missing prerequisite${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not on PATH`,
      `install ${missing.join(', ')} (links above) and re-run`,
      {
        details: missing.map((t) => {
          const req = CLUSTER_PREREQUISITES[t];
          return `${t} >= ${describeMinimums(req.minimums)}: ${req.install}`;
        }),
      },
    );
  }
}

/** Checks that `tools` are installed, recent enough, and (for docker) that the daemon answers. */
export async function checkTools(runner: CommandRunner, tools: readonly Tool[]): Promise<ToolVersions> {
  requireTools(runner, tools);
  const versions = new Map<Tool, SemanticVersion>();
  const tooOld: string[] = [];
  for (const tool of tools) {
    const r = await runner.run(tool, VERSION_ARGS[tool], { allowFailure: true, timeoutMs: 30_000 });
    if (tool === 'docker' && r.exitCode !== 0) {
      throw new ClusterError(
        'the Docker daemon is not reachable (`docker info` failed)',
        'start Docker (Docker Desktop, or `sudo systemctl start docker`), check that `docker info` works for your user, then re-run',
        { details: tail(r.stderr, 5) },
      );
    }
    const version = r.exitCode === 0 ? versionFromOutput(tool, r.stdout) : undefined;
    if (!version) {
      throw new ClusterError(
        `could not read the version of ${tool} (\`${r.command}\` ${r.exitCode === 0 ? 'printed no version' : `exited ${r.exitCode}`})`,
        `check that \`${r.command}\` works, or reinstall ${tool}: ${CLUSTER_PREREQUISITES[tool].install}`,
        { details: tail(`${r.stderr}\n${r.stdout}`, 5) },
      );
    }
    const req = CLUSTER_PREREQUISITES[tool];
    if (!satisfiesMinimums(version, req.minimums)) {
      tooOld.push(`${tool} ${formatVersion(version)} is older than ${describeMinimums(req.minimums)} (${req.why}): ${req.install}`);
    }
    versions.set(tool, version);
  }
  if (tooOld.length > 0) {
    throw new ClusterError(
      `${tooOld.length === 1 ? 'a prerequisite is' : `${tooOld.length} prerequisites are`} too old`,
      'upgrade the tools listed above and re-run',
      { details: tooOld },
    );
  }
  return versions;
}

/** Checks that every port can be published on `host`; throws naming the taken ports. */
export async function checkPortsFree(ports: readonly PublishedPort[], host: string): Promise<string[]> {
  const taken: number[] = [];
  const warnings: string[] = [];
  for (const p of ports.filter((x) => x.protocol === 'TCP')) {
    const state = await probePort(p.port, host);
    if (state === 'in-use') taken.push(p.port);
    if (state === 'not-checkable') warnings.push(`cannot check whether ${host}:${p.port} is free (no permission to bind it); Docker will report it if it is taken`);
  }
  if (taken.length > 0) {
    const list = taken.join(', ');
    throw new ClusterError(
      `port${taken.length > 1 ? 's' : ''} ${list} on ${host} ${taken.length > 1 ? 'are' : 'is'} already in use; the Gateway's listener${taken.length > 1 ? 's need' : ' needs'} ${taken.length > 1 ? 'them' : 'it'} on the laptop`,
      `stop the process holding ${taken.length > 1 ? 'them' : 'it'} (find it with \`lsof -nP -iTCP:${taken[0]} -sTCP:LISTEN\` or \`ss -ltnp\`), or change the listener port of the SharedGateway and run \`npm run synth\``,
    );
  }
  return warnings;
}

/** Where the kernel's sysctl values are read from (`fs.inotify.max_user_watches` → `<dir>/fs/inotify/max_user_watches`). */
export const PROC_SYS_DIR = '/proc/sys';

/**
 * The inotify limits Kind needs, as its known-issues page recommends ("Pod errors due to \"too many open files\"",
 * https://kind.sigs.k8s.io/docs/user/known-issues/#pod-errors-due-to-too-many-open-files): the limits are per
 * user and not namespaced, so the node container and every pod in it share the host's, and distribution
 * defaults (8192 watches and 128 instances on Ubuntu) run out; pods then fail with "too many open files".
 */
export const INOTIFY_MINIMUMS = [
  { sysctl: 'fs.inotify.max_user_watches', minimum: 524288 },
  { sysctl: 'fs.inotify.max_user_instances', minimum: 512 },
] as const;

/** The file under a `/proc/sys`-like directory that holds a sysctl (`fs.inotify.max_user_watches` → `fs/inotify/max_user_watches`). */
function sysctlFile(procSysDir: string, sysctl: string): string {
  return join(procSysDir, ...sysctl.split('.'));
}

/**
 * Checks the host's inotify limits against {@link INOTIFY_MINIMUMS}, reading them under `procSysDir`.
 * @param procSysDir the directory holding the sysctl files. @default {@link PROC_SYS_DIR}
 * @returns the values read, by sysctl name; empty where the files do not exist (macOS, Docker Desktop's VM:
 *   nothing to check on the host)
 * @throws ClusterError naming every limit below its minimum, with the `sysctl` commands that raise it now and
 *   the lines that keep it after a reboot
 */
export function checkInotifyLimits(procSysDir: string = PROC_SYS_DIR): ReadonlyMap<string, number> {
  const values = new Map<string, number>();
  const low: { sysctl: string; minimum: number; value: number }[] = [];
  for (const { sysctl, minimum } of INOTIFY_MINIMUMS) {
    const file = sysctlFile(procSysDir, sysctl);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8').trim();
    const value = Number(text);
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value)) {
      throw new ClusterError(`could not read ${sysctl} from ${file} (it holds ${JSON.stringify(text)}, not a number)`, `check \`sysctl ${sysctl}\`, then re-run`);
    }
    values.set(sysctl, value);
    if (value < minimum) low.push({ sysctl, minimum, value });
  }
  if (low.length > 0) {
    throw new ClusterError(
      `the host's inotify limit${low.length > 1 ? 's are' : ' is'} too low for Kind: pods would fail with "too many open files"`,
      `raise ${low.length > 1 ? 'them' : 'it'} now with \`sudo sysctl ${low.map((l) => `${l.sysctl}=${l.minimum}`).join(' ')}\`; ` +
        `to keep ${low.length > 1 ? 'them' : 'it'} after a reboot, add ${low.map((l) => `"${l.sysctl} = ${l.minimum}"`).join(' and ')} to /etc/sysctl.conf; then re-run`,
      { details: low.map((l) => `${l.sysctl} is ${l.value}, below the ${l.minimum} Kind recommends (https://kind.sigs.k8s.io/docs/user/known-issues/#pod-errors-due-to-too-many-open-files)`) },
    );
  }
  return values;
}
