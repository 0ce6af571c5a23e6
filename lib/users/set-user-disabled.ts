import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import type { TDb } from '@/db/client';
import { users } from '@/db/schema';
import { assertAdmin } from '../auth/assert-admin';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { revokeSessions } from '../auth/revoke-sessions';
import { parseInput } from '../validation/parse-input';
import { lockActiveAdmins } from './lock-active-admins';
import { toUserSummary, type TUserSummary } from './user-summary';

export const ZSetUserDisabledInput = z.object({ userId: z.string().uuid(), disabled: z.boolean() });

/**
 * Disables or re-enables a user (admins only). A disabled user cannot sign in; disabling ends
 * every session and revokes every token, personal ones included, so enabling the account
 * again revives none that may have leaked (its owner signs in and makes new tokens).
 */
export async function setUserDisabled(
  db: TDb,
  actor: TSignedInUser,
  input: z.input<typeof ZSetUserDisabledInput>,
): Promise<TUserSummary> {
  assertAdmin(actor);
  const { userId, disabled } = parseInput(ZSetUserDisabledInput, input, 'status change');
  if (disabled && userId === actor.id) throw new AppError('CONFLICT', 'You cannot disable your own account.');
  return db.transaction(async (tx) => {
    const admins = await lockActiveAdmins(tx);
    if (disabled && admins.length === 1 && admins[0] === userId) {
      throw new AppError('CONFLICT', 'This is the last administrator and cannot be disabled.');
    }
    const [current] = await tx.select().from(users).where(and(eq(users.id, userId), isNull(users.deletedAt)));
    if (!current) throw new AppError('NOT_FOUND', 'User not found.');
    if (disabled) await revokeSessions(tx, userId, { personalTokens: true });
    // Keep the original time when it is disabled twice; clear it when enabling.
    const disabledAt = disabled ? (current.disabledAt ?? new Date()) : null;
    const [row] = await tx.update(users).set({ disabledAt }).where(eq(users.id, userId)).returning();
    return toUserSummary(row!);
  });
}
