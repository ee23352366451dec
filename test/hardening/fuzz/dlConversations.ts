/** Direct Line conversations started the way a client does, and the bot's side of one read back. */
import { expect } from 'vitest';
import { JSON_HEADERS, type DlConversation } from './case.js';

export async function dlStart(dlUrl: string, userId: string): Promise<DlConversation> {
  const res = await fetch(`${dlUrl}/directline/conversations`, {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify({ user: { id: userId } }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { conversationId: string; token: string };
  return { id: body.conversationId, token: body.token, userId };
}

export async function dlBotTexts(dlUrl: string, conversation: DlConversation): Promise<string[]> {
  const res = await fetch(`${dlUrl}/directline/conversations/${conversation.id}/activities`, {
    headers: { authorization: `Bearer ${conversation.token}` },
  });
  expect(res.status).toBe(200);
  const page = (await res.json()) as { activities: { from: { id: string; role?: string }; text?: string }[] };
  return page.activities.filter((a) => a.from.role !== 'user' && a.from.id !== conversation.userId).map((a) => a.text ?? '');
}
