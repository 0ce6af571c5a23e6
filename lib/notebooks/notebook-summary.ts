import { z } from 'zod';
import { AppError } from '@/common/errors';
import { notebooks } from '@/db/schema';

/** What lists and the notebook page show about a notebook (no content). */
export interface TNotebookSummary {
  id: string;
  projectId: string;
  name: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: { id: string; name: string } | null;
}

export { formatBytes, MAX_NOTEBOOK_BYTES } from './notebook-size-limit';

/** A notebook name: trimmed, without a trailing `.ipynb`, no slashes or control characters. */
export const ZNotebookName = z
  .string()
  .trim()
  .transform((s) => s.replace(/\.ipynb$/i, '').trim())
  .pipe(
    z
      .string()
      .min(1, 'Enter a notebook name')
      .max(120, 'Use at most 120 characters')
      // eslint-disable-next-line no-control-regex
      .regex(/^[^/\\\u0000-\u001f\u007f]+$/, 'A name cannot contain "/", "\\" or control characters'),
  );

export const ZNotebookRef = z.object({ projectId: z.string(), notebookId: z.string() });

type TNotebookRow = typeof notebooks.$inferSelect;

export function toSummary(row: TNotebookRow, updatedByName: string | null): TNotebookSummary {
  return {
    id: row.id,
    projectId: row.projectId,
    name: row.name,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy ? { id: row.updatedBy, name: updatedByName ?? 'a deleted user' } : null,
  };
}

/** The unique (project, name) index turned into a message; other errors pass through. */
export function rethrowNameTaken(err: unknown, name: string): never {
  const e = err as { code?: string; cause?: { code?: string } };
  if (e?.code === '23505' || e?.cause?.code === '23505') {
    throw new AppError('CONFLICT', `A notebook named "${name}" already exists in this project. Choose another name.`, { name: 'This name is taken' });
  }
  throw err;
}

export function isUuid(s: string): boolean {
  return z.string().uuid().safeParse(s).success;
}
