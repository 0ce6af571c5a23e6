import type { z } from 'zod';
import { fromZodIssues } from '@/common/errors';

/**
 * Validates a domain function's input, so every caller (route handler, page, CLI) gets the
 * same `BAD_REQUEST` with per-field messages for bad input.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues, what);
  return parsed.data;
}
