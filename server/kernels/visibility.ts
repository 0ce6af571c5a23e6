import { eq } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { projectMembers } from '../../db/schema';
import type { TCaller } from '../auth/caller';

/**
 * Projects whose kernels and environments the caller may see: 'all' for an unscoped
 * admin, the token's project for a scoped token (if the caller may see it), else memberships.
 */
export async function visibleProjectIds(db: TDb, caller: TCaller): Promise<readonly string[] | 'all'> {
  if (caller.tokenProjectId && caller.userRole === 'admin') return [caller.tokenProjectId];
  if (caller.userRole === 'admin') return 'all';
  const rows = await db.select({ projectId: projectMembers.projectId }).from(projectMembers).where(eq(projectMembers.userId, caller.userId));
  const ids = rows.map((r) => r.projectId);
  return caller.tokenProjectId ? ids.filter((id) => id === caller.tokenProjectId) : ids;
}
