import { and, eq, isNull, ne, or, sql } from 'drizzle-orm';
import type { TDbOrTx } from '@/db/client';
import { apiTokens, webSessions } from '@/db/schema';

/**
 * What to end: one sign-in (sign-out), or every sign-in of the user but the caller's own
 * (password change), or all of them (disable, reset, admin revoke, delete).
 * `personalTokens` also revokes the user's personal API tokens; browser tokens always die with
 * the sessions they were minted for.
 */
export type TRevokeScope =
  | { session: string }
  | { allSessionsExcept?: string; personalTokens: boolean };

/**
 * The one place sessions and tokens are revoked. Session rows and tokens change in one
 * transaction, so no browser token outlives its session. The session rows are updated first:
 * `mintBrowserToken` locks its session row, so a token minted concurrently either sees the
 * revocation or is committed before the token update here reads the table.
 * Revoked rows keep their first `revoked_at`. The gateway refuses tokens with `revoked_at` on
 * every request and closes their live websockets.
 */
export async function revokeSessions(db: TDbOrTx, userId: string, scope: TRevokeScope, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const live = and(eq(webSessions.userId, userId), isNull(webSessions.revokedAt));
    const liveToken = and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt));
    if ('session' in scope) {
      await tx.update(webSessions).set({ revokedAt: now }).where(and(live, eq(webSessions.id, scope.session)));
      await tx.update(apiTokens).set({ revokedAt: now }).where(and(liveToken, eq(apiTokens.sessionId, scope.session)));
      return;
    }
    const keep = scope.allSessionsExcept;
    await tx.update(webSessions).set({ revokedAt: now }).where(keep ? and(live, ne(webSessions.id, keep)) : live);
    // Browser tokens minted before sessions were recorded have no session: they go too.
    const browser = and(eq(apiTokens.kind, 'browser'), keep ? or(isNull(apiTokens.sessionId), ne(apiTokens.sessionId, keep)) : sql`true`);
    await tx
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(and(liveToken, scope.personalTokens ? or(browser, eq(apiTokens.kind, 'personal')) : browser));
  });
}
