/**
 * Model text shown to users and agents is plain: no links, images or HTML (an injected "click here" must not
 * become a clickable link), no runs of blank lines, and a bounded length.
 */
export function cleanModelText(text: string, maxChars: number): string {
  const plain = text
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]*>/g, '')
    .replace(/\bhttps?:\/\/\S+/gi, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (plain.length <= maxChars) return plain;
  const cut = plain.slice(0, maxChars);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), maxChars / 2)).trimEnd()}…`;
}

/** The first `n` sentences: a summary asked to be two sentences stays two sentences. */
export function firstSentences(text: string, n: number): string {
  // A sentence ends at . ! or ? followed by a space and a capital, so "e.g. the app" stays in one piece.
  const sentences = text
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=[.!?])\s+(?=["'(\p{Lu}])/u);
  return sentences.slice(0, n).join(' ').trim();
}
