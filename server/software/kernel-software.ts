import { eq } from 'drizzle-orm';
import { AppError } from '../../common/errors';
import { softwareNotReadyMessage, type TKernelSoftware } from '../../common/software';
import type { TDb } from '../../db/client';
import { environments, softwareBuilds } from '../../db/schema';

/**
 * The software a launch on `environment` runs, for its snapshot: null = the platform's default
 * environment. A template whose build is queued, building or failed cannot start a kernel: the
 * refusal says which, in the words the picker shows.
 */
export async function kernelSoftware(db: TDb, environment: Pick<typeof environments.$inferSelect, 'name' | 'softwareBuildId'>): Promise<TKernelSoftware | null> {
  if (!environment.softwareBuildId) return null;
  const [build] = await db.select().from(softwareBuilds).where(eq(softwareBuilds.id, environment.softwareBuildId));
  if (!build) throw new AppError('CONFLICT', `The software of environment “${environment.name}” is missing; save the template again to build it.`);
  const notReady = softwareNotReadyMessage(environment.name, build);
  if (notReady || !build.lockHash) throw new AppError('CONFLICT', notReady ?? `The software of environment “${environment.name}” is not ready.`);
  return { buildId: build.id, lockHash: build.lockHash, base: build.base };
}
