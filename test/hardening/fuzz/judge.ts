/** The oracle: what a case's statuses, response bodies and the bot's replies must satisfy. */
import { WENT_WRONG, type CapturedActivity } from '../../helpers/captureServer.js';
import type { Case } from './case.js';

/** Statuses a hostile request may get (the brief: never a 5xx). */
const ALLOWED = new Set([200, 201, 202, 204, 400, 401, 403, 404, 405, 413, 415, 429]);

export interface Outcome {
  c: Case;
  statuses: (number | string)[];
  ms: number;
  violations: string[];
}

/** The violations, in words; none means the case passed. */
export function judge(
  c: Case,
  statuses: (number | string)[],
  bodies: string[],
  replies: CapturedActivity[],
  dlTexts: string[] | undefined,
): string[] {
  const problems: string[] = [];
  for (const status of statuses) {
    if (typeof status !== 'number') problems.push(`no answer (${status})`);
    else if (!ALLOWED.has(status)) problems.push(`status ${status}`);
    else if (c.expect && !c.expect.includes(status)) problems.push(`status ${status}, expected ${c.expect.join('/')}`);
    if (typeof status === 'number' && status >= 200 && status < 300 && c.mayPass === false)
      problems.push(`ACCESS: ${status} without a valid credential`);
  }
  const ok = statuses.every((s) => typeof s === 'number' && s >= 200 && s < 300);
  if (c.surface === 'messages' && ok) {
    let seen = replies;
    if (c.inlineReplies) {
      try {
        seen = [...replies, ...((JSON.parse(bodies[0] || '{}') as { activities?: CapturedActivity[] }).activities ?? [])];
      } catch {
        problems.push('expectReplies body is not JSON');
      }
      if (seen.length === 0) problems.push('expectReplies: no replies in the body');
    }
    const wrong = seen.filter((r) => WENT_WRONG.test(r.text ?? ''));
    if (wrong.length) problems.push('bot answered "something went wrong"');
    if (c.wantsReply && seen.length === 0) problems.push('2xx but the bot sent no reply (silently dropped)');
  }
  if (dlTexts && dlTexts.some((t) => WENT_WRONG.test(t))) problems.push('Direct Line: bot answered "something went wrong"');
  return problems;
}
