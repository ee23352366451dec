import MiniSearch from 'minisearch';
import { searchableText } from './text.js';

/**
 * The words a transcript is found by, cut exactly as the embedded store's MiniSearch index cuts them (its own
 * default tokenizer and term processing: split on spaces and punctuation, lower-cased), so "alice" finds
 * alice@contoso.com and "mfa 7k3" finds MFA-7K3P9Q in both stores.
 */
const tokenize = MiniSearch.getDefault('tokenize') as (text: string) => string[];
const processTerm = MiniSearch.getDefault('processTerm') as (term: string) => string | null | undefined | false;

/**
 * Longer words are indexed and searched by their first 64 characters: a PostgreSQL lexeme has a size limit,
 * and prefix search on a 64-character start is as specific as on the whole word.
 */
export const MAX_TERM_LENGTH = 64;
/** Words kept per conversation: keeps its tsvector far below PostgreSQL's 1 MB limit whatever users paste. */
export const MAX_TERMS_PER_CONVERSATION = 4000;

/** Distinct search terms of the given texts. */
export function termsOf(...texts: (string | undefined)[]): string[] {
  const terms = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const token of tokenize(text)) {
      const term = processTerm(token);
      if (term) terms.add(searchableText(term.slice(0, MAX_TERM_LENGTH)));
    }
  }
  return [...terms];
}

/**
 * A PostgreSQL tsquery that needs every term of the query as a word prefix (MiniSearch with prefix: true and
 * combineWith: 'AND'); undefined when the query has no terms at all, which matches nothing.
 */
export function prefixQuery(text: string): string | undefined {
  const terms = termsOf(text);
  if (terms.length === 0) return undefined;
  return terms.map((t) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "''")}':*`).join(' & ');
}
