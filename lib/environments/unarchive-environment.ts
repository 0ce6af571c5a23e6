import { eq } from 'drizzle-orm';
import type { TDb } from '@/db/client';
import { environments } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { toEnvironmentSummary, type TEnvironmentSummary } from './environment-summary';
import { getManagedEnvironment } from './get-managed-environment';

/** Makes an archived template pickable again (same people who may archive it). */
export async function unarchiveEnvironment(db: TDb, actor: TSignedInUser, input: { id: string; projectId?: string | null }): Promise<TEnvironmentSummary> {
  const current = await getManagedEnvironment(db, actor, input.id, input.projectId);
  if (!current.archivedAt) return toEnvironmentSummary(current);
  const [row] = await db.update(environments).set({ archivedAt: null }).where(eq(environments.id, current.id)).returning();
  return toEnvironmentSummary(row);
}
