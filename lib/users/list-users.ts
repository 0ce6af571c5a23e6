import { and, ilike, isNull, or } from 'drizzle-orm';
import type { z } from 'zod';
import type { TDb } from '@/db/client';
import { users } from '@/db/schema';
import { assertAdmin } from '../auth/assert-admin';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { containsPattern, keysetPage, toListPage } from '../paging/keyset-page';
import { ZListQuery, type TListPage } from '../paging/list-query';
import { parseInput } from '../validation/parse-input';
import { toUserSummary, type TUserSummary } from './user-summary';

/**
 * One page of users (`GET /api/users`, `/admin/users`): search by name or email
 * (case-insensitive substring), sorted by name or creation. Deleted users are left out: their
 * history stays, but there is nothing left to manage. Admins only.
 */
export async function listUsers(db: TDb, actor: TSignedInUser, input: z.input<typeof ZListQuery> = {}): Promise<TListPage<TUserSummary>> {
  assertAdmin(actor);
  const query = parseInput(ZListQuery, input, 'list query');
  const page = keysetPage({ name: users.name, created: users.createdAt, id: users.id }, query);
  const pattern = query.q ? containsPattern(query.q) : null;
  const rows = await db
    .select({ user: users, sortKey: page.sortKey, id: users.id })
    .from(users)
    .where(and(isNull(users.deletedAt), pattern ? or(ilike(users.name, pattern), ilike(users.email, pattern)) : undefined, page.after))
    .orderBy(...page.orderBy)
    .limit(page.limit);
  return toListPage(rows, query, (r) => toUserSummary(r.user));
}
