import type { TPlatformMaximums } from '@/common/environment-input';
import type { TDb, TDbOrTx } from '@/db/client';
import { platformSettings } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';

/**
 * The admin-set ceilings: for any one environment template, the warm-pool budget and the
 * templates per project. Readable by every signed-in user: project owners' template forms
 * show them as hints, and they are no secret.
 */
export async function getPlatformMaximums(db: TDb, _actor: TSignedInUser): Promise<TPlatformMaximums> {
  return loadPlatformMaximums(db);
}

/** The `platform_settings` row (id 1), created with the schema's defaults on first read. */
export async function loadPlatformMaximums(db: TDbOrTx): Promise<TPlatformMaximums> {
  await db.insert(platformSettings).values({ id: 1 }).onConflictDoNothing({ target: platformSettings.id });
  const [row] = await db.select().from(platformSettings).limit(1);
  return {
    maxCpuM: row.maxCpuM,
    maxMemoryMib: row.maxMemoryMib,
    maxGpus: row.maxGpus,
    maxExecutors: row.maxExecutors,
    poolBudget: row.poolBudget,
    maxEnvironmentsPerProject: row.maxEnvironmentsPerProject,
    kernelStartsOnRun: row.kernelStartsOnRun,
  };
}
