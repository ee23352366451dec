import { describe, expect, it } from 'vitest';
import { TICKET_FIELDS } from '../src/tickets/fields.js';
import { createHarness, textsOf, type Harness } from './helpers/botHarness.js';

const prompt = (name: string) => TICKET_FIELDS.find((f) => f.name === name)!.prompt;
const REVIEW = 'Is everything right?';

async function skipToReview(h: Harness): Promise<string> {
  let replies = await h.say('skip');
  for (let i = 0; i < 8 && !textsOf(replies).includes(REVIEW); i += 1) replies = await h.say('skip');
  return textsOf(replies);
}

describe('changing a detail on the review', () => {
  it('shows the time as "Currently: ..." in words, not as an ISO string that reads like the clock', async () => {
    const h = await createHarness();
    await h.say('talk to a person');
    await h.say('alex@contoso.com');
    await h.say('The code never arrives on my phone');
    for (let i = 0; i < 4; i += 1) await h.say('skip'); // page address, error code, session and correlation ids
    let replies = await h.say('2026-11-22 14:05 +01:00');
    expect(textsOf(replies)).toContain(prompt('accountType'));
    expect(await skipToReview(h)).toContain(REVIEW);
    replies = await h.say('change the time of the error');
    const text = textsOf(replies);
    expect(text).toContain('Currently: 22 Nov 2026, 14:05 (UTC+01:00)');
    expect(text).not.toMatch(/Now:|2026-11-22T/);
    expect(text).toContain(prompt('timestamp'));
  });
});
