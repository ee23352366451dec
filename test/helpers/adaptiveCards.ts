import { createRequire } from 'node:module';

/**
 * Checks Adaptive Cards with Microsoft's own `adaptivecards` SDK, at the version Teams renders for bots (1.5).
 * The SDK's ESM build imports without file extensions, so Node loads its UMD bundle; parsing needs no DOM.
 */
interface AcVersion {
  toString(): string;
}
interface AcContext {
  eventCount: number;
  getEventAt(i: number): { message: string };
}
interface AcLib {
  Versions: { v1_5: AcVersion };
  SerializationContext: new (target?: AcVersion) => AcContext;
  AdaptiveCard: new () => {
    parse(json: unknown, ctx: AcContext): void;
    toJSON(): unknown;
    validateProperties(): { validationEvents: { message: string }[] };
  };
}
const ac = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as AcLib;

/** The version we build for: Teams renders up to 1.5 in bot messages and incoming webhooks. */
export const TEAMS_CARD_VERSION = '1.5';

// Host extensions the SDK does not model (it drops them): Teams reads them, other hosts ignore them.
const HOST_EXTENSIONS = new Set(['msteams']);

/** Every leaf of a JSON value as "path = value", without empty arrays or objects (the SDK leaves those out). */
function leaves(value: unknown, at = '', skipHostExtensions = true): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${at}[${i}]`, false));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      skipHostExtensions && at === '' && HOST_EXTENSIONS.has(k) ? [] : leaves(v, `${at}.${k}`, false),
    );
  }
  return [`${at} = ${JSON.stringify(value)}`];
}

/**
 * What is wrong with a card, as a host would see it: parse warnings and errors at version 1.5 (unknown element
 * types, invalid values, properties newer than 1.5), validation errors, a declared version above 1.5, and
 * anything the SDK dropped while parsing (unknown properties, values it could not read). Empty when fine.
 */
export function cardProblems(json: unknown): string[] {
  const problems: string[] = [];
  const version = (json as { version?: unknown }).version;
  if (typeof version !== 'string' || Number(version) > Number(TEAMS_CARD_VERSION))
    problems.push(`version ${String(version)} is not <= ${TEAMS_CARD_VERSION}`);
  const ctx = new ac.SerializationContext(ac.Versions.v1_5);
  const card = new ac.AdaptiveCard();
  card.parse(json, ctx);
  for (let i = 0; i < ctx.eventCount; i += 1) problems.push(`parse: ${ctx.getEventAt(i).message}`);
  for (const e of card.validateProperties().validationEvents) problems.push(`validate: ${e.message}`);
  const kept = new Set(leaves(card.toJSON()));
  for (const leaf of leaves(json)) if (!kept.has(leaf)) problems.push(`dropped by the parser: ${leaf}`);
  return problems;
}
