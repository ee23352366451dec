import type { z } from 'zod';

/** A zod failure as one line for a 4xx answer: every problem, each with the path of the field it is about. */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
