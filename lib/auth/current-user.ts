import { and, eq, gt, isNull } from 'drizzle-orm';
import { getServerSession } from 'next-auth';
import { AppError } from '@/common/errors';
import { users, webSessions } from '@/db/schema';
import { getDb } from '../db';
import { authOptions } from './auth-options';
import type { TSignedInUser } from './authorize-credentials';

/** The signed-in user with the sign-in it came through. */
export interface TSessionUser extends TSignedInUser {
  /** The `web_sessions` row of this sign-in. */
  sessionId: string;
  /** An admin-set, generated or reset password must be replaced before anything else. */
  mustChangePassword: boolean;
}

/**
 * The signed-in user, re-read from the database on every request together with the sign-in's
 * session row, so that signing out, a password change, disabling or deleting a user, or
 * changing their role takes effect at once (the JWT alone would outlive it). Cookies from
 * before session rows (no `sid`) count as signed out.
 */
export async function getCurrentUser(): Promise<TSessionUser | null> {
  const session = await getServerSession(authOptions());
  const { id, sid } = (session?.user ?? {}) as { id?: string; sid?: string };
  if (!id || !sid) return null;
  const [row] = await getDb()
    .select({ user: users })
    .from(webSessions)
    .innerJoin(users, eq(users.id, webSessions.userId))
    .where(and(eq(webSessions.id, sid), eq(webSessions.userId, id), isNull(webSessions.revokedAt), gt(webSessions.expiresAt, new Date())));
  const user = row?.user;
  if (!user || user.disabledAt || user.deletedAt) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, sessionId: sid, mustChangePassword: user.mustChangePassword };
}

/**
 * The signed-in user, even one who must still choose a new password: only for what that
 * person may do first (read who they are, change the password).
 */
export async function requireSessionUser(): Promise<TSessionUser> {
  const user = await getCurrentUser();
  if (!user) throw new AppError('UNAUTHENTICATED', 'Sign in to continue.');
  return user;
}

export async function requireUser(): Promise<TSessionUser> {
  const user = await requireSessionUser();
  if (user.mustChangePassword) {
    throw new AppError('PASSWORD_CHANGE_REQUIRED', 'Choose a new password first: open /choose-password, or POST /api/me/password.');
  }
  return user;
}

export async function requireAdmin(): Promise<TSessionUser> {
  const user = await requireUser();
  if (user.role !== 'admin') throw new AppError('FORBIDDEN', 'Only administrators can do this.');
  return user;
}
