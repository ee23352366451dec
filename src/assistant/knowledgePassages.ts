import MiniSearch from 'minisearch';
import { stemmer } from 'stemmer';
import type { KnowledgeTree } from '../knowledge/loader.js';
import { STOPWORDS } from '../recognizer/stopwords.js';

/** One piece of our own troubleshooting content a grounded answer may rest on: a node's text. */
export interface Passage {
  /** The node id. */
  id: string;
  title: string;
  text: string;
  /** Titles of the source articles the node names in `source`. */
  sources: string[];
}

interface Doc extends Passage {
  examples: string;
}

/** Share of the question's meaningful words a passage must contain to be offered to the model at all. */
const MIN_COVERAGE = 0.34;

/**
 * Retrieval over the tree's node texts (MiniSearch BM25 with the recognizer's stop words, synonyms and
 * stemming), so a grounded answer sees only the few passages that match the question. A question that
 * matches nothing never reaches the model: the bot says it does not know.
 */
export class KnowledgePassages {
  private readonly index: MiniSearch<Doc>;
  private readonly byId = new Map<string, Passage>();
  private readonly synonyms: Map<string, string>;

  constructor(tree: KnowledgeTree) {
    this.synonyms = new Map(Object.entries(tree.index.synonyms).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()]));
    const sourceTitle = new Map(tree.index.sources.map((s) => [s.id, s.title]));
    this.index = new MiniSearch<Doc>({
      fields: ['title', 'text', 'examples'],
      storeFields: ['id'],
      processTerm: (term) => this.processTerm(term),
      tokenize,
      searchOptions: { boost: { title: 2 }, fuzzy: (term) => (term.length > 5 ? 0.2 : 0), prefix: (term) => term.length > 4 },
    });
    for (const node of tree.nodes.values()) {
      const passage: Passage = {
        id: node.id,
        title: node.title,
        text: node.text,
        sources: node.source.map((id) => sourceTitle.get(id) ?? id),
      };
      this.byId.set(node.id, passage);
      this.index.add({ ...passage, examples: node.examples.join('\n') });
    }
  }

  get(id: string): Passage | undefined {
    return this.byId.get(id);
  }

  /** The best passages for a question, best first; empty when none explains enough of it. */
  search(question: string, limit = 3): Passage[] {
    const terms = new Set(tokenize(question).flatMap((t) => this.processTerm(t) ?? []));
    if (terms.size === 0) return [];
    return this.index
      .search(question, { combineWith: 'OR' })
      .filter((r) => new Set(r.queryTerms).size / terms.size >= MIN_COVERAGE)
      .slice(0, limit)
      .map((r) => this.byId.get(r.id as string)!);
  }

  private processTerm(term: string): string | null {
    const lower = term.toLowerCase().replace(/['’]/g, '');
    const mapped = this.synonyms.get(lower) ?? lower;
    if (mapped.length < 2 || STOPWORDS.has(mapped)) return null;
    return stemmer(mapped);
  }
}

function tokenize(text: string): string[] {
  return text.split(/[^\p{L}\p{N}'’]+/u).filter(Boolean);
}
