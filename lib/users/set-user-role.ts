import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import { ZUserRole } from '@/common/roles';
import type { TDb } from '@/db/client';
import { users } from '@/db/schema';
import { assertAdmin } from '../auth/assert-admin';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { parseInput } from '../validation/parse-input';
import { lockActiveAdmins } from './lock-active-admins';
import { toUserSummary, type TUserSummary } from './user-summary';

export const ZSetUserRoleInput = z.object({ userId: z.string().uuid(), role: ZUserRole });

/** Makes a user an admin or a member (admins only). The last enabled admin stays an admin. */
export async function setUserRole(
  db: TDb,
  actor: TSignedInUser,
  input: z.input<typeof ZSetUserRoleInput>,
): Promise<TUserSummary> {
  assertAdmin(actor);
  const { userId, role } = parseInput(ZSetUserRoleInput, input, 'role change');
  return db.transaction(async (tx) => {
    const admins = await lockActiveAdmins(tx);
    if (role === 'member' && admins.length === 1 && admins[0] === userId) {
      throw new AppError('CONFLICT', 'This is the last administrator. Make another user an admin first.');
    }
    const [row] = await tx.update(users).set({ role }).where(and(eq(users.id, userId), isNull(users.deletedAt))).returning();
    if (!row) throw new AppError('NOT_FOUND', 'User not found.');
    return toUserSummary(row);
  });
}
