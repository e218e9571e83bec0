/** `npm run bench` options. */
import { parseBenchArgs } from '../../tools/bench/src/options';
import { usageError } from '../helpers/usage-error';

describe('parseBenchArgs', () => {
  test('defaults: 5 runs, 3 cdk8s runs, sizes 1..1000, cdk8s at every size, no JSON', () => {
    expect(parseBenchArgs([])).toEqual({ runs: 5, referenceRuns: 3, sizes: [1, 10, 100, 1000], cdk8sSizes: [1, 10, 100, 1000], json: undefined, keep: false, quick: false, help: false });
  });
  test('--quick shrinks everything; explicit options still win', () => {
    expect(parseBenchArgs(['--quick'])).toMatchObject({ runs: 1, referenceRuns: 1, sizes: [1, 10], cdk8sSizes: [] });
    expect(parseBenchArgs(['--runs', '2', '--quick', '--sizes', '10,1'])).toMatchObject({ runs: 2, sizes: [1, 10], cdk8sSizes: [] });
  });
  test('--sizes sorts; --cdk8s-sizes takes a subset or "none"', () => {
    expect(parseBenchArgs(['--sizes', '100,1', '--cdk8s-sizes', '100'])).toMatchObject({ sizes: [1, 100], cdk8sSizes: [100] });
    expect(parseBenchArgs(['--cdk8s-sizes', 'none'])).toMatchObject({ cdk8sSizes: [] });
    expect(parseBenchArgs(['--sizes', '10'])).toMatchObject({ cdk8sSizes: [10] });
  });
  test('--json with a file, or alone (stdout)', () => {
    expect(parseBenchArgs(['--json', 'out.json', '--keep']).json).toBe('out.json');
    expect(parseBenchArgs(['--json', '--runs', '2'])).toMatchObject({ json: '-', runs: 2 });
    expect(parseBenchArgs(['--runs', '2', '--json']).json).toBe('-');
  });
  test.each([
    [['--runs', '0'], /positive integer/],
    [['--runs', '1.5'], /positive integer/],
    [['--runs'], /needs a value/],
    [['--sizes', '1,1'], /twice/],
    [['--sizes', '1,x'], /positive integer/],
    [['--sizes', '1,10', '--cdk8s-sizes', '100'], /not among --sizes/],
    [['--fast'], /unknown option --fast/],
  ])('%j is rejected', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
  test('every option', () => {
    expect(parseBenchArgs(['--runs', '2', '--reference-runs', '1', '--sizes', '10,1', '--cdk8s-sizes', '1', '--json', 'r.json', '--keep', '--quick', '-h'])).toEqual({
      runs: 2, referenceRuns: 1, sizes: [1, 10], cdk8sSizes: [1], json: 'r.json', keep: true, quick: true, help: true,
    });
  });
  test.each([
    [['--fast'], 'unknown option --fast for bench; valid options: --runs, --reference-runs, --sizes, --cdk8s-sizes, --quick, --json, --keep, --help'],
    [['--runs'], '--runs needs a value; pass --runs <n> or leave the option out'],
    [['--sizes', '--quick'], '--sizes needs a value; pass --sizes <list> or leave the option out'],
    [['--runs', '0'], '--runs needs a positive integer, got "0"; e.g. --runs 3'],
    [['--sizes', '1,10', '--cdk8s-sizes', '100'], '--cdk8s-sizes 100 not among --sizes 1,10; list a subset of --sizes, or "none"'],
  ])('%j → one line, exit code 2: %s', (argv, message) => {
    const e = usageError(() => parseBenchArgs(argv));
    expect(e.message).toBe(message);
    expect(e.exitCode).toBe(2);
  });
});
