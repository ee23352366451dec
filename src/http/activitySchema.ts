import { z } from 'zod';
import { MAX_JSON_DEPTH, valueTooDeep } from './jsonDepth.js';

/**
 * The inbound activity as far as the bot and botbuilder read it. Channels add fields of their own, so objects
 * stay loose; but every field that botbuilder copies into replies (ids, names, locale, conversation details)
 * or that a handler reads (entities, members, attachments, event names) must have its documented type: a
 * wrong one would not fail here but deep in a turn, where the user gets silence or the failure message.
 */

// Conversation ids go into reply URLs and Bot Connector headers: printable ASCII only, and a sane length
// (Teams' longest, channel thread ids with a message id, are well under 512).
const headerSafeId = (what: string) =>
  z
    .string()
    .min(1, `${what} is required`)
    .max(512, `${what} is longer than 512 characters`)
    .regex(/^[\x21-\x7e]+$/, `${what} may only hold printable ASCII characters without spaces`);

const optionalString = (max = 1_000) => z.string().max(max, `longer than ${max} characters`).optional();

/**
 * Activity ids go into reply URLs (`.../activities/{replyToId}`), percent-encoded: a lone surrogate half cannot
 * be encoded, so every reply of the turn would fail and the user would get silence.
 */
const activityId = z
  .string()
  .max(256, 'longer than 256 characters')
  .refine((s) => !/\p{Cs}/u.test(s), 'must be well-formed Unicode (no lone surrogate halves)')
  .optional();

/**
 * Accounts and the conversation are copied into every reply. Channels add scalar fields of their own, which
 * travel on; nested values have no meaning in an address and are dropped, so a deep or huge one cannot make
 * every reply fail to serialise (or be refused by the connector) after the turn already ran.
 */
const addressOnly = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v === null || typeof v !== 'object')) as T;

const channelAccount = z
  .looseObject({
    id: z.string().min(1, 'id is required').max(512, 'id is longer than 512 characters'),
    name: optionalString(),
    role: optionalString(64),
    aadObjectId: optionalString(128),
  })
  .transform(addressOnly);

export const timestampSchema = z
  .string()
  .max(64)
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 date and time')
  .optional();

export const entitySchema = z.looseObject({ type: z.string().max(200) }).superRefine((e, ctx) => {
  // TurnContext.removeRecipientMention reads both: a mention without them crashes the turn.
  if (e.type !== 'mention') return;
  if (typeof (e.mentioned as { id?: unknown } | undefined)?.id !== 'string')
    ctx.addIssue({ code: 'custom', message: 'a mention needs mentioned.id', path: ['mentioned'] });
  if (e.text !== undefined && typeof e.text !== 'string')
    ctx.addIssue({ code: 'custom', message: 'a mention text must be a string', path: ['text'] });
});

/** Refuses a value nested deeper than MAX_JSON_DEPTH: every activity schema ends with it. */
export const withinDepth = <T extends z.ZodType>(schema: T) =>
  schema.superRefine((value, ctx) => {
    if (valueTooDeep(value)) ctx.addIssue({ code: 'custom', message: `nested deeper than ${MAX_JSON_DEPTH} levels` });
  });

export const inboundActivitySchema = withinDepth(
  z.looseObject({
    type: z.string().min(1, 'type is required').max(64),
    id: activityId,
    channelId: z.string().min(1, 'channelId is required').max(64),
    serviceUrl: z.url({ protocol: /^https?$/, message: 'serviceUrl must be an absolute http(s) URL (replies are sent there)' }).max(2_048),
    conversation: z
      .looseObject({
        id: headerSafeId('conversation.id'),
        name: optionalString(),
        conversationType: optionalString(64),
        tenantId: optionalString(128),
        isGroup: z.boolean().optional(),
      })
      .transform(addressOnly),
    // Replies are addressed from the recipient to the sender: a reply cannot be built without both.
    from: channelAccount,
    recipient: channelAccount,
    locale: optionalString(64),
    timestamp: timestampSchema,
    localTimestamp: timestampSchema,
    replyToId: activityId,
    text: z.string().max(10_000, 'text is longer than 10,000 characters').optional(),
    name: optionalString(256),
    entities: z.array(entitySchema).max(100).optional(),
    attachments: z
      .array(z.looseObject({ contentType: z.string().max(256) }))
      .max(50)
      .optional(),
    channelData: z.looseObject({}).optional(),
    membersAdded: z.array(channelAccount).max(1_000).optional(),
    membersRemoved: z.array(channelAccount).max(1_000).optional(),
  }),
);

export type InboundActivity = z.infer<typeof inboundActivitySchema>;
