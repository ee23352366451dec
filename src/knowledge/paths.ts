import type { KnowledgeTree } from './loader.js';
import { edgesOf } from './graph.js';

export interface PathHop {
  node: string;
  /** What leads to the next hop: an option label, "fixed" or "not fixed"; absent on the last hop. */
  via?: string;
}

/** Every root-to-leaf path of the tree (it is acyclic, so the set is finite); used to test every journey. */
export function allPaths(tree: KnowledgeTree, from = tree.index.root): PathHop[][] {
  const node = tree.nodes.get(from);
  if (!node) throw new Error(`allPaths: unknown node "${from}"`);
  const edges = edgesOf(node, tree.index);
  if (edges.length === 0) return [[{ node: from }]];
  return edges.flatMap((edge) => allPaths(tree, edge.to).map((rest) => [{ node: from, via: edge.answer }, ...rest]));
}
