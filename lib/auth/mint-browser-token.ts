import { and, eq, lt } from 'drizzle-orm';
import { AppError } from '@/common/errors';
import type { TDb } from '@/db/client';
import { apiTokens, users } from '@/db/schema';
import { generateToken } from '@/db/tokens';
import type { TSignedInUser } from './authorize-credentials';

export interface TBrowserToken {
  token: string;
  expiresAt: string;
}

/**
 * Issues the short-lived token a signed-in browser uses to reach the gateway (kind
 * `browser`), and deletes that user's expired browser tokens so they don't pile up.
 * Called by `GET /api/gateway-token`; refuses disabled or unknown users.
 */
export async function mintBrowserToken(
  db: TDb,
  actor: TSignedInUser,
  opts: { ttlS: number },
  now = new Date(),
): Promise<TBrowserToken> {
  const [user] = await db.select({ disabledAt: users.disabledAt }).from(users).where(eq(users.id, actor.id));
  if (!user || user.disabledAt) throw new AppError('UNAUTHENTICATED', 'Sign in to continue.');
  const { token, prefix, hash } = generateToken();
  const expiresAt = new Date(now.getTime() + opts.ttlS * 1000);
  await db.transaction(async (tx) => {
    await tx
      .delete(apiTokens)
      .where(and(eq(apiTokens.userId, actor.id), eq(apiTokens.kind, 'browser'), lt(apiTokens.expiresAt, now)));
    await tx.insert(apiTokens).values({ userId: actor.id, kind: 'browser', name: 'browser session', tokenHash: hash, prefix, expiresAt });
  });
  return { token, expiresAt: expiresAt.toISOString() };
}
