import { and, eq, isNull } from 'drizzle-orm';
import type { TDb } from '@/db/client';
import { users } from '@/db/schema';

type TTx = Parameters<Parameters<TDb['transaction']>[0]>[0];

/**
 * Ids of the enabled admins, row-locked until the transaction ends, so two admins demoting
 * or disabling each other at once cannot leave the platform without one.
 */
export async function lockActiveAdmins(tx: TTx): Promise<string[]> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), isNull(users.disabledAt)))
    .for('update');
  return rows.map((r) => r.id);
}
