import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import { AppError } from '@/common/errors';
import type { TDb } from '@/db/client';
import { apiTokens, users, webSessions } from '@/db/schema';
import { generateToken } from '@/db/tokens';
import type { TSignedInUser } from './authorize-credentials';

export interface TBrowserToken {
  token: string;
  expiresAt: string;
}

/**
 * Issues the short-lived token a signed-in browser uses to reach the gateway (kind
 * `browser`), tied to the caller's sign-in (`session_id`) so that ending the session revokes
 * it, and deletes that user's expired browser tokens so they don't pile up. Called by
 * `GET /api/gateway-token`; refuses ended sessions, disabled, deleted or unknown users, and
 * users who must still replace their password.
 */
export async function mintBrowserToken(
  db: TDb,
  actor: TSignedInUser & { sessionId: string },
  opts: { ttlS: number },
  now = new Date(),
): Promise<TBrowserToken> {
  const { token, prefix, hash } = generateToken();
  const expiresAt = new Date(now.getTime() + opts.ttlS * 1000);
  await db.transaction(async (tx) => {
    // Shared lock on the session row: revokeSessions updates it first, so a concurrent
    // revocation waits for this token to be committed (and then revokes it) or is seen here.
    const [live] = await tx
      .select({ disabledAt: users.disabledAt, deletedAt: users.deletedAt, mustChangePassword: users.mustChangePassword })
      .from(webSessions)
      .innerJoin(users, eq(users.id, webSessions.userId))
      .where(and(eq(webSessions.id, actor.sessionId), eq(webSessions.userId, actor.id), isNull(webSessions.revokedAt), gt(webSessions.expiresAt, now)))
      .for('share', { of: webSessions });
    if (!live || live.disabledAt || live.deletedAt) throw new AppError('UNAUTHENTICATED', 'Sign in to continue.');
    if (live.mustChangePassword) throw new AppError('PASSWORD_CHANGE_REQUIRED', 'Choose a new password before connecting to kernels.');
    await tx
      .delete(apiTokens)
      .where(and(eq(apiTokens.userId, actor.id), eq(apiTokens.kind, 'browser'), lt(apiTokens.expiresAt, now)));
    await tx
      .insert(apiTokens)
      .values({ userId: actor.id, kind: 'browser', name: 'browser session', tokenHash: hash, prefix, expiresAt, sessionId: actor.sessionId });
  });
  return { token, expiresAt: expiresAt.toISOString() };
}
