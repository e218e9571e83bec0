/**
 * Just enough of the `go.mod` grammar to build a tool from a small wrapper module.
 *
 * `go install module@version` refuses modules whose go.mod holds `replace` directives (k8s.io/kubernetes maps
 * its staging modules to local directories, Kyverno swaps pod-security-admission for a fork). The wrapper
 * module requires the upstream module and restates its replacements, because replacements only ever apply
 * in the main module.
 */

/** One `replace` directive. */
export interface GoReplace {
  /** Module path being replaced. */
  readonly path: string;
  /** Only this version of it is replaced, when given. */
  readonly version?: string;
  /** Replacement: a module path, or a local directory (`./…`, `../…`, `/…`). */
  readonly newPath: string;
  /** Replacement version (absent for local directories). */
  readonly newVersion?: string;
}

/** The parts of a go.mod a wrapper needs. */
export interface GoModFile {
  /** `module` path. */
  readonly module: string;
  /** `go` directive (minimum language version). */
  readonly go?: string;
  /** `toolchain` directive. */
  readonly toolchain?: string;
  /** Every `replace` directive, single-line and block form. */
  readonly replaces: readonly GoReplace[];
}

function stripComment(line: string): string {
  const i = line.indexOf('//');
  return (i >= 0 ? line.slice(0, i) : line).trim();
}

function parseReplace(spec: string): GoReplace {
  const [left, right] = spec.split('=>').map((s) => s.trim().split(/\s+/).filter(Boolean));
  if (!left || !right || left.length < 1 || left.length > 2 || right.length < 1 || right.length > 2) {
    throw new Error(`go.mod: cannot parse replace directive "${spec}"`);
  }
  return {
    path: left[0]!,
    ...(left[1] ? { version: left[1] } : {}),
    newPath: right[0]!,
    ...(right[1] ? { newVersion: right[1] } : {}),
  };
}

/** Parses the `module`, `go`, `toolchain` and `replace` directives of a go.mod file. */
export function parseGoMod(text: string): GoModFile {
  let module: string | undefined;
  let go: string | undefined;
  let toolchain: string | undefined;
  const replaces: GoReplace[] = [];
  let block: string | undefined;
  for (const raw of text.split('\n')) {
    const line = stripComment(raw);
    if (!line) continue;
    if (block) {
      if (line === ')') block = undefined;
      else if (block === 'replace') replaces.push(parseReplace(line));
      continue;
    }
    const m = /^(\w+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, verb, rest] = m as unknown as [string, string, string];
    if (rest === '(') {
      block = verb;
      continue;
    }
    if (verb === 'module') module = rest.replace(/"/g, '');
    else if (verb === 'go') go = rest;
    else if (verb === 'toolchain') toolchain = rest;
    else if (verb === 'replace') replaces.push(parseReplace(rest));
  }
  if (!module) throw new Error('go.mod: no module directive');
  return { module, ...(go ? { go } : {}), ...(toolchain ? { toolchain } : {}), replaces };
}

/** True when a replacement points at a directory rather than a module version. */
export function isLocalReplace(r: GoReplace): boolean {
  return r.newPath.startsWith('./') || r.newPath.startsWith('../') || r.newPath.startsWith('/');
}

/** Input of {@link renderWrapperGoMod}. */
export interface WrapperModule {
  /** Module path of the wrapper itself. */
  readonly module: string;
  /** `go` directive (use the upstream module's, so its language version is accepted). */
  readonly go: string;
  /** The upstream module and version the wrapper requires. */
  readonly require: { readonly path: string; readonly version: string };
  /** Replacements restated from the upstream module (module-version targets only). */
  readonly replaces: readonly GoReplace[];
}

/** Renders the go.mod of a wrapper module. */
export function renderWrapperGoMod(w: WrapperModule): string {
  const lines = [`module ${w.module}`, '', `go ${w.go}`, '', `require ${w.require.path} ${w.require.version}`];
  if (w.replaces.length > 0) {
    lines.push('', 'replace (');
    for (const r of w.replaces) {
      if (isLocalReplace(r) || !r.newVersion) {
        throw new Error(`wrapper go.mod: replacement of ${r.path} must name a module version, not ${r.newPath}`);
      }
      lines.push(`\t${r.path}${r.version ? ` ${r.version}` : ''} => ${r.newPath} ${r.newVersion}`);
    }
    lines.push(')');
  }
  return `${lines.join('\n')}\n`;
}
