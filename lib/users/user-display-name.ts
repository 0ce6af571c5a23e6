import { sql } from 'drizzle-orm';
import { users } from '@/db/schema';

/**
 * A user's name as history shows it (kernel owners, metering, "last edited by"): deleted users
 * keep their row so records still name someone, marked "(deleted)" so nobody mistakes them for
 * a current member. Use in place of `users.name` in selects.
 */
export const userDisplayName = sql<string>`case when ${users.deletedAt} is null then ${users.name} else ${users.name} || ' (deleted)' end`;
