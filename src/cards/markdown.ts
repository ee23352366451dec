// Bidi overrides and other invisible controls can make a pasted value display differently from what it is.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** One line of user-written text with control characters removed (for plain-text and markdown renderings). */
export const oneLine = (s: string): string =>
  s
    .replace(INVISIBLE, '')
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim();

/**
 * Makes user-written text display literally inside markdown (and the Adaptive Card markdown subset): emphasis,
 * links, images, code, HTML and line-start list/heading markers are neutralised. `html: 'entities'` encodes
 * & < > as entities (for markdown that may be rendered with HTML enabled); 'backslash' escapes them instead,
 * since Adaptive Card renderers do not decode entities consistently.
 */
export function escapeMarkdown(s: string, html: 'entities' | 'backslash' = 'entities'): string {
  let t = oneLine(s);
  t =
    html === 'entities'
      ? t
          .replace(/&/g, '&amp;')
          .replace(/</g, '&lt;')
          .replace(/>/g, '&gt;')
          .replace(/[\\`*_{}[\]()#+!|~]/g, '\\$&')
      : // Adaptive Card markdown knows only emphasis, links and lists (no HTML, headings or images), and some hosts
        // show a needless backslash literally, so escape just what it would interpret.
        t.replace(/[\\`*_[\]~]/g, '\\$&').replace(/^\+/, '\\+');
  // "-" and "1. " only start a list (or a rule) at the beginning of a line; escaping them everywhere hurts readability.
  return t.replace(/^-/, '\\-').replace(/^(\d{1,9})\.(?=\s|$)/, '$1\\.');
}
