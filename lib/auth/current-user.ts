import { eq } from 'drizzle-orm';
import { getServerSession } from 'next-auth';
import { AppError } from '@/common/errors';
import { users } from '@/db/schema';
import { getDb } from '../db';
import { authOptions } from './auth-options';
import type { TSignedInUser } from './authorize-credentials';

/**
 * The signed-in user, re-read from the database on every request so that disabling a user
 * or changing their role takes effect at once (the JWT alone would outlive it).
 */
export async function getCurrentUser(): Promise<TSignedInUser | null> {
  const session = await getServerSession(authOptions());
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  const [user] = await getDb().select().from(users).where(eq(users.id, id));
  if (!user || user.disabledAt) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

export async function requireUser(): Promise<TSignedInUser> {
  const user = await getCurrentUser();
  if (!user) throw new AppError('UNAUTHENTICATED', 'Sign in to continue.');
  return user;
}

export async function requireAdmin(): Promise<TSignedInUser> {
  const user = await requireUser();
  if (user.role !== 'admin') throw new AppError('FORBIDDEN', 'Only administrators can do this.');
  return user;
}
