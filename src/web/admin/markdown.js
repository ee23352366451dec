// @ts-check
// The bold and italics of bot and agent texts, which the chat showed as markdown, as DOM nodes (never HTML).
import { el } from '../assets/dom.js';

/** @param {string} text */
const unescapeMarkdown = (text) => text.replace(/\\([\\`*_[\]~+\-.#!|(){}<>])/g, '$1');

/**
 * `**bold**`, `_italic_` and backslash escapes of a bot or agent text. Users' texts are not markdown and stay as
 * typed: do not pass them here.
 * @param {string} text
 * @returns {(string | HTMLElement)[]}
 */
export function inlineMarkdown(text) {
  /** @type {(string | HTMLElement)[]} */
  const nodes = [];
  const pattern = /\*\*(?=\S)([\s\S]*?\S)\*\*|(^|[^\w\\])_(?=\S)([^_]*?\S)_(?!\w)/g;
  let last = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const start = m.index + (m[2] || '').length;
    nodes.push(unescapeMarkdown(text.slice(last, start)));
    // One of the two alternatives matched: group 1 (bold) or group 3 (italic), never neither.
    nodes.push(m[1] !== undefined ? el('strong', null, unescapeMarkdown(m[1])) : el('em', null, unescapeMarkdown(m[3] ?? '')));
    last = m.index + m[0].length;
  }
  nodes.push(unescapeMarkdown(text.slice(last)));
  return nodes.filter((n) => n !== '');
}
