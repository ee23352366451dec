/** What the cases' dynamic parts resolve against, set up on the running servers before the first case is sent. */
import { expect } from 'vitest';
import { ChannelUser, replyTexts } from '../../helpers/captureServer.js';
import type { Case, DlConversation, LiveContext } from './case.js';
import { dlStart } from './dlConversations.js';
import type { FuzzServers } from './servers.js';

/** Files a real ticket through the bot endpoint, so the agent API fuzz meets one. */
async function fileTicket({ app, capture }: FuzzServers, seed: number): Promise<string> {
  const u = new ChannelUser(app.url, capture, `fz-ticket-${seed}`);
  await u.join();
  for (const text of ['my code never arrives', 'talk to a person', 'alex@contoso.com', 'The code never arrives']) await u.say(text);
  let turn = await u.say('skip');
  for (let i = 0; i < 8 && !replyTexts(turn.replies).includes('Is everything right?'); i += 1) turn = await u.say('skip');
  const sent = await u.say('Send to the help desk');
  const id = /\*\*(MFA-[A-Z0-9]{6})\*\*/.exec(replyTexts(sent.replies))?.[1];
  expect(id, replyTexts(sent.replies)).toBeDefined();
  return id!;
}

/** A real ticket, four Direct Line conversations, the stored transcripts, and a fresh conversation per activity-post case. */
export async function startLiveContext(servers: FuzzServers, cases: Case[], seed: number): Promise<LiveContext> {
  const { app, dlApp } = servers;
  const ticketId = await fileTicket(servers, seed);
  const dl = await Promise.all(Array.from({ length: 4 }, (_, i) => dlStart(dlApp.url, `dl-user-${i}`)));
  const transcriptIds = (await app.transcripts.search({}, { offset: 0, limit: 20 }, new Date())).items.map((x) => x.conversationId);
  const fresh = new Map<number, DlConversation>();
  await Promise.all(
    cases.filter((c) => c.dlCheck !== undefined).map(async (c) => fresh.set(c.dlCheck!, await dlStart(dlApp.url, `dl-fresh-${c.n}`))),
  );
  return { dl, fresh, ticketId, transcriptIds };
}
