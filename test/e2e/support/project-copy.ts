/**
 * A temporary copy of the project for the GitOps suite: the library (`lib/`, `imports/`), the synth command's
 * packages (`tools/synth`, `tools/cli-common`), `tsconfig.json` (whose `paths` map `mini-atlas` and the tool
 * packages to the copy's sources) and the synth program and teams of `test/e2e/fixtures/gitops` in place of
 * `main.ts` and `teams/`. Its `node_modules` links to the checkout's (third-party packages only: the
 * project's own names resolve through the copy's `paths`). Edits and synth happen in the copy, so the
 * checkout's sources and `dist/` stay untouched.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURE = join(__dirname, '..', 'fixtures', 'gitops');

/** What one synth run printed, and its exit code. */
export interface SynthRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The copy. */
export class ProjectCopy {
  /** Copies the project's sources and the fixture's program into a new temporary directory. */
  static create(): ProjectCopy {
    const dir = mkdtempSync(join(tmpdir(), 'mini-atlas-project-'));
    for (const entry of ['lib', 'imports', 'tsconfig.json', 'package.json', 'tools/synth/src', 'tools/synth/package.json', 'tools/cli-common/src', 'tools/cli-common/package.json']) {
      cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
    }
    cpSync(FIXTURE, dir, { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    return new ProjectCopy(dir);
  }

  private constructor(
    /** The copy's root. */
    readonly dir: string,
  ) {}

  /** The copy's synthesized output (`dist/`). */
  get dist(): string {
    return join(this.dir, 'dist');
  }

  /** Replaces the one occurrence of `from` in a source file of the copy by `to` (throws unless there is exactly one). */
  edit(file: string, from: string, to: string): void {
    const path = join(this.dir, file);
    const text = readFileSync(path, 'utf8');
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`${file}: expected one ${JSON.stringify(from)}, found ${count}`);
    writeFileSync(path, text.replace(from, to));
  }

  /**
   * Removes the statement of a source file that starts with `head` (unique in the file) through its end, the
   * first `);` closing a line after it (a `new …(…, { … });` or a one-line call).
   */
  removeStatement(file: string, head: string): void {
    const path = join(this.dir, file);
    const text = readFileSync(path, 'utf8');
    const start = text.indexOf(head);
    if (start < 0 || text.indexOf(head, start + 1) >= 0) throw new Error(`${file}: expected one statement starting ${JSON.stringify(head)}`);
    const end = text.indexOf(');\n', start);
    if (end < 0) throw new Error(`${file}: the statement starting ${JSON.stringify(head)} does not end with ");"`);
    const lineStart = text.lastIndexOf('\n', start) + 1;
    writeFileSync(path, text.slice(0, lineStart) + text.slice(end + 3));
  }

  /** Runs the copy's synth program (`main.ts` through tsx, as `npm run synth` runs it) with `args`. */
  async synth(args: readonly string[]): Promise<SynthRun> {
    const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    // Only the command line chooses: no profile, repository or branch from the runner's environment.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['MINI_ATLAS_ENV', 'MINI_ATLAS_REPO', 'MINI_ATLAS_BRANCH'].includes(k)));
    return new Promise((resolve) => {
      execFile(process.execPath, [tsx, 'main.ts', ...args], { cwd: this.dir, env }, (e, stdout, stderr) => {
        resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout, stderr });
      });
    });
  }

  /** Removes the copy. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
