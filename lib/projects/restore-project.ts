import { eq } from 'drizzle-orm';
import type { TDb } from '@/db/client';
import { projects } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from './get-project-access';
import { toProjectInfo, type TProjectInfo } from './project-info';

/** Restores an archived project (owners and admins): writable again, kernels may start. */
export async function restoreProject(db: TDb, actor: TSignedInUser, projectId: string): Promise<TProjectInfo> {
  const { project } = await getProjectAccess(db, actor, projectId, 'manage', { allowArchived: true });
  if (!project.archivedAt) return toProjectInfo(project);
  const [row] = await db.update(projects).set({ archivedAt: null }).where(eq(projects.id, project.id)).returning();
  return toProjectInfo(row);
}
