import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import { ZProjectRole } from '@/common/roles';
import type { TDb } from '@/db/client';
import { projectMembers, users } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { parseInput } from '../validation/parse-input';
import { getProjectAccess } from './get-project-access';
import type { TProjectMember } from './project-summary';

export const ZAddMemberInput = z.object({
  projectId: z.string(),
  email: z.string().trim().toLowerCase().email('Enter a valid email address'),
  role: ZProjectRole,
});

/** Adds an existing user to a project with a role (owners and admins only). */
export async function addMember(db: TDb, actor: TSignedInUser, input: z.input<typeof ZAddMemberInput>): Promise<TProjectMember> {
  const data = parseInput(ZAddMemberInput, input, 'member');
  await getProjectAccess(db, actor, data.projectId, 'manage');
  const [user] = await db.select().from(users).where(eq(users.email, data.email));
  if (!user) {
    throw new AppError('NOT_FOUND', `There is no user with the email ${data.email}. An administrator can create one.`, {
      email: 'No user with this email',
    });
  }
  const [row] = await db
    .insert(projectMembers)
    .values({ projectId: data.projectId, userId: user.id, role: data.role })
    .onConflictDoNothing()
    .returning();
  if (!row) {
    throw new AppError('CONFLICT', `${user.email} is already a member of this project.`, { email: 'Already a member' });
  }
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    role: row.role,
    disabled: user.disabledAt !== null,
    addedAt: row.createdAt.toISOString(),
  };
}
