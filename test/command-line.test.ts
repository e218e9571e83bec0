/**
 * The one command-line parser (`tools/cli-common/src/command-line.ts`) and the commands that have no test folder of
 * their own: `validate`, `tools`, `docs`, `import`. Bench and cluster commands
 * are tested beside their other tests.
 */
import { parseToolsArgs, selectTools, TOOLS_COMMAND } from '../tools/control-plane/src/build-tools';
import { DOCS_COMMAND } from '../scripts/docs';
import { IMPORT_COMMAND } from '../scripts/import';
import { CommandSpec, EXIT_USAGE, HELP_OPTION, helpText, parseCommandLine, UsageError } from '@mini-atlas/cli-common/command-line';
import { parseValidateArgs } from '../tools/validate/src/options';
import { usageError } from './helpers/usage-error';

const DEMO = {
  name: 'demo',
  usage: 'demo [FILE] [options]',
  summary: 'Does a demo.',
  options: {
    out: { type: 'string', value: '<dir>', help: 'output directory' },
    tag: { type: 'string', multiple: true, help: 'a tag (repeatable)' },
    json: { type: 'string', value: '[file]', optionalValue: '-', help: 'JSON output\nto a file or stdout' },
    verbose: { type: 'boolean', short: 'v', help: 'say more' },
    help: HELP_OPTION,
  },
  positionals: { label: 'FILE', max: 1 },
} as const satisfies CommandSpec;

const DEMO_OPTIONS = 'valid options: --out, --tag, --json, --verbose, --help';

describe('parseCommandLine', () => {
  test('nothing given: switches false, repeatable options empty, values undefined', () => {
    expect(parseCommandLine(DEMO, [])).toStrictEqual({
      values: { out: undefined, tag: [], json: undefined, verbose: false, help: false },
      positionals: [],
    });
  });

  test('values, inline values, repeats, short aliases, an optional value left out, a positional', () => {
    expect(parseCommandLine(DEMO, ['f.yaml', '--out', 'd', '--tag', 'a', '--tag=b', '-v', '--json'])).toStrictEqual({
      values: { out: 'd', tag: ['a', 'b'], json: '-', verbose: true, help: false },
      positionals: ['f.yaml'],
    });
  });

  test('an optional value is taken when given, and left out before another option', () => {
    expect(parseCommandLine(DEMO, ['--json', 'x.json']).values.json).toBe('x.json');
    expect(parseCommandLine(DEMO, ['--json', '-v']).values).toMatchObject({ json: '-', verbose: true });
    expect(parseCommandLine(DEMO, ['--json', '-']).values.json).toBe('-');
  });

  test('after "--" everything is a positional', () => {
    expect(parseCommandLine(DEMO, ['--', '--out']).positionals).toEqual(['--out']);
  });

  test.each([
    [['--nope'], `unknown option --nope for demo; ${DEMO_OPTIONS}`],
    [['--nope=1'], `unknown option --nope for demo; ${DEMO_OPTIONS}`],
    [['-x'], `unknown option -x for demo; ${DEMO_OPTIONS}`],
    [['-vx'], `unknown option -x for demo; ${DEMO_OPTIONS}`],
    [['--out'], '--out needs a value; pass --out <dir> or leave the option out'],
    [['--out', '--verbose'], '--out needs a value; pass --out <dir> or leave the option out'],
    [['--out='], '--out needs a value; pass --out <dir> or leave the option out'],
    [['--tag', 'a', '--tag='], '--tag needs a value; pass --tag <value> or leave the option out'],
    [['--verbose=yes'], '--verbose takes no value; write --verbose alone'],
    [['a', 'b'], `unexpected argument "b" for demo; demo takes at most 1 argument (FILE); ${DEMO_OPTIONS}`],
  ])('%j → one line, exit code 2: %s', (argv, message) => {
    const e = usageError(() => parseCommandLine(DEMO, argv));
    expect(e.message).toBe(message);
    expect(e.exitCode).toBe(2);
  });

  test('a command without positionals names the stray argument', () => {
    const spec = { name: 'plain', usage: 'plain', options: { help: HELP_OPTION } } as const satisfies CommandSpec;
    expect(usageError(() => parseCommandLine(spec, ['x'])).message)
      .toBe('unexpected argument "x" for plain; options take the form --option value; valid options: --help');
  });

  test('a UsageError keeps the problem and the fix apart', () => {
    const e = new UsageError('--x is wrong', 'write --y');
    expect({ problem: e.problem, fix: e.fix, message: e.message, exitCode: e.exitCode }).toEqual({
      problem: '--x is wrong', fix: 'write --y', message: '--x is wrong; write --y', exitCode: EXIT_USAGE,
    });
    expect(EXIT_USAGE).toBe(2);
  });

  test('help text: usage, summary, one aligned line per option, continuation lines indented', () => {
    expect(helpText(DEMO)).toBe([
      'Usage: demo [FILE] [options]',
      '',
      'Does a demo.',
      '',
      'Options:',
      '      --out <dir>    output directory',
      '      --tag <value>  a tag (repeatable)',
      '      --json [file]  JSON output',
      '                     to a file or stdout',
      '  -v, --verbose      say more',
      '  -h, --help         show this help',
      '',
    ].join('\n'));
  });
});


