/** What decides whether a token still signs its holder in (read from `api_tokens`, `users`, `web_sessions`). */
export interface TTokenStanding {
  revokedAt: Date | null;
  expiresAt: Date | null;
  userDisabledAt: Date | null;
  userDeletedAt: Date | null;
  /** The browser sign-in the token belongs to (null for personal tokens). */
  sessionId: string | null;
  /** False when the token names a sign-in whose row is gone. */
  sessionFound: boolean;
  sessionRevokedAt: Date | null;
  sessionExpiresAt: Date | null;
}

/** Why a token no longer signs anyone in, as a person would be told on an open connection. */
export type TTokenRefusal = 'revoked' | 'expired' | 'user-disabled' | 'user-deleted' | 'session-ended';

export const TOKEN_REFUSAL_MESSAGES: Record<TTokenRefusal, string> = {
  revoked: 'Signed out: this token was revoked.',
  expired: 'Signed out: this token expired.',
  'user-disabled': 'Signed out: your account was disabled.',
  'user-deleted': 'Signed out: your account was deleted.',
  'session-ended': 'Signed out: your sign-in session ended.',
};

/**
 * The one rule for "may this token still be used?", shared by `authenticate` (each request
 * and upgrade) and the revocation sweep (open websockets), so the two never disagree.
 * A browser token also dies with its sign-in (signing out ends the session row).
 */
export function tokenRefusal(t: TTokenStanding, now = Date.now()): TTokenRefusal | null {
  if (t.userDeletedAt) return 'user-deleted';
  if (t.userDisabledAt) return 'user-disabled';
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && t.expiresAt.getTime() <= now) return 'expired';
  if (t.sessionId && (!t.sessionFound || t.sessionRevokedAt || (t.sessionExpiresAt && t.sessionExpiresAt.getTime() <= now))) return 'session-ended';
  return null;
}
