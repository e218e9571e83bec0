/**
 * Dependency graphs: the one cycle check and the one topological order, for every graph the project orders
 * (Flux stages and Kustomizations by `dependsOn`, the resources of a ResourceGraphDefinition).
 */

/** A dependency graph: each node and the nodes it depends on. Edges to nodes outside the map are ignored. */
export type DependencyGraph = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * The elementary cycles a depth-first walk meets, each once, as a closed path starting at its smallest node
 * (code-unit order): `a → b → a` is `['a', 'b', 'a']`. Empty when the graph is acyclic.
 */
export function findCycles(graph: DependencyGraph): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'visiting');
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (!graph.has(m)) continue;
      if (state.get(m) === 'visiting') {
        const cycle = stack.slice(stack.indexOf(m));
        const start = cycle.indexOf([...cycle].sort()[0]);
        const norm = [...cycle.slice(start), ...cycle.slice(0, start)];
        const key = norm.join('>');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...norm, norm[0]]);
        }
      } else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of graph.keys()) if (!state.has(n)) visit(n);
  return cycles;
}

/** Every node reachable from `start` (not including `start` unless it lies on a cycle). */
export function reachable(graph: DependencyGraph, start: string): Set<string> {
  const out = new Set<string>();
  const todo = [...(graph.get(start) ?? [])];
  while (todo.length > 0) {
    const n = todo.pop()!;
    if (out.has(n)) continue;
    out.add(n);
    todo.push(...(graph.get(n) ?? []));
  }
  return out;
}

/**
 * The nodes in dependency layers (Kahn's algorithm): the first layer depends on nothing, each later layer
 * only on earlier ones; within a layer nodes keep the graph's order. A node on a cycle, depending on a node
 * outside the graph, or depending on such a node is in no layer: check {@link findCycles} first.
 */
export function dependencyLayers(graph: DependencyGraph): string[][] {
  const layers: string[][] = [];
  const done = new Set<string>();
  let remaining = [...graph.keys()];
  for (;;) {
    const ready = remaining.filter((n) => [...(graph.get(n) ?? [])].every((d) => done.has(d)));
    if (ready.length === 0) return layers;
    layers.push(ready);
    for (const n of ready) done.add(n);
    remaining = remaining.filter((n) => !done.has(n));
  }
}
