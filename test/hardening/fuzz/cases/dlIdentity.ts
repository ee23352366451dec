/** Who a Direct Line case claims to be (the token it presents) and which conversation it addresses. */
import type { DlConversation, LiveContext } from '../case.js';
import { AGENT } from '../settings.js';

export const DL_AUTH = ['none', 'own', 'other', 'garbage', 'empty', 'basic', 'agent', 'long', 'two'] as const;
export type DlAuth = (typeof DL_AUTH)[number];
export const DL_IDS = ['own', 'other', 'random', 'traversal', 'badpercent', 'long', 'unicode', 'empty'] as const;
export type DlId = (typeof DL_IDS)[number];

export function authHeader(ctx: LiveContext, which: DlAuth, own: DlConversation): Record<string, string> {
  const other = ctx.dl.find((c) => c.id !== own.id)!;
  switch (which) {
    case 'none':
      return {};
    case 'own':
      return { authorization: `Bearer ${own.token}` };
    case 'other':
      return { authorization: `Bearer ${other.token}` };
    case 'garbage':
      return { authorization: 'Bearer not-a-token' };
    case 'empty':
      return { authorization: 'Bearer ' };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`x:${own.token}`).toString('base64')}` };
    case 'agent':
      return { authorization: `Bearer ${AGENT}` };
    case 'long':
      return { authorization: `Bearer ${'t'.repeat(7000)}` };
    case 'two':
      return { authorization: `Bearer ${own.token} ${own.token}` };
  }
}

export function idOf(ctx: LiveContext, which: DlId, own: DlConversation): string {
  switch (which) {
    case 'own':
      return own.id;
    case 'other':
      return ctx.dl.find((c) => c.id !== own.id)!.id;
    case 'random':
      return 'AbCdEfGhIjKlMnOp';
    case 'traversal':
      return '..%2F..%2Fetc%2Fpasswd';
    case 'badpercent':
      return '%E0%A4%A';
    case 'long':
      return 'L'.repeat(3000);
    case 'unicode':
      return '%F0%9F%92%A5';
    case 'empty':
      return '%20';
  }
}
