import { sql } from 'drizzle-orm';
import type { TDb } from '../../db/client';

/**
 * The OS uid a user's local kernels run as: allocated on the user's first launch (the next
 * free one after `uidMin`, which the warm pool keeps; `uidMax` and `uidMax - 1` are reserved too) and then kept in `users.sandbox_uid`,
 * so the user's homes stay theirs across kernels, restarts and gateways.
 */
export function sandboxUidAllocator(db: TDb, uidMin: number, uidMax: number): (userId: string) => Promise<number> {
  // A user's uid never changes once given (allocation only grows), so a launch after the
  // first asks no one: this update was a row lock and a write on every cold start.
  const known = new Map<string, number>();
  return async (userId) => {
    const cached = known.get(userId);
    if (cached !== undefined) return cached;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const rows = await db.execute<{ sandbox_uid: number | null }>(sql`
          update users set sandbox_uid = coalesce(sandbox_uid, (select greatest(coalesce(max(sandbox_uid), 0), ${uidMin}) + 1 from users))
          where id = ${userId} returning sandbox_uid`);
        const uid = rows.rows[0]?.sandbox_uid;
        if (uid == null) throw new Error(`no user ${userId} to give a sandbox uid`);
        // uidMax is the group of the kernels' network helper and uidMax - 1 software builds' uid, never a user's.
        if (uid >= uidMax - 1) throw new Error(`the kernel uid range ${uidMin}-${uidMax} is used up; raise LATTICE_SANDBOX_UID_MAX`);
        known.set(userId, uid);
        return uid;
      } catch (err) {
        // Two first launches of different users at once may pick the same uid: the unique index refuses one, which retries.
        if ((err as { code?: string }).code !== '23505') throw err;
      }
    }
    throw new Error('could not allocate a kernel uid (concurrent allocations kept colliding)');
  };
}
