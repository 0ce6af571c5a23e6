import type { TDb } from '@/db/client';
import { webSessions } from '@/db/schema';

/**
 * How long a sign-in lasts: the JWT's maxAge and its session row's expiry are this one value.
 * next-auth renews the cookie while it is used, but the row does not move: a sign-in ends this
 * long after it began, active or not.
 */
export const WEB_SESSION_MAX_AGE_S = 12 * 60 * 60;

/**
 * Records a browser sign-in and returns its id, which next-auth's jwt callback puts in the
 * cookie as `sid`; `getCurrentUser` accepts the cookie only while this row is live.
 */
export async function startWebSession(db: TDb, userId: string, now = new Date()): Promise<string> {
  const [row] = await db
    .insert(webSessions)
    .values({ userId, expiresAt: new Date(now.getTime() + WEB_SESSION_MAX_AGE_S * 1000) })
    .returning({ id: webSessions.id });
  return row!.id;
}
