import { eq } from 'drizzle-orm';
import { DEFAULT_ENVIRONMENT_SLUG } from '@/common/environment';
import { AppError } from '@/common/errors';
import type { TDb } from '@/db/client';
import { environments } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import type { TEnvironmentSummary } from './environment-summary';
import { summarizeEnvironment } from './summarize-environments';
import { getManagedEnvironment } from './get-managed-environment';

/**
 * Hides a template from pickers and from the gateway's kernelspecs; running kernels and
 * past usage keep their snapshot, and notebooks that name it keep the reference.
 * The platform default cannot be archived.
 */
export async function archiveEnvironment(db: TDb, actor: TSignedInUser, input: { id: string; projectId?: string | null }): Promise<TEnvironmentSummary> {
  const current = await getManagedEnvironment(db, actor, input.id, input.projectId);
  if (current.projectId === null && current.slug === DEFAULT_ENVIRONMENT_SLUG) {
    throw new AppError('BAD_REQUEST', 'The default environment cannot be archived; edit it instead.');
  }
  if (current.archivedAt) return summarizeEnvironment(db, current);
  const [row] = await db.update(environments).set({ archivedAt: new Date() }).where(eq(environments.id, current.id)).returning();
  return summarizeEnvironment(db, row);
}
