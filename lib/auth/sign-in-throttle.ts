import { eq, sql } from 'drizzle-orm';
import type { TDb } from '@/db/client';
import { loginFailures } from '@/db/schema';

/** Free attempts before waiting kicks in; the wait then doubles per failure, up to 5 minutes. */
const FREE_ATTEMPTS = 5;
const MAX_WAIT_S = 300;

export function waitSecondsAfter(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(2 ** (failures - FREE_ATTEMPTS + 1), MAX_WAIT_S);
}

/** Seconds the address must still wait before its next sign-in attempt (0 = go ahead). */
export async function secondsUntilAllowed(db: TDb, address: string, now = new Date()): Promise<number> {
  const [row] = await db.select().from(loginFailures).where(eq(loginFailures.address, address));
  if (!row) return 0;
  const readyAt = row.lastFailureAt.getTime() + waitSecondsAfter(row.failures) * 1000;
  return Math.max(0, Math.ceil((readyAt - now.getTime()) / 1000));
}

/**
 * Per account there is no waiting period an attacker could use to lock its owner out: every
 * attempt on an account with recent failures is held this long before its password is checked
 * (right or wrong, so the delay says nothing), doubling per failure from the fourth, up to 4 s.
 * Guessing pays it on every try; the owner pays it once and signs in.
 */
const ACCOUNT_FREE_ATTEMPTS = 3;
const ACCOUNT_MAX_DELAY_MS = 4000;

export function accountDelayMsAfter(failures: number): number {
  if (failures < ACCOUNT_FREE_ATTEMPTS) return 0;
  return Math.min(250 * 2 ** (failures - ACCOUNT_FREE_ATTEMPTS), ACCOUNT_MAX_DELAY_MS);
}

/** Failures counted under a key since its last success (0 when none). */
export async function failuresOf(db: TDb, key: string): Promise<number> {
  const [row] = await db.select({ failures: loginFailures.failures }).from(loginFailures).where(eq(loginFailures.address, key));
  return row?.failures ?? 0;
}

export async function recordFailure(db: TDb, address: string): Promise<void> {
  await db
    .insert(loginFailures)
    .values({ address, failures: 1 })
    .onConflictDoUpdate({
      target: loginFailures.address,
      set: { failures: sql`${loginFailures.failures} + 1`, lastFailureAt: sql`now()` },
    });
}

export async function clearFailures(db: TDb, address: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.address, address));
}
