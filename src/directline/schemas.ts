import { z } from 'zod';
import type { Response } from 'restify';
import { entitySchema, timestampSchema, withinDepth } from '../http/activitySchema.js';
import { describeZodError } from '../http/zodError.js';

const userId = z.string().min(1, 'user id must not be empty').max(256, 'user id is longer than 256 characters');
const userName = z.string().max(256, 'user name is longer than 256 characters');
const user = z.looseObject({ id: userId.optional(), name: userName.optional() });

/** Requests with no body at all arrive as undefined (bodyParser skips empty bodies): treat them as `{}`. */
const optionalBody = <T extends z.ZodType>(schema: T) => z.preprocess((v) => v ?? {}, schema);

export const tokenRequestSchema = optionalBody(withinDepth(z.looseObject({ user: user.optional() })));

export const startConversationSchema = optionalBody(
  withinDepth(z.looseObject({ user: user.optional(), locale: z.string().max(64, 'locale is too long').optional() })),
);

/**
 * Activity types a Direct Line client may send. conversationUpdate and friends belong to the channel
 * ("not sent/received via client" in the Direct Line 3.0 reference), so a client cannot fake a join.
 */
const clientActivityTypes = ['message', 'typing', 'event', 'endOfConversation', 'messageReaction'] as const;

export const clientActivitySchema = withinDepth(
  z.looseObject({
    type: z.enum(clientActivityTypes, { message: `type must be one of ${clientActivityTypes.join(', ')}` }),
    text: z.string().max(10_000, 'text is longer than 10,000 characters').optional(),
    from: z.looseObject({ id: userId, name: userName.optional() }).optional(),
    locale: z.string().max(64, 'locale is too long').optional(),
    name: z.string().max(256, 'name is too long').optional(),
    channelData: z.record(z.string(), z.unknown()).optional(),
    attachments: z
      .array(z.looseObject({ contentType: z.string() }))
      .max(10, 'too many attachments')
      .optional(),
    entities: z.array(entitySchema).max(20, 'too many entities').optional(),
    // Web Chat sends these two; they reach the bot as they are, so they must pass its endpoint's check.
    localTimestamp: timestampSchema,
    localTimezone: z.string().max(64, 'localTimezone is too long').optional(),
    replyToId: z.string().max(256, 'replyToId is too long').optional(),
  }),
);

export const botActivitySchema = withinDepth(
  z.looseObject({
    type: z.string().min(1, 'type is required').max(64, 'type is too long'),
    text: z.string().optional(),
  }),
);

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): ParseResult<T> {
  const parsed = schema.safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: describeZodError(parsed.error) };
}

/** Direct Line and the Bot Connector both answer errors as `{ error: { code, message } }`. */
export function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status);
  res.json({ error: { code, message } });
}
