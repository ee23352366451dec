import MiniSearch, { type SearchResult } from 'minisearch';
import { stemmer } from 'stemmer';
import type { KnowledgeTree } from '../knowledge/loader.js';
import { STOPWORDS } from './stopwords.js';
import { TermModel } from './termModel.js';
import { detectOtherLanguage } from './language.js';
import type { Classification, IntentRecognizer } from './types.js';

/**
 * How many of a node's best-matching examples add up to its score. Measured on the tuning set
 * (test/fixtures/recognizer-phrases.yaml, 201 phrases): 1 gives 80% top-1, 3 gives 90%, 8 gives 94%, more no better.
 */
const TOP_K = 5;

/**
 * Weight of BM25 (scaled to the best node) against the term model's probability in a node's score. Measured on
 * the tuning set: BM25 alone 93%, the term model alone 80%, 0.7 of BM25 96% (0.6 and 0.8 both 94.5%).
 */
const BM25_WEIGHT = 0.7;

/** An urgent branch within this share of the best score goes first (the tuning set's two-problem messages). */
const URGENT_CLOSE = 0.5;

/** Highest confidence for a message made only of vague words ("locked out", "mfa not working"): below any sane threshold. */
const VAGUE_CONFIDENCE = 0.2;

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
  private readonly vague: Set<string>;
  private readonly vagueHints: { words: string[]; guesses: string[] }[];
  private readonly model: TermModel;
  private readonly vocabulary: Set<string>;
  /** Nodes whose tickets are urgent (`priority: urgent`), and the nodes under them. */
  private readonly urgent: Set<string>;
  /** Every English word our content uses, stemmed: what tells an English message from another language. */
  private readonly english: Set<string>;

  constructor(tree: KnowledgeTree) {
    this.synonyms = new Map(Object.entries(tree.index.synonyms).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()]));
    this.vague = new Set(tree.index.vague.flatMap((w) => this.words(w)));
    this.vagueHints = tree.index.vagueHints.map((h) => ({ words: h.words.flatMap((w) => this.words(w)), guesses: h.guesses }));
    this.index = new MiniSearch<Doc>({
      fields: ['text'],
      storeFields: ['node'],
      // Terms are made whole by `terms` (words, then word pairs), so MiniSearch's own term processing is a no-op.
      processTerm: (term) => term,
      tokenize: (text) => this.terms(text),
      searchOptions: {
        // Fuzzy and prefix matching absorb typos in single words; word pairs must match as they are.
        fuzzy: (term) => (term.includes(PAIR) ? 0 : term.length > 5 ? 0.2 : term.length > 3 ? 1 : 0),
        prefix: (term) => !term.includes(PAIR) && term.length > 3,
      },
    });
    const docs: Doc[] = [];
    for (const node of tree.nodes.values()) {
      const phrases = [...node.examples, ...(node.keywords.length ? [node.keywords.join(' ')] : [])];
      for (const text of phrases) docs.push({ id: docs.length, node: node.id, text });
    }
    for (const d of docs) this.nodeOfDoc.set(d.id, d.node);
    this.index.addAll(docs);
    this.model = new TermModel(docs.map((d) => ({ node: d.node, terms: this.terms(d.text) })));
    this.vocabulary = new Set(docs.flatMap((d) => this.words(d.text)));
    this.urgent = new Set([...tree.nodes.values()].filter((n) => n.priority === 'urgent').map((n) => n.id));
    const texts = [...tree.nodes.values()].flatMap((n) => [
      n.title,
      n.text,
      ...n.examples,
      ...n.keywords,
      ...(n.type === 'choice' ? n.options.flatMap((o) => [o.label, ...o.synonyms]) : []),
    ]);
    const glossary = tree.glossary.flatMap((e) => [e.term, ...e.aliases, e.text]);
    this.english = new Set(
      [...texts, ...glossary, ...Object.keys(tree.index.synonyms), ...STOPWORDS]
        .flatMap((t) =>
          t
            .toLowerCase()
            .replace(/['’]/g, '')
            .split(/[^\p{L}]+/u),
        )
        .filter((w) => w.length >= 2)
        .map((w) => stemmer(w)),
    );
  }

  async classify(text: string): Promise<Classification> {
    return this.classifySync(text);
  }

  /** The first hint whose words are all in a vague message: what kind of request it is, if not which problem. */
  private hintFor(queryTerms: Set<string>): { hinted?: string[] } {
    const hint = this.vagueHints.find((h) => h.words.length > 0 && h.words.every((w) => queryTerms.has(w)));
    return hint ? { hinted: hint.guesses } : {};
  }

  classifySync(message: string): Classification {
    // A problem is told in a sentence or two; the rest of a long paste (a details block) is for the ticket.
    const text = message.slice(0, MAX_CHARS);
    const language = detectOtherLanguage(text, (w) => this.isEnglishWord(w));
    if (language) return { intent: null, confidence: 0, alternatives: [], language };
    const queryTerms = new Set(this.words(text));
    if (queryTerms.size === 0) return { intent: null, confidence: 0, alternatives: [] };
    // Only words that say something is wrong, not what: never confident, so the bot asks.
    // Words no example uses ("meeting", "5", "min") say nothing about which problem: "I'm locked out, need to get
    // in for a meeting" is as vague as "I'm locked out".
    const telling = [...queryTerms].filter((t) => this.vague.has(t) || this.vocabulary.has(t));
    const vague = telling.length > 0 && telling.every((t) => this.vague.has(t));
    // Each term once: a word said twice is no more evidence, and a long repeat would be searched again and again.
    const terms = [...new Set(this.terms(text, (w) => this.corrected(w)))];
    const results = this.index.search(text, { combineWith: 'OR', tokenize: () => terms });
    const byNode = this.aggregate(results);
    const best = Math.max(0, ...[...byNode.values()].map((r) => r.score));
    const posterior = this.model.posterior(terms);
    const combined = new Map(
      [...byNode].map(([node, r]) => [
        node,
        { score: BM25_WEIGHT * (r.score / best) + (1 - BM25_WEIGHT) * (posterior.get(node) ?? 0), terms: r.terms },
      ]),
    );
    const ranked = [...combined.entries()].sort((a, b) => b[1].score - a[1].score);
    this.urgentFirst(ranked);
    const [first, second] = ranked;
    if (!first) return { intent: null, confidence: 0, alternatives: [] };
    // coverage: share of the message's words the node explains; lead: its score against its closest rival.
    const confidenceOf = ([node, r]: (typeof ranked)[number]): number => {
      const rival = node === first[0] ? (second?.[1].score ?? 0) : first[1].score;
      const words = [...r.terms].filter((t) => !t.includes(PAIR));
      const coverage = Math.min(1, words.length / queryTerms.size);
      const margin = Math.max(0, 1 - rival / r.score);
      // Calibrated on the tuning set (248 phrases): with 2 x the lead, 2.4% jumped to a wrong branch and 77%
      // to the right one; with 1.5 x, 1.6% and 73%; with 1 x, 0.4% and 57% (the rest get three guesses).
      const confidence = round(coverage * Math.min(1, 1.5 * margin));
      return vague ? Math.min(confidence, VAGUE_CONFIDENCE) : confidence;
    };
    const alternatives = ranked.slice(0, 4).map((entry) => ({ intent: entry[0], confidence: confidenceOf(entry) }));
    return {
      intent: first[0],
      confidence: alternatives[0]!.confidence,
      alternatives: alternatives.slice(1),
      ...(vague ? { vague: true, ...this.hintFor(queryTerms) } : {}),
    };
  }

  /**
   * Two problems in one message ("my phone was stolen and I forgot my password"): when an urgent branch (a
   * lost phone can approve sign-ins) comes a close second, it goes first, as the help desk would take it.
   */
  private urgentFirst(ranked: [string, { score: number; terms: Set<string> }][]): void {
    const [first, second] = ranked;
    if (!first || !second || this.urgent.has(first[0]) || !this.urgent.has(second[0])) return;
    if (second[1].score >= URGENT_CLOSE * first[1].score) [ranked[0], ranked[1]] = [second, first];
  }

  /** True for a word our content uses (in any form: "stolen", "steal"), or one of our synonyms and stop words. */
  isEnglishWord(word: string): boolean {
    const lower = word.toLowerCase();
    return this.english.has(stemmer(lower)) || this.synonyms.has(lower);
  }

  /** A text's meaningful words: lower-cased, synonyms mapped, stop words dropped, stemmed. */
  private words(text: string): string[] {
    return tokenize(text).flatMap((t) => this.processTerm(t) ?? []);
  }

  /**
   * The words plus each pair of neighbouring words ("app password", "phone home"): a pair tells branches apart
   * that share their words one by one ("my app password is rejected" against "my password is rejected").
   */
  private terms(text: string, correct: (word: string) => string = (w) => w): string[] {
    const words = this.words(text).map(correct);
    return [...words, ...words.slice(1).map((w, i) => `${words[i]}${PAIR}${w}`)];
  }

  /**
   * A word no example uses, swapped for the one known word it is a single slip away from (a swapped pair of
   * letters, one letter missing, extra or wrong: "lsot" is "lost"); MiniSearch's fuzzy matching alone counts a
   * swapped pair as two slips. Left alone when no known word, or more than one, is that close.
   */
  private corrected(word: string): string {
    if (word.length < 4 || this.vocabulary.has(word)) return word;
    const near = [...this.vocabulary].filter((known) => Math.abs(known.length - word.length) <= 1 && oneSlipApart(word, known));
    return near.length === 1 ? near[0]! : word;
  }

  /** Lower-case, map synonyms, drop stop words, stem: the same for indexed phrases and messages. */
  private processTerm(term: string): string | null {
    const lower = term.toLowerCase().replace(/['’]/g, '');
    // Every sign-in error code (AADSTS50076...) says "sign-in failed", not why: one vague word.
    if (/^aadsts\d*$/.test(lower)) return 'aadsts';
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

const PAIR = '_';

/**
 * How much of a message is read for routing: a 10,000-character message (the channel's limit) of repeated
 * words took 0.4 s to rank; the first 500 characters take a few ms and hold the problem.
 */
const MAX_CHARS = 500;

/** True when one edit (a letter added, dropped, changed, or two neighbours swapped) turns `a` into `b`. */
export function oneSlipApart(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.length === b.length) {
    const diff = [...a].flatMap((c, i) => (c === b[i] ? [] : [i]));
    if (diff.length === 1) return true;
    const [i, j] = diff;
    return diff.length === 2 && j === i! + 1 && a[i!] === b[j] && a[j] === b[i!];
  }
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  if (long.length - short.length !== 1) return false;
  let i = 0;
  while (i < short.length && short[i] === long[i]) i += 1;
  return short.slice(i) === long.slice(i + 1);
}

function tokenize(text: string): string[] {
  return text.split(/[^\p{L}\p{N}'’]+/u).filter(Boolean);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
