import { z } from 'zod';

/**
 * An error body as a client reads it: the `{code, message}` of `toErrorBody` (common/errors.ts)
 * that the web and the gateway both send. The code stays a string here: a client must still
 * show the message of a code newer than itself.
 */
export const ZErrorResponse = z.looseObject({
  code: z.string().min(1),
  message: z.string().min(1),
  /** Per-field messages of a refused form. */
  fields: z.record(z.string(), z.string()).optional(),
});
export type TErrorResponse = z.infer<typeof ZErrorResponse>;
