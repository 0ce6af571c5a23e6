import { and, desc, eq, isNull } from 'drizzle-orm';
import type { TDb } from '@/db/client';
import { apiTokens } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { toTokenSummary, type TApiTokenSummary } from './token-summary';

/** The caller's own personal tokens that are not revoked (expired ones included), newest first. */
export async function listApiTokens(db: TDb, actor: TSignedInUser): Promise<TApiTokenSummary[]> {
  const rows = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, actor.id), eq(apiTokens.kind, 'personal'), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt));
  return rows.map(toTokenSummary);
}
