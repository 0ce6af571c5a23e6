import { eq } from 'drizzle-orm';
import { toPlatformMaximums, ZPlatformMaximumsInput, type TPlatformMaximums, type TPlatformMaximumsInput } from '@/common/environment-input';
import type { TDb } from '@/db/client';
import { platformSettings } from '@/db/schema';
import { assertAdmin } from '../auth/assert-admin';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { parseInput } from '../validation/parse-input';
import { loadPlatformMaximums } from './get-platform-maximums';

/**
 * Sets the ceilings for any one template, the warm-pool budget and the templates per project
 * (admins only; vCPU, GiB, counts; the last two stay as they are when absent). Existing
 * templates above a new maximum keep working; they must fit again the next time they are
 * edited. A lower pool budget retires surplus pool kernels at the gateway's next refresh.
 */
export async function updatePlatformMaximums(db: TDb, actor: TSignedInUser, input: TPlatformMaximumsInput): Promise<TPlatformMaximums> {
  assertAdmin(actor);
  const changes = toPlatformMaximums(parseInput(ZPlatformMaximumsInput, input, 'platform maximums'));
  const values = { ...(await loadPlatformMaximums(db)), ...changes };
  await db.update(platformSettings).set({ ...values, updatedAt: new Date() }).where(eq(platformSettings.id, 1));
  return values;
}
