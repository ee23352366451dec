/** Bot endpoint cases that vary the activity itself: its text, one field at a time, its type, its delivery. */
import { ACTIVITY_PATHS, REQUIRED, deletePath, schemaRejects, setPath } from '../activityFields.js';
import { KINDS, hostileString, valueOfKind } from '../hostile.js';
import type { CaseBuilder } from './builder.js';

const OTHER_TYPES = [
  'typing',
  'event',
  'invoke',
  'endOfConversation',
  'messageReaction',
  'installationUpdate',
  'messageUpdate',
  'messageDelete',
  'contactRelationUpdate',
  'deleteUserData',
  'trace',
  'handoff',
  'suggestion',
  'command',
  'commandResult',
  'conversationUpdate',
  'MESSAGE',
  'message ',
  'zz-unknown',
  '\u0000',
  '💥',
  'x'.repeat(300),
];

export function textCases(b: CaseBuilder): void {
  for (let i = 0; i < 110; i += 1) b.message(['text'], b.activity(b.conv()));
}

export function longTextCases(b: CaseBuilder): void {
  const { rng } = b;
  for (let i = 0; i < 4; i += 1)
    b.message(['text:long'], b.activity(b.conv(), { text: hostileString(rng, 10_000).padEnd(rng.range(5_000, 10_000), ' word') }));
}

/** One field set to a value of some kind; where the schema must refuse it, a 400. */
export function fieldMutationCases(b: CaseBuilder): void {
  const { rng } = b;
  for (let i = 0; i < 320; i += 1) {
    const path = rng.pick(ACTIVITY_PATHS);
    const kind = rng.pick(KINDS);
    const body = b.activity(b.conv());
    if (path.startsWith('members') || path === 'action' || path === 'topicName' || path === 'historyDisclosed')
      body.type = 'conversationUpdate';
    if (path === 'name' || path === 'valueType') body.type = rng.pick(['event', 'message']);
    if (path === 'reactionsAdded') body.type = 'messageReaction';
    setPath(body, path, valueOfKind(rng, kind));
    b.message([`set:${path}=${kind}`], body, schemaRejects(path, kind) ? { expect: [400] } : {});
  }
}

export function deletionCases(b: CaseBuilder): void {
  const { rng } = b;
  for (let i = 0; i < 70; i += 1) {
    const path = rng.pick(ACTIVITY_PATHS.filter((p) => p !== 'text'));
    const body = b.activity(b.conv());
    deletePath(body, path);
    b.message([`del:${path}`], body, REQUIRED.has(path) ? { expect: [400] } : {});
  }
}

export function otherTypeCases(b: CaseBuilder): void {
  const { rng } = b;
  for (let i = 0; i < 80; i += 1) {
    const type = rng.pick(OTHER_TYPES);
    const extra: Record<string, unknown> = { type };
    if (type === 'event' || type === 'invoke') {
      extra.name = rng.pick([
        'handoff.unclaimed',
        'handoff.status',
        'webchat/join',
        'adaptiveCard/action',
        'signin/verifyState',
        hostileString(rng, 50),
      ]);
      extra.value = valueOfKind(rng, rng.pick(KINDS));
    }
    if (type === 'conversationUpdate') extra.membersAdded = rng.chance(0.5) ? [{ id: 'fuzz-user' }, { id: 'helpdesk-bot' }] : [];
    b.message([`type:${type === 'invoke' ? 'invoke' : 'other'}`], b.activity(b.conv(), extra));
  }
}

export function textOverLimitCases(b: CaseBuilder): void {
  const { rng } = b;
  for (let i = 0; i < 6; i += 1) {
    // Just over the activity's own text limit (10,000 characters) but well under the body limit.
    const id = b.conv();
    b.message(['size:text-over'], b.activity(id, { text: 'T'.repeat(10_001 + rng.int(5_000)) }), { expect: [400] });
  }
}

export function replayCases(b: CaseBuilder): void {
  const { rng } = b;
  for (let i = 0; i < 25; i += 1) {
    // The same activity (same id) delivered twice, as a channel retrying a timed-out delivery does.
    b.message(
      ['replay'],
      b.activity(b.conv(), { text: rng.pick(['hello', 'My code, text or call never arrives', 'talk to a person', 'help']) }),
      { repeat: 2 },
    );
  }
}

export function expectRepliesCases(b: CaseBuilder): void {
  for (let i = 0; i < 15; i += 1) {
    b.message(['expectReplies'], b.activity(b.conv(), { deliveryMode: 'expectReplies' }));
  }
}

export function conversationIdCases(b: CaseBuilder): void {
  const { rng } = b;
  for (let i = 0; i < 10; i += 1) {
    // Conversation ids a file name or URL could trip on (the store hashes them; the connector URL encodes them).
    const id =
      rng.pick(['../../../etc/passwd', 'a/b/c', 'a?b#c', '%2e%2e%2f', 'con', 'NUL', 'x'.repeat(2000), '💥/🔥', ' ', '\u0000id', 'a\\b']) +
      rng.id();
    b.message(['conversation-id'], b.activity(id, { text: 'hello' }));
  }
}
