import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import type { TDb } from '@/db/client';
import { notebooks } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from '../projects/get-project-access';
import { parseInput } from '../validation/parse-input';
import { checkNotebookContent } from './check-notebook-content';
import { findNotebook } from './find-notebook';
import { isUuid } from './notebook-summary';

export const ZSaveNotebookInput = z.object({
  projectId: z.string(),
  notebookId: z.string(),
  content: z.unknown(),
  /** The version the client loaded (or last saved); the save only lands if it is still current. */
  baseVersion: z.number().int().min(1),
});

export interface TSaveResult {
  version: number;
  updatedAt: string;
}

function describeSave(name: string | null, userId: string | null, actor: TSignedInUser, at: Date): string {
  const who = userId === actor.id ? 'you (in another tab or window)' : (name ?? 'someone');
  return `${who} at ${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * Stores a notebook's cells and outputs (edit rights) with optimistic concurrency: the
 * UPDATE only matches the version the client started from, and bumps it. If someone saved
 * in between, nothing is written and VERSION_CONFLICT says who and when.
 */
export async function saveNotebook(db: TDb, actor: TSignedInUser, input: z.input<typeof ZSaveNotebookInput>): Promise<TSaveResult> {
  const data = parseInput(ZSaveNotebookInput, input, 'save');
  const { project } = await getProjectAccess(db, actor, data.projectId, 'edit');
  if (!isUuid(data.notebookId)) throw new AppError('NOT_FOUND', 'Notebook not found.');
  const { notebook } = checkNotebookContent(data.content);
  const [row] = await db
    .update(notebooks)
    .set({ content: notebook, version: sql`${notebooks.version} + 1`, updatedBy: actor.id, updatedAt: sql`now()` })
    .where(and(eq(notebooks.id, data.notebookId), eq(notebooks.projectId, project.id), eq(notebooks.version, data.baseVersion)))
    .returning({ version: notebooks.version, updatedAt: notebooks.updatedAt });
  if (row) return { version: row.version, updatedAt: row.updatedAt.toISOString() };

  const current = await findNotebook(db, project.id, data.notebookId);
  const by = describeSave(current.updatedByName, current.notebook.updatedBy, actor, current.notebook.updatedAt);
  throw new AppError(
    'VERSION_CONFLICT',
    `This notebook was saved by ${by} after you opened it, so your save was not stored. Reload to get their version (copy your changes first).`,
  );
}
