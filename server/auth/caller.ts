import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { AppError } from '../../common/errors';
import type { TUserRole } from '../../common/roles';
import type { TDb } from '../../db/client';
import { apiTokens, users } from '../../db/schema';
import { hashToken } from '../../db/tokens';

/** Who is calling, as established from a token. Identity never comes from request content. */
export interface TCaller {
  userId: string;
  email: string;
  userRole: TUserRole;
  /** Set when the token is scoped to one project: the only project it may act in. */
  tokenProjectId: string | null;
}

/**
 * The token from `Authorization: token <t>` / `Bearer <t>`, else `?token=` (what Jupyter
 * clients put on websocket URLs). Null when there is none.
 */
export function extractToken(authorization: string | undefined, url: string | undefined): string | null {
  const m = authorization?.match(/^(?:token|bearer)\s+(\S+)\s*$/i);
  if (m) return m[1];
  if (!url) return null;
  const query = new URL(url, 'http://gateway.invalid').searchParams.get('token');
  return query || null;
}

/** `api_tokens.last_used_at` is written at most this often per token (it is shown to people, not audited). */
const LAST_USED_RESOLUTION_MS = 60_000;

const refuse = () => new AppError('UNAUTHENTICATED', 'Sign in again: this request has no valid token (missing, expired or revoked).');

/** Resolves a token to its caller; any unusable token is the same 401 so nothing leaks. */
export async function authenticate(db: TDb, token: string | null): Promise<TCaller> {
  if (!token) throw refuse();
  const [row] = await db
    .select({
      tokenId: apiTokens.id,
      lastUsedAt: apiTokens.lastUsedAt,
      userId: users.id,
      email: users.email,
      role: users.role,
      disabledAt: users.disabledAt,
      tokenProjectId: apiTokens.projectId,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, hashToken(token)));
  if (!row || row.revokedAt || row.disabledAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) throw refuse();
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    const stale = new Date(Date.now() - LAST_USED_RESOLUTION_MS);
    // Not awaited: a request never waits for (or fails because of) this bookkeeping.
    void db
      .update(apiTokens)
      .set({ lastUsedAt: new Date() })
      .where(and(eq(apiTokens.id, row.tokenId), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, stale))))
      .catch(() => undefined);
  }
  return { userId: row.userId, email: row.email, userRole: row.role, tokenProjectId: row.tokenProjectId };
}
