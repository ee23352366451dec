import type { CustomTypesConfig } from 'pg';
import { types as pgTypes } from 'pg';

/**
 * PostgreSQL's text and jsonb cannot hold NUL characters, and jsonb refuses the `\ud800`-style escapes
 * JSON.stringify writes for unpaired surrogates. Both can arrive in a chat message or a channel's ids, and the
 * embedded store keeps them as given; so that both stores return exactly what they were given, the PostgreSQL
 * store writes each such code unit as ESCAPE + its four hex digits, and ESCAPE itself the same way, so the
 * encoding is reversible and two different strings never become the same stored text (ids stay distinct).
 * ESCAPE is U+FDD0, a Unicode noncharacter (reserved for a program's internal use, never in interchanged
 * text), so real text is practically never lengthened. Every text and jsonb value read through the store's
 * pool is decoded by the type parsers below (`storeTypes`), so callers never see the escapes.
 */
const ESCAPE = '\uFDD0';
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ESCAPED_OR_UNSTORABLE = new RegExp(`${UNSTORABLE.source}|${ESCAPE}`, 'g');
const ESCAPED = /\uFDD0([0-9A-F]{4})/g;

/** Text as PostgreSQL stores it: the same string, with NUL, lone surrogates and ESCAPE escaped. */
export function pgText(text: string): string {
  return text.replace(ESCAPED_OR_UNSTORABLE, (c) => ESCAPE + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0'));
}

/** The string pgText() was given. */
export function fromPgText(text: string): string {
  return text.includes(ESCAPE) ? text.replace(ESCAPED, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))) : text;
}

/**
 * A search term as the tsvector holds it: NUL and lone surrogates become U+FFFD (a term is only ever
 * matched, never shown, so it need not be reversible, and the same rule applies to the query's terms).
 */
export function searchableText(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON text for a jsonb parameter, with every string (keys included) escaped by pgText(). */
export function toJsonb(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'string') return pgText(v);
    if (isPlainObject(v) && Object.keys(v).some((k) => pgText(k) !== k)) {
      return Object.fromEntries(Object.entries(v).map(([k, inner]) => [pgText(k), inner]));
    }
    return v;
  });
}

/** jsonb as read: parsed, and only when the text holds an escape, every string and key decoded. */
export function fromJsonb(json: string): unknown {
  if (!json.includes(ESCAPE)) return JSON.parse(json);
  return JSON.parse(json, (_key, v: unknown) => {
    if (typeof v === 'string') return fromPgText(v);
    if (isPlainObject(v) && Object.keys(v).some((k) => k.includes(ESCAPE))) {
      return Object.fromEntries(Object.entries(v).map(([k, inner]) => [fromPgText(k), inner]));
    }
    return v;
  });
}

const TEXT = 25;
const JSON_OID = 114;
const JSONB = 3802;

/** The store pool's type parsers: text and jsonb decoded (see pgText), everything else as pg parses it. */
export const storeTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary') {
      if (oid === TEXT) return fromPgText;
      if (oid === JSON_OID || oid === JSONB) return fromJsonb;
    }
    return pgTypes.getTypeParser(oid, format);
  }) as CustomTypesConfig['getTypeParser'],
};
