import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { TDb } from '@/db/client';
import { projects } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { parseInput } from '../validation/parse-input';
import { ZCreateProjectInput } from './create-project';
import { getProjectAccess } from './get-project-access';
import { toProjectInfo, type TProjectInfo } from './project-info';

/** Either field or both; the same rules as at creation. */
export const ZUpdateProjectInput = z
  .object({ name: ZCreateProjectInput.shape.name.optional(), description: ZCreateProjectInput.shape.description.unwrap().optional() })
  .refine((d) => d.name !== undefined || d.description !== undefined, 'Send a new name, a new description, or both');

/**
 * Renames a project or changes its description (owners and admins; not while archived).
 * The slug stays: API clients and `KERNEL_PROJECT` settings may name the project by it.
 */
export async function updateProject(
  db: TDb,
  actor: TSignedInUser,
  projectId: string,
  input: z.input<typeof ZUpdateProjectInput>,
): Promise<TProjectInfo> {
  const data = parseInput(ZUpdateProjectInput, input, 'project');
  const { project } = await getProjectAccess(db, actor, projectId, 'manage');
  const [row] = await db.update(projects).set(data).where(eq(projects.id, project.id)).returning();
  return toProjectInfo(row);
}
