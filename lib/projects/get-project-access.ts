import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import { can, type TAccess, type TProjectAction } from '@/common/roles';
import type { TDb } from '@/db/client';
import { projectMembers, projects } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';

export type TProject = typeof projects.$inferSelect;

/** The refusal every write under an archived project gets, whichever route it came through. */
export const ARCHIVED_MESSAGE = 'This project is archived: restore it to change it.';

/**
 * Loads a project with the caller's access to it. A project the caller may not see, or a
 * deleted one, is a 404 (its existence is not revealed); one they may see but not act on is
 * a 403. An archived project is read-only: every action but `view` is a 409, so each writer
 * (notebooks, environments, members, dashboard actions) is covered here rather than in each
 * route; `allowArchived` is for the few that act on the archive itself (restore, delete).
 */
export async function getProjectAccess(
  db: TDb,
  user: TSignedInUser,
  projectId: string,
  action: TProjectAction = 'view',
  opts: { allowArchived?: boolean } = {},
): Promise<{ project: TProject; access: TAccess }> {
  if (!z.string().uuid().safeParse(projectId).success) throw new AppError('NOT_FOUND', 'Project not found.');
  const [row] = await db
    .select({ project: projects, role: projectMembers.role })
    .from(projects)
    .leftJoin(projectMembers, and(eq(projectMembers.projectId, projects.id), eq(projectMembers.userId, user.id)))
    .where(eq(projects.id, projectId));
  const access: TAccess = { userRole: user.role, projectRole: row?.role ?? null };
  if (!row || row.project.deletedAt || !can(access, 'view')) throw new AppError('NOT_FOUND', 'Project not found.');
  if (!can(access, action)) throw new AppError('FORBIDDEN', `Your role in this project (${access.projectRole ?? 'none'}) does not allow this.`);
  if (action !== 'view' && row.project.archivedAt && !opts.allowArchived) throw new AppError('CONFLICT', ARCHIVED_MESSAGE);
  return { project: row.project, access };
}
