import { asc, eq } from 'drizzle-orm';
import { hardwareLabel } from '@/common/environment';
import type { TDb } from '@/db/client';
import { environments, notebooks, users } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from '../projects/get-project-access';
import { toSummary, type TNotebookSummary } from './notebook-summary';
import { userDisplayName } from '../users/user-display-name';

/** A notebook row of the list: the summary plus the environment it runs on (null: none attached). */
export interface TNotebookListItem extends TNotebookSummary {
  environment: { id: string; slug: string; name: string; hardwareLabel: string; archived: boolean } | null;
}

/** A project's notebooks by name, for anyone who may view the project. */
export async function listNotebooks(db: TDb, actor: TSignedInUser, input: { projectId: string }): Promise<TNotebookListItem[]> {
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
      updatedByName: userDisplayName,
      environment: environments,
    })
    .from(notebooks)
    .leftJoin(users, eq(users.id, notebooks.updatedBy))
    .leftJoin(environments, eq(environments.id, notebooks.environmentId))
    .where(eq(notebooks.projectId, project.id))
    .orderBy(asc(notebooks.name));
  return rows.map(({ environment: env, ...r }) => ({
    ...toSummary({ ...r, content: null, environmentId: null, createdBy: null }, r.updatedByName),
    environment: env ? { id: env.id, slug: env.slug, name: env.name, hardwareLabel: hardwareLabel(env), archived: env.archivedAt !== null } : null,
  }));
}
