/**
 * A naive Bayes model over which terms a node's examples contain (each example a document): the share of a
 * node's examples that hold a message's terms, smoothed. Where BM25 rewards the single best-matching examples,
 * this asks which node's examples, taken together, hold every term of the message, so the word that tells two
 * branches apart ("app" in "app password") counts against the branch whose examples never use it.
 */
export class TermModel {
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly docs = new Map<string, number>();
  private readonly vocabulary = new Set<string>();

  /** `smoothing`: pseudo-count for a term a node's examples never hold (measured: 0.05 to 0.2 all give the same ranking). */
  constructor(
    examples: { node: string; terms: string[] }[],
    private readonly smoothing = 0.1,
  ) {
    for (const { node, terms } of examples) {
      const counts = this.counts.get(node) ?? new Map<string, number>();
      for (const t of new Set(terms)) {
        counts.set(t, (counts.get(t) ?? 0) + 1);
        this.vocabulary.add(t);
      }
      this.counts.set(node, counts);
      this.docs.set(node, (this.docs.get(node) ?? 0) + 1);
    }
  }

  /** Each node's probability for a message's terms (terms no example uses are ignored); sums to 1. */
  posterior(terms: string[]): Map<string, number> {
    const known = [...new Set(terms)].filter((t) => this.vocabulary.has(t));
    const a = this.smoothing;
    const logs = new Map<string, number>();
    for (const [node, counts] of this.counts) {
      const n = this.docs.get(node) ?? 0;
      let log = 0;
      for (const t of known) log += Math.log(((counts.get(t) ?? 0) + a) / (n + 2 * a));
      logs.set(node, log);
    }
    const max = Math.max(...logs.values());
    let total = 0;
    for (const v of logs.values()) total += Math.exp(v - max);
    return new Map([...logs].map(([node, v]) => [node, Math.exp(v - max) / total]));
  }
}
