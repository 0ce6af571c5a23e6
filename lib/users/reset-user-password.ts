import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import type { TDb } from '@/db/client';
import { hashPassword } from '@/db/passwords';
import { users } from '@/db/schema';
import { assertAdmin } from '../auth/assert-admin';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { revokeSessions } from '../auth/revoke-sessions';
import { parseInput } from '../validation/parse-input';
import { generatePassword } from './password-rules';

export const ZResetUserPasswordInput = z.object({ userId: z.string().uuid() });

/**
 * An admin gives a user a new generated password, returned once for the admin to pass on.
 * The user must replace it at next sign-in; every sign-in of theirs and its browser tokens end
 * now (personal API tokens stay: use revokeUserAccess for those). Admins change their own
 * password on their profile instead.
 */
export async function resetUserPassword(db: TDb, actor: TSignedInUser, input: z.input<typeof ZResetUserPasswordInput>): Promise<{ password: string }> {
  assertAdmin(actor);
  const { userId } = parseInput(ZResetUserPasswordInput, input, 'password reset');
  if (userId === actor.id) throw new AppError('CONFLICT', 'Change your own password on your profile page.');
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: true })
      .where(and(eq(users.id, userId), isNull(users.deletedAt)))
      .returning({ id: users.id });
    if (!row) throw new AppError('NOT_FOUND', 'User not found.');
    await revokeSessions(tx, userId, { personalTokens: false });
  });
  return { password };
}
