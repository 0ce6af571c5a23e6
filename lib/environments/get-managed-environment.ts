import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import type { TDb } from '@/db/client';
import { environments } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from '../projects/get-project-access';

/**
 * Loads a template the caller is about to change, checking they may: global templates are
 * the admins', project templates the project owners'. A project template in a project the
 * caller cannot see is NOT_FOUND. `projectId`, when given (null = global), must be where the
 * template lives: a URL naming one project cannot change another's template.
 */
export async function getManagedEnvironment(
  db: TDb,
  actor: TSignedInUser,
  id: string,
  projectId?: string | null,
): Promise<typeof environments.$inferSelect> {
  if (!z.string().uuid().safeParse(id).success) throw new AppError('NOT_FOUND', 'Environment not found.');
  const [row] = await db.select().from(environments).where(eq(environments.id, id));
  if (!row || (projectId !== undefined && row.projectId !== projectId)) throw new AppError('NOT_FOUND', 'Environment not found.');
  if (row.projectId === null) {
    if (actor.role !== 'admin') throw new AppError('FORBIDDEN', 'Only administrators can change global environments.');
  } else {
    await getProjectAccess(db, actor, row.projectId, 'manage');
  }
  return row;
}
