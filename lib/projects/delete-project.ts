import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import { ACTIVE_STATES } from '@/common/kernel-states';
import { zSingleLineText } from '@/common/plain-text';
import type { TDb } from '@/db/client';
import { kernels, projects } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { parseInput } from '../validation/parse-input';
import { getProjectAccess } from './get-project-access';
import { refusePersonalProject } from './refuse-personal-project';

/** The caller types the project's name, so a deletion is never one stray click. */
export const ZDeleteProjectInput = z.object({ confirm: zSingleLineText().trim() });

export interface TDeletedProject {
  /** True: its rows (notebooks, environments, kernels, quotas, metering) are gone already. False: the gateway removes them once its kernels have stopped. */
  removed: boolean;
}

/**
 * Deletes a project (owners and admins; archived or not): it is a 404 for everyone at once.
 * Without a live kernel its row goes now, cascading to everything it holds; otherwise the
 * gateway stops its kernels and then removes the row, since a running kernel's process or
 * pod is only the gateway's to end (DESIGN §2).
 */
export async function deleteProject(
  db: TDb,
  actor: TSignedInUser,
  projectId: string,
  input: z.input<typeof ZDeleteProjectInput>,
): Promise<TDeletedProject> {
  const { confirm } = parseInput(ZDeleteProjectInput, input, 'confirmation');
  const { project } = await getProjectAccess(db, actor, projectId, 'manage', { allowArchived: true });
  refusePersonalProject(project, 'deleted');
  if (confirm !== project.name) {
    throw new AppError('BAD_REQUEST', `Type the project's name, "${project.name}", to delete it.`, { confirm: 'This is not the project’s name' });
  }
  return db.transaction(async (tx) => {
    // FOR UPDATE conflicts with the key-share lock a kernel insert takes on its project row:
    // a launch in flight either commits first (and is seen below) or fails its foreign key.
    await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, project.id)).for('update');
    await tx.update(projects).set({ deletedAt: new Date() }).where(eq(projects.id, project.id));
    const [live] = await tx
      .select({ id: kernels.id })
      .from(kernels)
      .where(and(eq(kernels.projectId, project.id), inArray(kernels.state, [...ACTIVE_STATES])))
      .limit(1);
    if (live) return { removed: false };
    await tx.delete(projects).where(eq(projects.id, project.id));
    return { removed: true };
  });
}
