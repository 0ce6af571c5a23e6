import { eq } from 'drizzle-orm';
import type { TDb } from '@/db/client';
import { environments } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { assertEnvironmentRoom } from './assert-environment-room';
import type { TEnvironmentSummary } from './environment-summary';
import { summarizeEnvironment } from './summarize-environments';
import { getManagedEnvironment } from './get-managed-environment';

/** Makes an archived template pickable again (same people who may archive it; a project's within its cap). */
export async function unarchiveEnvironment(db: TDb, actor: TSignedInUser, input: { id: string; projectId?: string | null }): Promise<TEnvironmentSummary> {
  const current = await getManagedEnvironment(db, actor, input.id, input.projectId);
  if (!current.archivedAt) return summarizeEnvironment(db, current);
  const row = await db.transaction(async (tx) => {
    if (current.projectId) await assertEnvironmentRoom(tx, current.projectId);
    const [updated] = await tx.update(environments).set({ archivedAt: null }).where(eq(environments.id, current.id)).returning();
    return updated;
  });
  return summarizeEnvironment(db, row);
}
