import type { TurnContext } from 'botbuilder';

/**
 * Makes what a proactive turn sends new messages instead of replies. botbuilder marks every send as a reply to
 * the turn's own activity, which in a proactive turn is a made-up continuation event the channel never saw;
 * Web Chat then holds each such message back for 5 s, waiting for the activity it claims to answer.
 */
export function sendAsNewMessages(context: TurnContext): void {
  context.onSendActivities(async (_context, activities, next) => {
    for (const activity of activities) delete activity.replyToId;
    return next();
  });
}
