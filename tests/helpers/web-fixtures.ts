import assert from 'node:assert/strict';
import { AppError } from '../../common/errors';
import type { TDb } from '../../db/client';
import { users } from '../../db/schema';
import type { TSignedInUser } from '../../lib/auth/authorize-credentials';

/** Inserts a user (name taken from the e-mail's local part) and returns it as a signed-in session user. */
export async function insertUser(db: TDb, email: string, role: 'admin' | 'member' = 'member'): Promise<TSignedInUser> {
  const [u] = await db.insert(users).values({ email, name: email.split('@')[0], passwordHash: 'x', role }).returning();
  return { id: u.id, email: u.email, name: u.name, role: u.role };
}

/** The AppError a call throws (fails the test if it does not throw one). */
export async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AppError, `expected an AppError, got ${err}`);
    return err;
  }
  assert.fail('expected a refusal');
}
