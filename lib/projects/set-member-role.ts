import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import { ZProjectRole, type TProjectRole } from '@/common/roles';
import type { TDb } from '@/db/client';
import { projectMembers } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { parseInput } from '../validation/parse-input';
import { getProjectAccess } from './get-project-access';
import { lockProjectOwners } from './lock-project-owners';

export const ZSetMemberRoleInput = z.object({ projectId: z.string(), userId: z.string().uuid(), role: ZProjectRole });

/** Changes a member's role (owners and admins only); the last owner cannot be demoted. */
export async function setMemberRole(
  db: TDb,
  actor: TSignedInUser,
  input: z.input<typeof ZSetMemberRoleInput>,
): Promise<{ userId: string; role: TProjectRole }> {
  const data = parseInput(ZSetMemberRoleInput, input, 'member');
  await getProjectAccess(db, actor, data.projectId, 'manage');
  return db.transaction(async (tx) => {
    const owners = await lockProjectOwners(tx, data.projectId);
    if (data.role !== 'owner' && owners.length === 1 && owners[0] === data.userId) {
      throw new AppError('CONFLICT', 'A project needs at least one owner. Make someone else an owner first.');
    }
    const [row] = await tx
      .update(projectMembers)
      .set({ role: data.role })
      .where(and(eq(projectMembers.projectId, data.projectId), eq(projectMembers.userId, data.userId)))
      .returning();
    if (!row) throw new AppError('NOT_FOUND', 'This user is not a member of the project.');
    return { userId: row.userId, role: row.role };
  });
}
