import { asc, eq } from 'drizzle-orm';
import type { TDb } from '@/db/client';
import { projectMembers, users } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from './get-project-access';
import type { TProjectMember } from './project-summary';

/** Members of a project, owners first. Anyone who may view the project may see them. */
export async function listMembers(db: TDb, actor: TSignedInUser, projectId: string): Promise<TProjectMember[]> {
  await getProjectAccess(db, actor, projectId, 'view');
  const rows = await db
    .select({ member: projectMembers, user: users })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(eq(projectMembers.projectId, projectId))
    .orderBy(asc(projectMembers.createdAt), asc(users.email));
  const rank = { owner: 0, editor: 1, viewer: 2 } as const;
  return rows
    .map(({ member, user }) => ({
      userId: user.id,
      email: user.email,
      name: user.name,
      role: member.role,
      disabled: user.disabledAt !== null,
      addedAt: member.createdAt.toISOString(),
    }))
    .sort((a, b) => rank[a.role] - rank[b.role]);
}
