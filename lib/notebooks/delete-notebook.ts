import { and, eq } from 'drizzle-orm';
import { AppError } from '@/common/errors';
import type { TDb } from '@/db/client';
import { notebooks } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from '../projects/get-project-access';
import { isUuid } from './notebook-summary';

/** Deletes a notebook (edit rights). Kernels that ran it keep running, detached from it. */
export async function deleteNotebook(db: TDb, actor: TSignedInUser, input: { projectId: string; notebookId: string }): Promise<void> {
  const { project } = await getProjectAccess(db, actor, input.projectId, 'edit');
  if (!isUuid(input.notebookId)) throw new AppError('NOT_FOUND', 'Notebook not found.');
  const deleted = await db
    .delete(notebooks)
    .where(and(eq(notebooks.id, input.notebookId), eq(notebooks.projectId, project.id)))
    .returning({ id: notebooks.id });
  if (!deleted.length) throw new AppError('NOT_FOUND', 'Notebook not found. It may have been deleted already.');
}
