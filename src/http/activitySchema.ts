import { z } from 'zod';

/**
 * The least an inbound activity must have for the bot to answer it. Anything else passes through untouched:
 * channels add their own fields, and the adapter is the judge of the rest.
 */
export const inboundActivitySchema = z.looseObject({
  type: z.string().min(1, 'type is required'),
  channelId: z.string().min(1, 'channelId is required'),
  serviceUrl: z.url({ message: 'serviceUrl must be an absolute URL (replies are sent there)' }),
  conversation: z.looseObject({ id: z.string().min(1, 'conversation.id is required') }),
  from: z.looseObject({ id: z.string() }).optional(),
  text: z.string().max(10_000, 'text is longer than 10,000 characters').optional(),
});

export function describeZodError(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
