/** What a Direct Line client might send as a body: a mutated activity, a start request, pollution, not JSON. */
import { setPath } from '../activityFields.js';
import { KINDS, NON_JSON, hostileString, valueOfKind } from '../hostile.js';
import type { Rng } from '../rng.js';

const DL_SET_PATHS = [
  'type',
  'text',
  'from',
  'from.id',
  'from.name',
  'locale',
  'name',
  'channelData',
  'attachments',
  'value',
  'conversation',
  'serviceUrl',
  'recipient',
  'id',
  'replyToId',
  'membersAdded',
  'suggestedActions',
  'channelId',
  'timestamp',
  'textFormat',
  'entities',
  'localTimestamp',
  'localTimezone',
] as const;

/** A client's message activity, two times in three with one field set to a hostile value (named in tags). */
export function dlActivity(rng: Rng): { body: Record<string, unknown>; tags: string[] } {
  const body: Record<string, unknown> = { type: 'message', text: hostileString(rng, 500), from: { id: 'dl-fuzz' } };
  const tags: string[] = [];
  const mutate = rng.int(3);
  if (mutate > 0) {
    const path = rng.pick(DL_SET_PATHS);
    tags.push(`dlset:${path}`);
    setPath(body, path, valueOfKind(rng, rng.pick(KINDS)));
    if (path === 'type' && rng.chance(0.5))
      body.type = rng.pick([
        'typing',
        'event',
        'endOfConversation',
        'messageReaction',
        'conversationUpdate',
        'invoke',
        'installationUpdate',
      ]);
  }
  return { body, tags };
}

export function dlBody(rng: Rng): string | undefined {
  const k = rng.int(10);
  if (k === 0) return undefined;
  if (k === 1) return rng.pick(NON_JSON);
  if (k === 2)
    return JSON.stringify({
      user: { id: valueOfKind(rng, rng.pick(KINDS)), name: valueOfKind(rng, rng.pick(KINDS)) },
      locale: valueOfKind(rng, rng.pick(KINDS)),
    });
  if (k === 3) return `{"__proto__":{"polluted":"yes"},"user":{"id":"u","constructor":{"prototype":{"polluted":"yes"}}}}`;
  return JSON.stringify(dlActivity(rng).body);
}
