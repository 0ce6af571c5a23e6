import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import { ZProjectRole, type TProjectRole } from '@/common/roles';
import type { TDb } from '@/db/client';
import { projectMembers, users } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { parseInput } from '../validation/parse-input';
import { getProjectAccess } from './get-project-access';

export const ZAddMemberInput = z.object({
  projectId: z.string(),
  email: z.string().trim().toLowerCase().email('Enter a valid email address'),
  role: ZProjectRole,
});

/** The same answer whether or not the email has an account. */
export interface TAddMemberAnswer {
  email: string;
  role: TProjectRole;
  message: string;
}

/**
 * Adds the user with this email to a project with a role (owners and admins only). Any user can
 * own a project, so the answer must not tell them which emails have accounts: known and unknown
 * emails get the same answer, from the same two queries. Someone already in the project is
 * refused as a duplicate, which tells the owner nothing their member list does not show.
 */
export async function addMember(db: TDb, actor: TSignedInUser, input: z.input<typeof ZAddMemberInput>): Promise<TAddMemberAnswer> {
  const data = parseInput(ZAddMemberInput, input, 'member');
  await getProjectAccess(db, actor, data.projectId, 'manage');
  const [existing] = await db
    .select({ userId: projectMembers.userId })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(and(eq(projectMembers.projectId, data.projectId), eq(users.email, data.email)));
  if (existing) {
    throw new AppError('CONFLICT', `${data.email} is already a member of this project.`, { email: 'Already a member' });
  }
  await db
    .insert(projectMembers)
    .select(
      db
        .select({ projectId: sql`${data.projectId}::uuid`.as('project_id'), userId: users.id, role: sql`${data.role}`.as('role'), createdAt: sql`now()`.as('created_at') })
        .from(users)
        .where(and(eq(users.email, data.email), isNull(users.deletedAt))),
    )
    .onConflictDoNothing();
  return {
    email: data.email,
    role: data.role,
    message: `If ${data.email} has a Lattice account, they are now a member of this project as ${data.role}. People without an account need an administrator to create one.`,
  };
}
