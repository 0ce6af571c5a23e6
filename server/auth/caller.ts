import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { AppError } from '../../common/errors';
import type { TUserRole } from '../../common/roles';
import type { TDb } from '../../db/client';
import { apiTokens, users, webSessions } from '../../db/schema';
import { hashToken } from '../../db/tokens';
import { tokenRefusal } from './token-refusal';

/** Who is calling, as established from a token. Identity never comes from request content. */
export interface TCaller {
  /** The token's row: open websockets are re-checked by it (revocation-sweep.ts). */
  tokenId: string;
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
      userDisabledAt: users.disabledAt,
      userDeletedAt: users.deletedAt,
      tokenProjectId: apiTokens.projectId,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
      sessionId: apiTokens.sessionId,
      sessionFoundId: webSessions.id,
      sessionRevokedAt: webSessions.revokedAt,
      sessionExpiresAt: webSessions.expiresAt,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .leftJoin(webSessions, eq(webSessions.id, apiTokens.sessionId))
    .where(eq(apiTokens.tokenHash, hashToken(token)));
  if (!row || tokenRefusal({ ...row, sessionFound: row.sessionFoundId !== null })) throw refuse();
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    const stale = new Date(Date.now() - LAST_USED_RESOLUTION_MS);
    // Not awaited: a request never waits for (or fails because of) this bookkeeping.
    void db
      .update(apiTokens)
      .set({ lastUsedAt: new Date() })
      .where(and(eq(apiTokens.id, row.tokenId), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, stale))))
      .catch(() => undefined);
  }
  return { tokenId: row.tokenId, userId: row.userId, email: row.email, userRole: row.role, tokenProjectId: row.tokenProjectId };
}
