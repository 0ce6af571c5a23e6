import { asc, isNull } from 'drizzle-orm';
import type { TDb } from '@/db/client';
import { users } from '@/db/schema';
import { assertAdmin } from '../auth/assert-admin';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { toUserSummary, type TUserSummary } from './user-summary';

/** Every user but deleted ones, by email. Admins only. */
export async function listUsers(db: TDb, actor: TSignedInUser): Promise<TUserSummary[]> {
  assertAdmin(actor);
  const rows = await db.select().from(users).where(isNull(users.deletedAt)).orderBy(asc(users.email));
  return rows.map(toUserSummary);
}
