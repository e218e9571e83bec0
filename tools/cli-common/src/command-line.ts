/**
 * The one command-line parser of every command (`npm run synth`, `validate`, `bench`, `tools`, `docs`,
 * `import`, `cluster:*`): `node:util` `parseArgs` in strict mode over a declared option table, with the
 * same errors everywhere and the help text generated from the same table.
 *
 * A bad command line is a {@link UsageError}: one line naming the offending option or argument and the
 * valid options, exit code {@link EXIT_USAGE}. A command's own checks of the values (a number, a list)
 * throw the same error.
 */
import { parseArgs } from 'node:util';

/** Exit code of a bad command line, in every command. */
export const EXIT_USAGE = 2;

/** One option of a command. */
export interface OptionSpec {
  /** A boolean option is a switch; a string option takes a value. */
  readonly type: 'string' | 'boolean';
  /** One-letter alias, without the dash. @default none */
  readonly short?: string;
  /** The option may be repeated; its value is the list of values given. @default false */
  readonly multiple?: boolean;
  /** Placeholder of the value in the help text, e.g. `<dir>` (`[file]` for an optional one). @default `<value>` for a string option */
  readonly value?: string;
  /**
   * The value of a string option given without one (`--json` alone, or followed by another option).
   * Only the long form may leave its value out. @default the value is required
   */
  readonly optionalValue?: string;
  /** Help text; further lines are indented under the first. */
  readonly help: string;
}

/** The options of a command, by long name (without `--`), in help-text order. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** A command: its name, usage line, summary and options. */
export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  /** Name in messages: the npm script, e.g. `validate` or `cluster:up`. */
  readonly name: string;
  /** Usage line, e.g. `npm run validate -- [DIR] [options]`. */
  readonly usage: string;
  /** What the command does (the paragraph under the usage line). @default none */
  readonly summary?: string;
  readonly options: O;
  /** Positional arguments: their name in messages and how many are allowed. @default none allowed */
  readonly positionals?: { readonly label: string; readonly max: number };
}

/**
 * The parsed value of one option: a switch, the list of a repeatable option, or a value if given (any of
 * these for an option whose type is not known statically).
 */
export type OptionValue<S extends OptionSpec> = S['type'] extends 'boolean'
  ? boolean
  : S['type'] extends 'string'
    ? S extends { readonly multiple: true } ? readonly string[] : string | undefined
    : boolean | string | readonly string[] | undefined;

/** The parsed values of a command's options. */
export type OptionValues<O extends OptionSpecs> = { readonly [K in keyof O]: OptionValue<O[K]> };

/** A parsed command line. */
export interface CommandLine<O extends OptionSpecs> {
  readonly values: OptionValues<O>;
  readonly positionals: readonly string[];
}

/** `--help` / `-h`, which every command offers. */
export const HELP_OPTION = { type: 'boolean', short: 'h', help: 'show this help' } as const satisfies OptionSpec;

/** A bad command line: what is wrong and how to fix it, on one line. */
export class UsageError extends Error {
  /** What is wrong, naming the option or argument. */
  public readonly problem: string;
  /** What to write instead (lists the valid options where that helps). */
  public readonly fix: string;
  /** Always {@link EXIT_USAGE}. */
  public readonly exitCode = EXIT_USAGE;

  public constructor(problem: string, fix: string) {
    super(`${problem}; ${fix}`);
    this.name = 'UsageError';
    this.problem = problem;
    this.fix = fix;
  }
}

/** `--a, --b, …` */
function optionList(spec: CommandSpec): string {
  return Object.keys(spec.options).map((o) => `--${o}`).join(', ');
}

function validOptions(spec: CommandSpec): string {
  return `valid options: ${optionList(spec)}`;
}

/** The usage error for option `name` having no value. */
function missingValue(spec: CommandSpec, name: string): UsageError {
  const option = spec.options[name];
  return new UsageError(`--${name} needs a value`, `pass --${name} ${option?.value ?? '<value>'} or leave the option out`);
}

/**
 * What the strict parse rejected, found in the tokens of a lenient parse of the same arguments (node's own
 * messages are multi-line and name no valid options).
 */
