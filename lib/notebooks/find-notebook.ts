import { and, eq } from 'drizzle-orm';
import { AppError } from '@/common/errors';
import type { TDb } from '@/db/client';
import { notebooks, users } from '@/db/schema';
import { isUuid } from './notebook-summary';
import { userDisplayName } from '../users/user-display-name';

/**
 * One notebook row of a project, with the name of who saved it last. The caller has already
 * checked project access; a notebook of another project is "not found".
 */
export async function findNotebook(db: TDb, projectId: string, notebookId: string) {
  if (!isUuid(notebookId)) throw new AppError('NOT_FOUND', 'Notebook not found.');
  const [row] = await db
    .select({ notebook: notebooks, updatedByName: userDisplayName })
    .from(notebooks)
    .leftJoin(users, eq(users.id, notebooks.updatedBy))
    .where(and(eq(notebooks.id, notebookId), eq(notebooks.projectId, projectId)));
  if (!row) throw new AppError('NOT_FOUND', 'Notebook not found. It may have been deleted.');
  return row;
}
