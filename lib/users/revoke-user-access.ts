import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import type { TDb } from '@/db/client';
import { users } from '@/db/schema';
import { assertAdmin } from '../auth/assert-admin';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { revokeSessions } from '../auth/revoke-sessions';
import { parseInput } from '../validation/parse-input';

export const ZRevokeUserAccessInput = z.object({ userId: z.string().uuid() });

/**
 * An admin ends every sign-in of a user and revokes all their tokens, personal API tokens
 * included (a leaked laptop, a departing contractor). The account itself stays usable: its
 * owner signs in again and makes new tokens. Not for oneself (that would sign the admin out).
 */
export async function revokeUserAccess(db: TDb, actor: TSignedInUser, input: z.input<typeof ZRevokeUserAccessInput>): Promise<void> {
  assertAdmin(actor);
  const { userId } = parseInput(ZRevokeUserAccessInput, input, 'revocation');
  if (userId === actor.id) throw new AppError('CONFLICT', 'To end your other sessions, change your password on your profile page.');
  await db.transaction(async (tx) => {
    const [row] = await tx.select({ id: users.id }).from(users).where(and(eq(users.id, userId), isNull(users.deletedAt))).for('update');
    if (!row) throw new AppError('NOT_FOUND', 'User not found.');
    await revokeSessions(tx, userId, { personalTokens: true });
  });
}