function diagnose(spec: CommandSpec, args: readonly string[]): UsageError | undefined {
  const { tokens } = parseArgs({ args: [...args], options: parserOptions(spec), strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const option = spec.options[t.name];
    if (!option) return new UsageError(`unknown option ${t.rawName} for ${spec.name}`, validOptions(spec));
    if (option.type === 'boolean' && t.value !== undefined) return new UsageError(`--${t.name} takes no value`, `write --${t.name} alone`);
    if (option.type === 'string' && (t.value === undefined || (!t.inlineValue && t.value.startsWith('-')))) return missingValue(spec, t.name);
  }
  return undefined;
}

function parserOptions(spec: CommandSpec): Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> {
  return Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [
    name,
    { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
  ]));
}

/** `--json` alone (or before another option) becomes `--json=<optionalValue>`. */
function fillOptionalValues(spec: CommandSpec, argv: readonly string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') return [...args, ...argv.slice(i)];
    const option = arg.startsWith('--') ? spec.options[arg.slice(2)] : undefined;
    const next = argv[i + 1];
    const valueLeftOut = next === undefined || (next.startsWith('-') && next !== '-');
    args.push(option?.optionalValue !== undefined && valueLeftOut ? `${arg}=${option.optionalValue}` : arg);
  }
  return args;
}

/**
 * Parses `argv` (the arguments after the script) against `spec`, strictly: an unknown option, a missing or
 * empty value, a value given to a switch, or a positional argument beyond `spec.positionals` throws a
 * {@link UsageError}. A switch not given is `false`, a repeatable option not given is `[]`.
 */
export function parseCommandLine<O extends OptionSpecs>(spec: CommandSpec<O>, argv: readonly string[]): CommandLine<O> {
  const args = fillOptionalValues(spec, argv);
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: parserOptions(spec), strict: true, allowPositionals: true });
  } catch (e) {
    // (duck-typed: under jest, errors of node:util come from another realm)
    const message = typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : String(e);
    throw diagnose(spec, args) ?? new UsageError(`bad command line for ${spec.name}: ${message.split('\n')[0]}`, validOptions(spec));
  }
  const values: Record<string, boolean | string | readonly string[] | undefined> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    const value = parsed.values[name];
    if (option.type === 'boolean') {
      values[name] = value === true;
      continue;
    }
    const strings = (Array.isArray(value) ? value : value === undefined ? [] : [value]) as string[];
    if (strings.includes('')) throw missingValue(spec, name);
    values[name] = option.multiple ? strings : strings[0];
  }
  const max = spec.positionals?.max ?? 0;
  if (parsed.positionals.length > max) {
    const stray = parsed.positionals[max];
    const takes = spec.positionals && max > 0
      ? `${spec.name} takes at most ${max} argument${max === 1 ? '' : 's'} (${spec.positionals.label})`
      : 'options take the form --option value';
    throw new UsageError(`unexpected argument ${JSON.stringify(stray)} for ${spec.name}`, `${takes}; ${validOptions(spec)}`);
  }
  return { values: values as OptionValues<O>, positionals: parsed.positionals };
}

/** The help text of a command: usage line, summary, and one line per option. */
export function helpText(spec: CommandSpec): string {
  const lefts = Object.entries(spec.options).map(([name, o]) => {
    const value = o.type === 'string' ? ` ${o.value ?? '<value>'}` : '';
    return `${o.short ? `-${o.short}, ` : '    '}--${name}${value}`;
  });
  const width = Math.max(...lefts.map((l) => l.length)) + 2;
  const lines = Object.values(spec.options).map((o, i) => `  ${lefts[i].padEnd(width)}${o.help.split('\n').join(`\n  ${' '.repeat(width)}`)}`);
  return [`Usage: ${spec.usage}`, '', ...(spec.summary ? [spec.summary, ''] : []), 'Options:', ...lines, ''].join('\n');
}

/**
 * Parses a command line at start-up: `parse` throws a {@link UsageError} for a bad one, which is printed on
 * stderr (one line) and exits with {@link EXIT_USAGE}; when the options ask for help (`help: true`), the help text of
 * `spec` is printed on stdout and the process exits 0. Any other error is rethrown.
 */
export function parseOrExit<T extends object>(spec: CommandSpec, parse: () => T): T {
  let options: T;
  try {
    options = parse();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(e.exitCode);
  }
  if ((options as { readonly help?: unknown }).help === true) {
    process.stdout.write(helpText(spec));
    process.exit(0);
  }
  return options;
}

/** {@link parseOrExit} of {@link parseCommandLine}, for a command whose options need no further checks. */
export function parseOptionsOrExit<O extends OptionSpecs>(spec: CommandSpec<O>, argv: readonly string[]): OptionValues<O> {
  return parseOrExit(spec, () => parseCommandLine(spec, argv).values);
}
