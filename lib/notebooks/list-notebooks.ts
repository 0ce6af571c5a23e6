import { asc, eq } from 'drizzle-orm';
import type { TDb } from '@/db/client';
import { notebooks, users } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from '../projects/get-project-access';
import { toSummary, type TNotebookSummary } from './notebook-summary';

/** A project's notebooks by name, for anyone who may view the project. */
export async function listNotebooks(db: TDb, actor: TSignedInUser, input: { projectId: string }): Promise<TNotebookSummary[]> {
  const { project } = await getProjectAccess(db, actor, input.projectId, 'view');
  const rows = await db
    .select({
      id: notebooks.id,
      projectId: notebooks.projectId,
      name: notebooks.name,
      version: notebooks.version,
      createdAt: notebooks.createdAt,
      updatedAt: notebooks.updatedAt,
      updatedBy: notebooks.updatedBy,
      updatedByName: users.name,
    })
    .from(notebooks)
    .leftJoin(users, eq(users.id, notebooks.updatedBy))
    .where(eq(notebooks.projectId, project.id))
    .orderBy(asc(notebooks.name));
  return rows.map((r) => toSummary({ ...r, content: null, environmentId: null, createdBy: null }, r.updatedByName));
}
