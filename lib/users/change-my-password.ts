import { setTimeout as sleep } from 'node:timers/promises';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import type { TDb } from '@/db/client';
import { hashPassword, verifyPassword } from '@/db/passwords';
import { users } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { revokeSessions } from '../auth/revoke-sessions';
import { accountDelayMsAfter, clearFailures, failuresOf, recordFailure } from '../auth/sign-in-throttle';
import { parseInput } from '../validation/parse-input';
import { ZNewPassword } from './password-rules';

export const ZChangeMyPasswordInput = z.object({
  currentPassword: z.string().min(1, 'Enter your current password').max(1024),
  newPassword: ZNewPassword,
});

/**
 * The signed-in user replaces their password, proving the current one. Every other sign-in
 * of theirs ends with its browser tokens (a thief's cookie dies); this one stays, and so do
 * their personal API tokens. Clears a pending forced change.
 * Wrong current passwords count against the account like failed sign-ins and are slowed the
 * same way (sign-in-throttle.ts), so a stolen session cannot guess the password quickly.
 */
export async function changeMyPassword(
  db: TDb,
  actor: TSignedInUser & { sessionId: string },
  input: z.input<typeof ZChangeMyPasswordInput>,
): Promise<void> {
  const data = parseInput(ZChangeMyPasswordInput, input, 'password change');
  const accountKey = `account:${actor.email}`;
  await sleep(accountDelayMsAfter(await failuresOf(db, accountKey)));
  const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.id));
  if (!user) throw new AppError('UNAUTHENTICATED', 'Sign in to continue.');
  if (!(await verifyPassword(user.passwordHash, data.currentPassword))) {
    await recordFailure(db, accountKey);
    throw new AppError('BAD_REQUEST', 'Your current password is not right.', { currentPassword: 'This is not your current password' });
  }
  if (data.newPassword === data.currentPassword) {
    throw new AppError('BAD_REQUEST', 'Choose a new password that differs from the current one.', { newPassword: 'Same as the current password' });
  }
  await clearFailures(db, accountKey);
  const passwordHash = await hashPassword(data.newPassword);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, mustChangePassword: false }).where(eq(users.id, actor.id));
    await revokeSessions(tx, actor.id, { allSessionsExcept: actor.sessionId, personalTokens: false });
  });
}
