import MiniSearch, { type SearchResult } from 'minisearch';
import { stemmer } from 'stemmer';
import type { KnowledgeTree } from '../knowledge/loader.js';
import { STOPWORDS } from './stopwords.js';
import type { Classification, IntentRecognizer } from './types.js';

/** Measured on test/fixtures/recognizer-phrases.yaml: 1 (best document only) 80% top-1, 3 gives 86%, more adds nothing. */
const TOP_K = 3;

interface Doc {
  id: number;
  node: string;
  text: string;
}

/**
 * Offline free-text understanding: every node with example phrases or keywords becomes a set of documents in a
 * MiniSearch index (BM25 with fuzzy and prefix matching); a message is a query, and nodes are ranked by their
 * best-matching document. Confidence combines how much of the message the top node explains with how far it
 * leads the runner-up, so "phone" alone (matches many branches) stays unsure.
 */
export class LocalRecognizer implements IntentRecognizer {
  private readonly index: MiniSearch<Doc>;
  private readonly nodeOfDoc = new Map<number, string>();
  private readonly synonyms: Map<string, string>;

  constructor(tree: KnowledgeTree) {
    this.synonyms = new Map(Object.entries(tree.index.synonyms).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()]));
    this.index = new MiniSearch<Doc>({
      fields: ['text'],
      storeFields: ['node'],
      processTerm: (term) => this.processTerm(term),
      tokenize,
      searchOptions: { fuzzy: (term) => (term.length > 5 ? 0.2 : term.length > 3 ? 1 : 0), prefix: (term) => term.length > 3 },
    });
    const docs: Doc[] = [];
    for (const node of tree.nodes.values()) {
      const phrases = [...node.examples, ...(node.keywords.length ? [node.keywords.join(' ')] : [])];
      for (const text of phrases) docs.push({ id: docs.length, node: node.id, text });
    }
    for (const d of docs) this.nodeOfDoc.set(d.id, d.node);
    this.index.addAll(docs);
  }

  async classify(text: string): Promise<Classification> {
    return this.classifySync(text);
  }

  classifySync(text: string): Classification {
    const queryTerms = new Set(tokenize(text).flatMap((t) => this.processTerm(t) ?? []));
    if (queryTerms.size === 0) return { intent: null, confidence: 0, alternatives: [] };
    const results = this.index.search(text, { combineWith: 'OR' });
    const byNode = this.aggregate(results);
    const ranked = [...byNode.entries()].sort((a, b) => b[1].score - a[1].score);
    const [first, second] = ranked;
    if (!first) return { intent: null, confidence: 0, alternatives: [] };
    // coverage: share of the message's words the node explains; lead: its score against its closest rival.
    const confidenceOf = ([node, r]: (typeof ranked)[number]): number => {
      const rival = node === first[0] ? (second?.[1].score ?? 0) : first[1].score;
      const coverage = Math.min(1, r.terms.size / queryTerms.size);
      const margin = Math.max(0, 1 - rival / r.score);
      return round(coverage * Math.min(1, 2 * margin));
    };
    const alternatives = ranked.slice(0, 4).map((entry) => ({ intent: entry[0], confidence: confidenceOf(entry) }));
    return { intent: first[0], confidence: alternatives[0]!.confidence, alternatives: alternatives.slice(1) };
  }

  /** Lower-case, map synonyms, drop stop words, stem: the same for indexed phrases and messages. */
  private processTerm(term: string): string | null {
    const lower = term.toLowerCase().replace(/['’]/g, '');
    const mapped = this.synonyms.get(lower) ?? lower;
    if (mapped.length < 2 || STOPWORDS.has(mapped)) return null;
    return stemmer(mapped);
  }

  /** A node's score is the sum of its best TOP_K documents: several matching examples are stronger evidence than one. */
  private aggregate(results: SearchResult[]): Map<string, { score: number; terms: Set<string> }> {
    const byNode = new Map<string, { scores: number[]; terms: Set<string> }>();
    for (const r of results) {
      const node = this.nodeOfDoc.get(r.id as number);
      if (!node) continue;
      const entry = byNode.get(node) ?? { scores: [], terms: new Set<string>() };
      entry.scores.push(r.score);
      for (const t of r.queryTerms) entry.terms.add(t);
      byNode.set(node, entry);
    }
    const topK = (scores: number[]): number =>
      scores
        .sort((a, b) => b - a)
        .slice(0, TOP_K)
        .reduce((a, b) => a + b, 0);
    return new Map([...byNode].map(([node, e]) => [node, { score: topK(e.scores), terms: e.terms }]));
  }
}

function tokenize(text: string): string[] {
  return text.split(/[^\p{L}\p{N}'’]+/u).filter(Boolean);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
