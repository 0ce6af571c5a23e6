import type { z } from 'zod';
import { fromZodIssues } from '@/common/errors';

/** Reads `?path=` with one of common/project-path's schemas; a bad path is a 400 saying which rule it broke. */
export function pathParam(req: Request, schema: z.ZodType<string>): string {
  const parsed = schema.safeParse(new URL(req.url).searchParams.get('path') ?? '');
  if (!parsed.success) throw fromZodIssues(parsed.error.issues.map((i) => ({ ...i, path: ['path'] })), 'path');
  return parsed.data;
}