describe('npm run validate', () => {
  test('a directory and every flag', () => {
    expect(parseValidateArgs(['out', '--repo-root', '/repo', '--verbose', '--json'])).toStrictEqual({
      dir: 'out', repoRoot: '/repo', verbose: true, json: true, help: false,
    });
  });

  test('nothing given: dist/ of the project (dir left out), no switches', () => {
    expect(parseValidateArgs([])).toStrictEqual({ verbose: false, json: false, help: false });
    expect(parseValidateArgs(['-h']).help).toBe(true);
  });

  test.each([
    [['--verbos'], 'unknown option --verbos for validate; valid options: --repo-root, --verbose, --json, --help'],
    [['--repo-root'], '--repo-root needs a value; pass --repo-root <dir> or leave the option out'],
    [['a', 'b'], 'unexpected argument "b" for validate; validate takes at most 1 argument (DIR); valid options: --repo-root, --verbose, --json, --help'],
  ])('%j → %s', (argv, message) => {
    const e = usageError(() => parseValidateArgs(argv));
    expect(e.message).toBe(message);
    expect(e.exitCode).toBe(2);
  });
});

describe('npm run tools', () => {
  test('a bare run builds every tool but the Cilium node\'s, which are built only when named', () => {
    const all = ['kubernetes', 'etcd', 'kro', 'kyverno', 'coredns', 'local-path-provisioner', 'cloudnative-pg', 'cloudnative-pg-config'];
    const flux = ['cilium-crds', 'source-controller', 'kustomize-controller'];
    expect(selectTools([], true)).toStrictEqual([...all, 'postgresql-rootfs', 'valkey-rootfs', ...flux]);
    expect(selectTools([], false)).toStrictEqual([...all, ...flux]);
    expect(selectTools(['cilium-runtime-rootfs', 'cilium', 'cilium-helm'], false)).toStrictEqual(['cilium', 'cilium-helm', 'cilium-runtime-rootfs']);
  });

  test('--rebuild and tool names, in the order given; none means all', () => {
    expect(parseToolsArgs(['--rebuild', 'kro', 'etcd'])).toStrictEqual({ rebuild: true, only: ['kro', 'etcd'], help: false });
    expect(parseToolsArgs([])).toStrictEqual({ rebuild: false, only: [], help: false });
  });

  test.each([
    [['--rebiuld'], 'unknown option --rebiuld for tools; valid options: --rebuild, --help'],
    [['kro', 'kubectl'], 'unknown tool(s) kubectl; known: kubernetes, etcd, kro, kyverno, coredns, local-path-provisioner, cloudnative-pg, cloudnative-pg-config, postgresql-rootfs, valkey-rootfs, cilium-crds, source-controller, kustomize-controller, cilium, cilium-helm, cilium-runtime-rootfs'],
    [['--rebuild=yes'], '--rebuild takes no value; write --rebuild alone'],
  ])('%j → %s', (argv, message) => {
    const e = usageError(() => parseToolsArgs(argv));
    expect(e.message).toBe(message);
    expect(e.exitCode).toBe(2);
  });

  test('the help lists the tools', () => {
    expect(helpText(TOOLS_COMMAND)).toContain('Tools: kubernetes, etcd, kro, kyverno, coredns, local-path-provisioner, cloudnative-pg, cloudnative-pg-config, postgresql-rootfs, valkey-rootfs, cilium-crds, source-controller, kustomize-controller, cilium, cilium-helm, cilium-runtime-rootfs (default: all but cilium (the e2e node; npm run test:e2e names it), cilium-helm (the e2e node; npm run test:e2e names it), cilium-runtime-rootfs (the e2e node; npm run test:e2e names it), built only when named; postgresql-rootfs, valkey-rootfs only as root with debootstrap installed).');
  });
});

describe.each([
  ['docs', DOCS_COMMAND],
  ['import', IMPORT_COMMAND],
])('npm run %s: no arguments but --help', (name, spec) => {
  test('--help and -h; nothing else', () => {
    expect(parseCommandLine(spec, []).values).toStrictEqual({ help: false });
    expect(parseCommandLine(spec, ['-h']).values).toStrictEqual({ help: true });
  });

  test.each([
    [['--check'], `unknown option --check for ${name}; valid options: --help`],
    [['README.md'], `unexpected argument "README.md" for ${name}; options take the form --option value; valid options: --help`],
  ])('%j → %s', (argv, message) => {
    const e = usageError(() => parseCommandLine(spec, argv));
    expect(e.message).toBe(message);
    expect(e.exitCode).toBe(2);
  });
});
