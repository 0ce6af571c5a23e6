import { eq } from 'drizzle-orm';
import type { TDb } from '@/db/client';
import { projects } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from './get-project-access';
import { toProjectInfo, type TProjectInfo } from './project-info';
import { refusePersonalProject } from './refuse-personal-project';

/**
 * Archives a project (owners and admins): from now on it is read-only for everyone
 * (getProjectAccess refuses every write), the gateway stops its kernels and refuses new
 * ones, and lists show it only under "Archived". Archiving an archived project changes nothing.
 */
export async function archiveProject(db: TDb, actor: TSignedInUser, projectId: string): Promise<TProjectInfo> {
  const { project } = await getProjectAccess(db, actor, projectId, 'manage', { allowArchived: true });
  refusePersonalProject(project, 'archived');
  if (project.archivedAt) return toProjectInfo(project);
  const [row] = await db.update(projects).set({ archivedAt: new Date() }).where(eq(projects.id, project.id)).returning();
  return toProjectInfo(row);
}
