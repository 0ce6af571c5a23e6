import { eq } from 'drizzle-orm';
import { validateEnvironment, type TEnvironmentInput } from '@/common/environment-input';
import type { TDb } from '@/db/client';
import { environments } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { loadPlatformMaximums } from '../platform/get-platform-maximums';
import { requestSoftwareBuild } from '../software/request-software-build';
import { assertBaseKernel } from './assert-base-kernel';
import type { TEnvironmentSummary } from './environment-summary';
import { summarizeEnvironment } from './summarize-environments';
import { getManagedEnvironment } from './get-managed-environment';

/**
 * Replaces a template's settings (the whole form). Kernels already running keep the
 * snapshot they were launched with — this never touches `kernels`; the next launch uses
 * the new values. The slug (kernelspec name) and the project stay as they are; a project
 * template is held to the same rules as when created (no kernel command, image or pool).
 */
export async function updateEnvironment(
  db: TDb,
  actor: TSignedInUser,
  input: TEnvironmentInput & { id: string; projectId?: string | null },
): Promise<TEnvironmentSummary> {
  const current = await getManagedEnvironment(db, actor, input.id, input.projectId);
  const values = validateEnvironment(input, await loadPlatformMaximums(db), current.projectId ? 'project' : 'global');
  await assertBaseKernel(db, values.baseEnvironmentId);
  // Changed software is a new build; the kernels running keep theirs (their snapshot names it).
  const row = await db.transaction(async (tx) => {
    const softwareBuildId = await requestSoftwareBuild(tx, values, values);
    const [updated] = await tx
      .update(environments)
      .set({ ...values, softwareBuildId, updatedAt: new Date() })
      .where(eq(environments.id, current.id))
      .returning();
    return updated;
  });
  return summarizeEnvironment(db, row);
}
