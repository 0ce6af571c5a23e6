import { and, eq } from 'drizzle-orm';
import type { TDb } from '@/db/client';
import { projectMembers, projects } from '@/db/schema';

type TTx = Parameters<Parameters<TDb['transaction']>[0]>[0];

/**
 * Locks the project row (serializing membership changes of one project) and returns the
 * user ids of its owners, so no change can leave a project without an owner.
 */
export async function lockProjectOwners(tx: TTx, projectId: string): Promise<string[]> {
  await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).for('update');
  const rows = await tx
    .select({ userId: projectMembers.userId })
    .from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.role, 'owner')));
  return rows.map((r) => r.userId);
}
