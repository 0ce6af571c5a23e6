import { and, eq, lt, or } from 'drizzle-orm';
import type { TDb } from '@/db/client';
import { apiTokens, loginFailures, webSessions } from '@/db/schema';

/** A day without failures forgets a key's count; its longest wait is 5 minutes. */
const FAILURE_MEMORY_MS = 24 * 60 * 60 * 1000;
const PURGE_EVERY_MS = 60 * 1000;

/**
 * Deletes what nothing else ever deletes: failure counts for keys (addresses, and accounts that
 * may not exist) with no failure for a day, and browser gateway tokens past their expiry, of
 * every user (minting only sweeps the minting user's own), and sign-in sessions that expired or
 * were revoked a day ago (one row per sign-in; their browser tokens go with them). Returns how
 * many rows went.
 */
export async function purgeStaleSignInRows(db: TDb, now = new Date()): Promise<{ failures: number; browserTokens: number; sessions: number }> {
  const failures = await db
    .delete(loginFailures)
    .where(lt(loginFailures.lastFailureAt, new Date(now.getTime() - FAILURE_MEMORY_MS)))
    .returning({ key: loginFailures.address });
  const browserTokens = await db
    .delete(apiTokens)
    .where(and(eq(apiTokens.kind, 'browser'), lt(apiTokens.expiresAt, now)))
    .returning({ id: apiTokens.id });
  const sessions = await db
    .delete(webSessions)
    .where(or(lt(webSessions.expiresAt, now), lt(webSessions.revokedAt, new Date(now.getTime() - FAILURE_MEMORY_MS))))
    .returning({ id: webSessions.id });
  return { failures: failures.length, browserTokens: browserTokens.length, sessions: sessions.length };
}

let nextPurgeAt = 0;

/**
 * Called on every sign-in attempt; purges at most once a minute per web process, so a flood of
 * attempts costs no more than one sweep a minute.
 */
export async function purgeStaleSignInRowsWhenDue(db: TDb, now = new Date()): Promise<void> {
  if (now.getTime() < nextPurgeAt) return;
  nextPurgeAt = now.getTime() + PURGE_EVERY_MS;
  await purgeStaleSignInRows(db, now);
}
