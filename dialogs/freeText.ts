import { ActivityTypes, type TurnContext } from 'botbuilder';
import { turnOf } from './contracts.js';
import type { AnswerResult, CallContext } from './services.js';

/**
 * One turn's context for the assistant. The typing indicator goes out only when a model call really starts
 * (never on the local path), and once per turn however many calls follow; a general typing middleware can
 * run beside it, since a second typing activity changes nothing the user sees.
 */
export function turnCallContext(context: TurnContext): CallContext {
  let typing = false;
  return {
    conversationId: turnOf(context).conversationId,
    beforeModelCall: async () => {
      if (typing) return;
      typing = true;
      await context.sendActivity({ type: ActivityTypes.Typing });
    },
  };
}

export const NOT_COVERED = "I don't know that one: my guides don't cover it, and I'd rather not guess.";

/** The reply to a question the assistant took on; undefined when it could not (carry on as without a model). */
export function answerReply(result: AnswerResult): string | undefined {
  if (result.kind === 'unavailable') return undefined;
  if (result.kind === 'not-covered') return NOT_COVERED;
  const guides = result.passages.map((p) => `"${p.title}"`).join(', ');
  return `${result.text}\n\n_Source: ${result.sources.join('; ')} (in our guide: ${guides})._`;
}
