import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import type { TDb } from '@/db/client';
import { projectMembers, projects, users } from '@/db/schema';
import { assertAdmin } from '../auth/assert-admin';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { revokeSessions } from '../auth/revoke-sessions';
import { lockProjectOwners } from '../projects/lock-project-owners';
import { parseInput } from '../validation/parse-input';
import { lockActiveAdmins } from './lock-active-admins';

export const ZDeleteUserInput = z.object({ userId: z.string().uuid() });

/** Stored instead of a password hash: no Argon2 string, so no password ever verifies. */
const NO_PASSWORD = '!deleted';

/**
 * Deletes a user (admins only; not oneself, not the last admin), in one transaction: every
 * session and token is revoked; the row is kept (kernels, metering and notebooks still point
 * at it, shown as "name (deleted)") with `deleted_at`, `disabled_at`, an email that is no
 * address (so the real one can be given to a new account) and no usable password; their
 * memberships go. Projects they alone owned get the acting admin as owner. Their personal
 * project is not handed over: it stays tied to the account (`personal_owner_id`), with no
 * member left, so only admins still reach it.
 * The gateway stops the kernels of deleted users.
 */
export async function deleteUser(db: TDb, actor: TSignedInUser, input: z.input<typeof ZDeleteUserInput>): Promise<{ handedOver: string[] }> {
  assertAdmin(actor);
  const { userId } = parseInput(ZDeleteUserInput, input, 'user deletion');
  if (userId === actor.id) throw new AppError('CONFLICT', 'You cannot delete your own account.');
  return db.transaction(async (tx) => {
    const admins = await lockActiveAdmins(tx);
    if (admins.length === 1 && admins[0] === userId) throw new AppError('CONFLICT', 'This is the last administrator and cannot be deleted.');
    const [target] = await tx.select().from(users).where(and(eq(users.id, userId), isNull(users.deletedAt))).for('update');
    if (!target) throw new AppError('NOT_FOUND', 'User not found.');

    await revokeSessions(tx, userId, { personalTokens: true });
    const owned = await tx
      .select({ projectId: projectMembers.projectId })
      .from(projectMembers)
      .innerJoin(projects, eq(projects.id, projectMembers.projectId))
      .where(and(eq(projectMembers.userId, userId), eq(projectMembers.role, 'owner'), sql`${projects.personalOwnerId} is distinct from ${userId}`));
    const handedOver: string[] = [];
    for (const { projectId } of owned) {
      const owners = await lockProjectOwners(tx, projectId);
      if (owners.some((id) => id !== userId)) continue;
      await tx
        .insert(projectMembers)
        .values({ projectId, userId: actor.id, role: 'owner' })
        .onConflictDoUpdate({ target: [projectMembers.projectId, projectMembers.userId], set: { role: 'owner' } });
      handedOver.push(projectId);
    }
    await tx.delete(projectMembers).where(eq(projectMembers.userId, userId));
    await tx
      .update(users)
      .set({
        deletedAt: new Date(),
        disabledAt: target.disabledAt ?? new Date(),
        email: `deleted-${userId}@deleted.invalid`,
        passwordHash: NO_PASSWORD,
        mustChangePassword: false,
      })
      .where(eq(users.id, userId));
    return { handedOver };
  });
}
