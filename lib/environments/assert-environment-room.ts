import { and, count, eq, isNull } from 'drizzle-orm';
import { AppError } from '@/common/errors';
import type { TDbOrTx } from '@/db/client';
import { environments, projects } from '@/db/schema';
import { loadPlatformMaximums } from '../platform/get-platform-maximums';

/**
 * Refuses one more active template in a project at the platform's cap (an admin setting).
 * Call inside the transaction that adds it: the project row is locked, so two concurrent
 * creates cannot both take the last place.
 */
export async function assertEnvironmentRoom(tx: TDbOrTx, projectId: string): Promise<void> {
  await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).for('update');
  const { maxEnvironmentsPerProject: cap } = await loadPlatformMaximums(tx);
  const [{ n }] = await tx
    .select({ n: count() })
    .from(environments)
    .where(and(eq(environments.projectId, projectId), isNull(environments.archivedAt)));
  if (n >= cap) {
    throw new AppError(
      'QUOTA_EXCEEDED',
      `This project already has ${n} environments, the platform maximum of ${cap} per project; archive one, or ask an administrator to raise the cap.`,
    );
  }
}
