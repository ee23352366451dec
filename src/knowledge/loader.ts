import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { checkGraph } from './graph.js';
import {
  glossaryEntrySchema,
  glossaryFileSchema,
  indexSchema,
  nodeFileSchema,
  treeNodeSchema,
  type GlossaryEntry,
  type KnowledgeIndex,
  type TreeNode,
} from './schema.js';

/** The validated troubleshooting tree: everything the walker and the recognizer need, nothing else. */
export interface KnowledgeTree {
  index: KnowledgeIndex;
  nodes: ReadonlyMap<string, TreeNode>;
  /** Which file each node came from, for error messages and the admin's editor later. */
  fileOf: ReadonlyMap<string, string>;
  /** Words the instructions use, explained (`glossary.yaml`; empty when the folder has none). */
  glossary: GlossaryEntry[];
}

export class KnowledgeError extends Error {
  constructor(readonly problems: string[]) {
    super(`The troubleshooting knowledge is invalid (${problems.length} problem(s)):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'KnowledgeError';
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

function readYaml(file: string, problems: string[]): unknown {
  try {
    return parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    problems.push(`${file}: cannot read YAML: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

function loadNodes(dir: string, problems: string[]): { nodes: Map<string, TreeNode>; fileOf: Map<string, string> } {
  const nodes = new Map<string, TreeNode>();
  const fileOf = new Map<string, string>();
  const nodesDir = path.join(dir, 'nodes');
  let files: string[] = [];
  try {
    files = readdirSync(nodesDir).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    problems.push(`${nodesDir}: folder missing (it holds the tree's node files)`);
  }
  for (const name of files) {
    const file = path.join(nodesDir, name);
    const raw = readYaml(file, problems);
    if (raw === undefined) continue;
    const list = nodeFileSchema.safeParse(raw);
    if (!list.success) {
      problems.push(`${file}: ${describeIssues(list.error)}`);
      continue;
    }
    list.data.forEach((item, i) => {
      const rawId = typeof item === 'object' && item && 'id' in item ? String(item.id) : `#${i + 1}`;
      const parsed = treeNodeSchema.safeParse(item);
      if (!parsed.success) {
        problems.push(`${file}: node "${rawId}": ${describeIssues(parsed.error)}`);
        return;
      }
      const node = parsed.data;
      const earlier = fileOf.get(node.id);
      if (earlier) {
        problems.push(`${file}: node "${node.id}": duplicate id (already defined in ${earlier})`);
        return;
      }
      nodes.set(node.id, node);
      fileOf.set(node.id, file);
    });
  }
  return { nodes, fileOf };
}

/** `glossary.yaml`, optional: each entry validated, problems naming the file and the term. */
function loadGlossary(dir: string, sourceIds: Set<string>, problems: string[]): GlossaryEntry[] {
  const file = path.join(dir, 'glossary.yaml');
  if (!existsSync(file)) return [];
  const raw = readYaml(file, problems);
  if (raw === undefined) return [];
  const list = glossaryFileSchema.safeParse(raw);
  if (!list.success) {
    problems.push(`${file}: ${describeIssues(list.error)} (the glossary is a YAML list of terms)`);
    return [];
  }
  const entries: GlossaryEntry[] = [];
  const seen = new Map<string, string>();
  list.data.forEach((item, i) => {
    const name = typeof item === 'object' && item && 'term' in item ? String(item.term) : `#${i + 1}`;
    const parsed = glossaryEntrySchema.safeParse(item);
    if (!parsed.success) {
      problems.push(`${file}: term "${name}": ${describeIssues(parsed.error)}`);
      return;
    }
    for (const s of parsed.data.source) if (!sourceIds.has(s)) problems.push(`${file}: term "${name}": source "${s}" is not listed in index.yaml sources`);
    for (const word of [parsed.data.term, ...parsed.data.aliases].map((w) => w.toLowerCase())) {
      const other = seen.get(word);
      if (other) problems.push(`${file}: term "${name}": "${word}" is already used by "${other}", so a question could not tell them apart`);
      seen.set(word, name);
    }
    entries.push(parsed.data);
  });
  return entries;
}

/** Loads `index.yaml` and `nodes/*.yaml` from a knowledge folder; throws KnowledgeError listing every problem. */
export function loadKnowledge(dir: string): KnowledgeTree {
  const problems: string[] = [];
  const indexFile = path.join(dir, 'index.yaml');
  const rawIndex = readYaml(indexFile, problems);
  const index = rawIndex === undefined ? undefined : indexSchema.safeParse(rawIndex);
  if (index && !index.success) problems.push(`${indexFile}: ${describeIssues(index.error)}`);
  const { nodes, fileOf } = loadNodes(dir, problems);
  if (index?.success && problems.length === 0) {
    problems.push(...checkGraph({ index: index.data, nodes, fileOf }, indexFile));
  }
  const glossary = index?.success ? loadGlossary(dir, new Set(index.data.sources.map((s) => s.id)), problems) : [];
  if (problems.length > 0 || !index?.success) throw new KnowledgeError(problems);
  return { index: index.data, nodes, fileOf, glossary };
}
