import { z } from 'zod';
import { newNotebook } from '@/common/nbformat/new-notebook';
import type { TDb } from '@/db/client';
import { notebooks } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from '../projects/get-project-access';
import { parseInput } from '../validation/parse-input';
import { defaultEnvironmentId } from './default-environment-id';
import { rethrowNameTaken, toSummary, ZNotebookName, type TNotebookSummary } from './notebook-summary';

export const ZCreateNotebookInput = z.object({ projectId: z.string(), name: ZNotebookName });

/**
 * Creates an empty notebook (nbformat 4.5, Python 3 kernelspec, one code cell) on the
 * default environment. Needs edit rights; a name already used in the project is a CONFLICT.
 */
export async function createNotebook(db: TDb, actor: TSignedInUser, input: z.input<typeof ZCreateNotebookInput>): Promise<TNotebookSummary> {
  const data = parseInput(ZCreateNotebookInput, input, 'notebook');
  const { project } = await getProjectAccess(db, actor, data.projectId, 'edit');
  const environmentId = await defaultEnvironmentId(db);
  try {
    const [row] = await db
      .insert(notebooks)
      .values({ projectId: project.id, name: data.name, content: newNotebook(), environmentId, createdBy: actor.id, updatedBy: actor.id })
      .returning();
    return toSummary(row!, actor.name);
  } catch (err) {
    rethrowNameTaken(err, data.name);
  }
}
