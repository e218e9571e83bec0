/** Medians and per-workspace arithmetic of the benchmark. */
import { marginalPerWorkspaceMs, median, perWorkspaceMs, spreadIndexes, summarize } from '../../tools/bench/src/stats';

describe('median', () => {
  test('odd count: the middle value, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([9])).toBe(9);
  });
  test('even count: mean of the two middle values', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  test('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
  test('rejects empty and non-finite input', () => {
    expect(() => median([])).toThrow(RangeError);
    expect(() => median([1, NaN])).toThrow(RangeError);
  });
});

describe('summarize', () => {
  test('medians per field, spread of wall time, objects per second from the medians', () => {
    const s = summarize([
      { wallMs: 200, maxRssKiB: 1000, objects: 50 },
      { wallMs: 100, maxRssKiB: 3000, objects: 50 },
      { wallMs: 500, maxRssKiB: 2000, objects: 50 },
    ])!;
    expect(s).toMatchObject({ runs: 3, wallMs: 200, minWallMs: 100, maxWallMs: 500, maxRssKiB: 2000, objects: 50 });
    expect(s.objectsPerSecond).toBeCloseTo(250);
    expect(s.buildMs).toBeUndefined();
  });
  test('fields missing from some samples use the others; none succeeded: undefined', () => {
    expect(summarize([{ wallMs: 10 }, { wallMs: 30, maxRssKiB: 7 }])).toMatchObject({ wallMs: 20, maxRssKiB: 7, objects: undefined, objectsPerSecond: undefined });
    expect(summarize([])).toBeUndefined();
  });
});

describe('per-workspace cost', () => {
  test('total and marginal', () => {
    expect(perWorkspaceMs(3000, 1000)).toBe(3);
    // 100 → 1000 workspaces: 2,700 ms more for 900 more workspaces.
    expect(marginalPerWorkspaceMs(3000, 1000, 300, 100)).toBe(3);
    expect(() => perWorkspaceMs(1, 0)).toThrow(RangeError);
    expect(() => marginalPerWorkspaceMs(1, 10, 1, 10)).toThrow(RangeError);
  });
});

describe('spreadIndexes', () => {
  test('first and last included, evenly spread, distinct, within 1..n', () => {
    expect(spreadIndexes(1000, 5)).toEqual([1, 251, 501, 750, 1000]);
    expect(spreadIndexes(3, 5)).toEqual([1, 2, 3]);
    expect(spreadIndexes(1, 5)).toEqual([1]);
    expect(spreadIndexes(10, 1)).toEqual([1]);
    expect(spreadIndexes(0, 3)).toEqual([]);
  });
});
