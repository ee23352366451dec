import { BUILT_IN_FACTS, type KnowledgeIndex, type TreeNode } from './schema.js';

export interface Edge {
  to: string;
  /** The answer that leads there: an option's label, or "fixed" / "not fixed" after a step. */
  answer: string;
  kind: 'option' | 'step-outcome';
}

export function describeEdge(edge: Edge): string {
  return edge.kind === 'option' ? `option "${edge.answer}"` : `"${edge.answer}"`;
}

/** The nodes a node can lead to; a step that omits `next`/`fixed` falls back to the index defaults. */
export function edgesOf(node: TreeNode, index: KnowledgeIndex): Edge[] {
  switch (node.type) {
    case 'choice':
      return node.options.map((o) => ({ to: o.goto, answer: o.label, kind: 'option' }));
    case 'step':
      return [
        { to: node.fixed ?? index.defaults.resolved, answer: 'fixed', kind: 'step-outcome' },
        { to: node.next ?? index.defaults.escalate, answer: 'not fixed', kind: 'step-outcome' },
      ];
    default:
      return [];
  }
}

export function isTerminal(node: TreeNode): boolean {
  return node.type === 'resolved' || node.type === 'escalate';
}

interface GraphInput {
  index: KnowledgeIndex;
  nodes: ReadonlyMap<string, TreeNode>;
  fileOf: ReadonlyMap<string, string>;
}

function checkIndexRefs({ index, nodes }: GraphInput, indexFile: string): string[] {
  const problems: string[] = [];
  const want: [string, string, TreeNode['type']][] = [
    ['root', index.root, 'choice'],
    ['defaults.resolved', index.defaults.resolved, 'resolved'],
    ['defaults.escalate', index.defaults.escalate, 'escalate'],
  ];
  index.vagueHints.forEach((hint, i) => {
    for (const id of hint.guesses) {
      if (!nodes.has(id)) problems.push(`${indexFile}: vagueHints[${i}] (${hint.words.join(' ')}) guesses node "${id}", which does not exist`);
    }
  });
  for (const [field, id, type] of want) {
    const node = nodes.get(id);
    if (!node) problems.push(`${indexFile}: ${field} names node "${id}", which does not exist`);
    else if (node.type !== type) problems.push(`${indexFile}: ${field} must name a "${type}" node; "${id}" is a "${node.type}"`);
  }
  return problems;
}

function checkRefs({ index, nodes, fileOf }: GraphInput): string[] {
  const problems: string[] = [];
  const sourceIds = new Set(index.sources.map((s) => s.id));
  for (const node of nodes.values()) {
    const where = `${fileOf.get(node.id)}: node "${node.id}"`;
    for (const edge of edgesOf(node, index)) {
      if (!nodes.has(edge.to)) problems.push(`${where}: ${describeEdge(edge)} goes to "${edge.to}", which does not exist`);
    }
    for (const s of node.source) {
      if (!sourceIds.has(s)) problems.push(`${where}: source "${s}" is not listed in index.yaml sources`);
    }
  }
  return problems;
}

function checkReachable({ index, nodes, fileOf }: GraphInput): string[] {
  const seen = new Set<string>();
  const queue = [index.root, index.defaults.escalate];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = nodes.get(id);
    if (node) queue.push(...edgesOf(node, index).map((e) => e.to));
  }
  return [...nodes.keys()]
    .filter((id) => !seen.has(id))
    .map((id) => `${fileOf.get(id)}: node "${id}": unreachable (no path from "${index.root}" leads to it)`);
}

/** Every path must end in a resolved or escalate node, so a loop is an error: it is a path that never ends. */
function checkCycles({ index, nodes, fileOf }: GraphInput): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const problems: string[] = [];
  const visit = (id: string, trail: string[]): void => {
    const mark = state.get(id);
    if (mark === 'done') return;
    if (mark === 'open') {
      const loop = [...trail.slice(trail.indexOf(id)), id].join(' -> ');
      problems.push(`${fileOf.get(id)}: node "${id}": the path never ends in "resolved" or "escalate" (loop ${loop})`);
      return;
    }
    state.set(id, 'open');
    const node = nodes.get(id);
    if (node) for (const e of edgesOf(node, index)) visit(e.to, [...trail, id]);
    state.set(id, 'done');
  };
  for (const id of nodes.keys()) visit(id, []);
  return problems;
}

/**
 * A variant that waits on a fact nothing ever sets would silently never show: every fact a variant reads must be
 * built in or remembered by some option, with a value that can occur.
 */
function checkFacts({ nodes, fileOf }: GraphInput): string[] {
  const known = new Map<string, Set<string>>(Object.entries(BUILT_IN_FACTS).map(([k, v]) => [k, new Set(v)]));
  for (const node of nodes.values()) {
    if (node.type !== 'choice') continue;
    for (const o of node.options)
      for (const [fact, value] of Object.entries(o.remember)) known.set(fact, (known.get(fact) ?? new Set()).add(value));
  }
  const problems: string[] = [];
  for (const node of nodes.values()) {
    for (const variant of node.variants) {
      for (const [fact, value] of Object.entries(variant.when)) {
        const values = known.get(fact);
        const where = `${fileOf.get(node.id)}: node "${node.id}": variant`;
        if (!values) problems.push(`${where} reads fact "${fact}", which no option remembers`);
        else if (!values.has(value)) problems.push(`${where} waits for ${fact} = "${value}", which no option remembers`);
      }
    }
  }
  return problems;
}

/** Graph checks that a schema cannot express; each problem names the file and the node. */
export function checkGraph(input: GraphInput, indexFile: string): string[] {
  const refs = [...checkIndexRefs(input, indexFile), ...checkRefs(input)];
  if (refs.length > 0) return refs;
  return [...checkReachable(input), ...checkCycles(input), ...checkFacts(input)];
}
