/** Dependency graphs: the one cycle check (lib/shared/graph.ts). */
import { dependencyLayers, findCycles, reachable } from '../../../lib/shared/graph';

describe('dependency graphs', () => {
  const graph = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['b'])], ['d', new Set<string>()], ['e', new Set(['d', 'outside'])]]);
  test('findCycles: each cycle once, from its smallest node; reachable; layers leave out cycles and missing nodes', () => {
    expect(findCycles(graph)).toEqual([['b', 'c', 'b']]);
    expect([...reachable(graph, 'a')].sort()).toEqual(['b', 'c']);
    expect(dependencyLayers(graph)).toEqual([['d']]);
    expect(dependencyLayers(new Map([['x', new Set(['y'])], ['y', new Set<string>()], ['z', new Set<string>()]]))).toEqual([['y', 'z'], ['x']]);
  });
});
