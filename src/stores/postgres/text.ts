/**
 * PostgreSQL's text and jsonb cannot hold NUL characters, and jsonb refuses the `\ud800`-style escapes
 * JSON.stringify writes for unpaired surrogates. Both can arrive in a chat message or a channel's ids; rather
 * than failing the write (and the user's turn), the PostgreSQL store stores U+FFFD in their place, as a
 * UTF-8 encoder would for a lone surrogate anyway.
 */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function pgText(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON text for a jsonb parameter, with every string (keys included) made storable. */
export function toJsonb(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'string') return pgText(v);
    if (isPlainObject(v) && Object.keys(v).some((k) => pgText(k) !== k)) {
      return Object.fromEntries(Object.entries(v).map(([k, inner]) => [pgText(k), inner]));
    }
    return v;
  });
}
