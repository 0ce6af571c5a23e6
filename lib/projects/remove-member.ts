import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import type { TDb } from '@/db/client';
import { projectMembers } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { parseInput } from '../validation/parse-input';
import { getProjectAccess } from './get-project-access';
import { lockProjectOwners } from './lock-project-owners';

export const ZRemoveMemberInput = z.object({ projectId: z.string(), userId: z.string().uuid() });

/** Removes a member (owners and admins only); the last owner cannot be removed. */
export async function removeMember(db: TDb, actor: TSignedInUser, input: z.input<typeof ZRemoveMemberInput>): Promise<void> {
  const data = parseInput(ZRemoveMemberInput, input, 'member');
  await getProjectAccess(db, actor, data.projectId, 'manage');
  await db.transaction(async (tx) => {
    const owners = await lockProjectOwners(tx, data.projectId);
    if (owners.length === 1 && owners[0] === data.userId) {
      throw new AppError('CONFLICT', 'A project needs at least one owner. Make someone else an owner first.');
    }
    const removed = await tx
      .delete(projectMembers)
      .where(and(eq(projectMembers.projectId, data.projectId), eq(projectMembers.userId, data.userId)))
      .returning({ userId: projectMembers.userId });
    if (!removed.length) throw new AppError('NOT_FOUND', 'This user is not a member of the project.');
  });
}
