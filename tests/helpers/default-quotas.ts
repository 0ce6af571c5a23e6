import type { TDb } from '../../db/client';
import { writeQuota } from '../../db/quotas';

/**
 * Makes users and projects without limits of their own unlimited again, as an admin does by
 * choosing "Make unlimited" for both defaults on the quotas page. For tests whose subject is
 * more kernels than the finite defaults of migration 0008 allow (4 per user, 8 per project),
 * including personal projects that the first launch creates.
 */
export async function clearDefaultQuotas(db: TDb): Promise<void> {
  await writeQuota(db, { scope: 'default_user', userId: null, projectId: null }, null);
  await writeQuota(db, { scope: 'default_project', userId: null, projectId: null }, null);
}
