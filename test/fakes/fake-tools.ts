/**
 * Test harness for the fake host tools (`fake-tool.sh`): builds a PATH directory holding only the chosen
 * fakes (plus real `node` and `git` when asked), writes scenario rules, and reads back the recorded calls.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INOTIFY_MINIMUMS } from '../../tools/cluster/src/prerequisites';

/** The tools that can be faked. */
export type FakeToolName = 'docker' | 'kind' | 'kubectl' | 'helm' | 'flux' | 'openssl';
/** All of them. */
export const ALL_FAKE_TOOLS: readonly FakeToolName[] = ['docker', 'kind', 'kubectl', 'helm', 'flux', 'openssl'];

/** One canned answer. */
export interface FakeResponse {
  readonly stdout?: string;
  readonly stderr?: string;
  /** Exit status. @default 0 */
  readonly exit?: number;
  /** Seconds to sleep before answering. */
  readonly delaySeconds?: number;
}

/** Answers for calls of `tool` whose arguments (joined by spaces) match the shell glob `match`. */
export interface FakeRule {
  readonly tool: FakeToolName;
  readonly match: string;
  /** Call n gets response n; the last repeats. */
  readonly responses: readonly FakeResponse[];
}

/** One recorded call. */
export interface FakeCall {
  readonly tool: string;
  readonly argv: readonly string[];
  /** Files passed with --config/--values/--filename/-f: base name → content at call time. */
  readonly files: Readonly<Record<string, string>>;
}

const FAKE_SCRIPT = join(__dirname, 'fake-tool.sh');

/** A sandbox of fake tools with its own log and scenario. */
export class FakeTools {
  /** The real program `name` on this process's PATH (absolute path). */
  public static which(name: string): string {
    return execFileSync('/bin/sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  }

  /** Temporary root of the sandbox. */
  public readonly root: string;
  /** Directory to put on PATH. */
  public readonly binDir: string;
  /** JSON-lines call log. */
  public readonly logFile: string;
  /** The sandbox's `XDG_DATA_HOME`: `cluster:up` keeps its local CA below it (`mini-atlas/local-ca`), never in the real home. */
  public readonly dataHome: string;
  /** The sandbox's `/proc/sys` (`MINI_ATLAS_PROC_SYS`): the inotify limits at Kind's recommended values, see {@link sysctl}. */
  public readonly procSysDir: string;
  private readonly scenarioDir: string;
  private ruleCount = 0;

  /**
   * @param tools fakes to install (leave one out to simulate a missing tool)
   * @param realTools real programs to link into the PATH directory (e.g. git)
   */
  public constructor(tools: readonly FakeToolName[] = ALL_FAKE_TOOLS, realTools: readonly string[] = ['git']) {
    this.root = mkdtempSync(join(tmpdir(), 'mini-atlas-fakes-'));
    this.binDir = join(this.root, 'bin');
    this.scenarioDir = join(this.root, 'scenario');
    this.logFile = join(this.root, 'calls.jsonl');
    mkdirSync(this.binDir);
    mkdirSync(this.scenarioDir);
    writeFileSync(join(this.scenarioDir, 'rules'), '');
    this.dataHome = join(this.root, 'data');
    this.procSysDir = join(this.root, 'proc-sys');
    for (const { sysctl, minimum } of INOTIFY_MINIMUMS) this.sysctl(sysctl, String(minimum));
    for (const tool of tools) {
      const shim = join(this.binDir, tool);
      writeFileSync(shim, `#!/bin/sh\nexec /bin/sh '${FAKE_SCRIPT}' ${tool} "$@"\n`);
      chmodSync(shim, 0o755);
    }
    symlinkSync(process.execPath, join(this.binDir, 'node'));
    for (const real of realTools) symlinkSync(FakeTools.which(real), join(this.binDir, real));
  }

  /** Sets a sysctl value the CLI reads (`fs.inotify.max_user_watches` → `<procSysDir>/fs/inotify/max_user_watches`). */
  public sysctl(name: string, value: string): this {
    const parts = name.split('.');
    mkdirSync(join(this.procSysDir, ...parts.slice(0, -1)), { recursive: true });
    writeFileSync(join(this.procSysDir, ...parts), `${value}\n`);
    return this;
  }

  /** Adds a rule (earlier rules win). */
  public on(tool: FakeToolName, match: string, ...responses: FakeResponse[]): this {
    return this.rule({ tool, match, responses: responses.length > 0 ? responses : [{}] });
  }

  /** Adds a rule (earlier rules win). */
  public rule(rule: FakeRule): this {
    if (/[\t\n]/.test(rule.match)) throw new Error('fake rule patterns cannot contain tabs or newlines');
    const dir = `r${this.ruleCount++}`;
    const full = join(this.scenarioDir, dir);
    mkdirSync(full);
    rule.responses.forEach((r, n) => {
      if (r.stdout !== undefined) writeFileSync(join(full, `${n}.out`), r.stdout);
      if (r.stderr !== undefined) writeFileSync(join(full, `${n}.err`), r.stderr);
      writeFileSync(join(full, `${n}.code`), String(r.exit ?? 0));
      if (r.delaySeconds !== undefined) writeFileSync(join(full, `${n}.delay`), String(r.delaySeconds));
    });
    writeFileSync(join(full, 'last'), String(rule.responses.length - 1));
    writeFileSync(join(this.scenarioDir, 'rules'), `${rule.tool}\t${rule.match}\t${dir}\n`, { flag: 'a' });
    return this;
  }

  /** Environment for the CLI: PATH holds only the sandbox's bin directory. */
  public env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      PATH: this.binDir,
      ...(process.env.HOME ? { HOME: process.env.HOME } : {}),
      FAKE_TOOLS_LOG: this.logFile,
      FAKE_TOOLS_SCENARIO: this.scenarioDir,
      MINI_ATLAS_PROC_SYS: this.procSysDir,
      XDG_DATA_HOME: this.dataHome,
      ...extra,
    };
  }

  /** The recorded calls, in order. */
  public calls(): FakeCall[] {
    if (!existsSync(this.logFile)) return [];
    const filesDir = `${this.logFile}.d`;
    const copies = existsSync(filesDir) ? readdirSync(filesDir) : [];
    return readFileSync(this.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((line, i) => {
        const parsed = JSON.parse(line) as { tool: string; argv: string[] };
        const prefix = `${i + 1}-`;
        const files = Object.fromEntries(
          copies.filter((f) => f.startsWith(prefix)).map((f) => [f.slice(prefix.length), readFileSync(join(filesDir, f), 'utf8')]),
        );
        return { ...parsed, files };
      });
  }

  /** The calls as `tool arg arg…` strings, with temporary paths replaced by `<tmp>/<name>`. */
  public commandLines(): string[] {
    return this.calls().map((c) => [c.tool, ...c.argv.map((a) => a.replace(/^\/.*\/mini-atlas-cluster-[^/]+\//, '<tmp>/'))].join(' '));
  }

  /** Deletes the sandbox. */
  public dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
