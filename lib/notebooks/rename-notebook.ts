import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import type { TDb } from '@/db/client';
import { notebooks } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from '../projects/get-project-access';
import { parseInput } from '../validation/parse-input';
import { findNotebook } from './find-notebook';
import { isUuid, rethrowNameTaken, toSummary, ZNotebookName, type TNotebookSummary } from './notebook-summary';

export const ZRenameNotebookInput = z.object({ projectId: z.string(), notebookId: z.string(), name: ZNotebookName });

/**
 * Renames a notebook (edit rights). The content version is left alone, so a rename never
 * turns someone's pending save into a conflict.
 */
export async function renameNotebook(db: TDb, actor: TSignedInUser, input: z.input<typeof ZRenameNotebookInput>): Promise<TNotebookSummary> {
  const data = parseInput(ZRenameNotebookInput, input, 'notebook');
  const { project } = await getProjectAccess(db, actor, data.projectId, 'edit');
  if (!isUuid(data.notebookId)) throw new AppError('NOT_FOUND', 'Notebook not found.');
  try {
    const [row] = await db
      .update(notebooks)
      .set({ name: data.name })
      .where(and(eq(notebooks.id, data.notebookId), eq(notebooks.projectId, project.id)))
      .returning();
    if (!row) throw new AppError('NOT_FOUND', 'Notebook not found. It may have been deleted.');
    const { notebook, updatedByName } = await findNotebook(db, project.id, row.id);
    return toSummary(notebook, updatedByName);
  } catch (err) {
    rethrowNameTaken(err, data.name);
  }
}
