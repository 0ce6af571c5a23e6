import { z } from 'zod';
import type { TDb } from '@/db/client';
import { notebooks } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from '../projects/get-project-access';
import { parseInput } from '../validation/parse-input';
import { checkNotebookContent } from './check-notebook-content';
import { defaultEnvironmentId } from './default-environment-id';
import { rethrowNameTaken, toSummary, ZNotebookName, type TNotebookSummary } from './notebook-summary';

export const ZImportNotebookInput = z.object({
  projectId: z.string(),
  name: ZNotebookName,
  /** The `.ipynb` file's text, or its already-parsed JSON. */
  content: z.unknown(),
});

/**
 * Imports an `.ipynb` (edit rights): validated and normalised to nbformat 4.5 first, so an
 * invalid or oversized file is refused with what is wrong and nothing is stored.
 * `warnings` says what normalisation changed (upgrade, ids assigned, dropped future fields).
 */
export async function importNotebook(
  db: TDb,
  actor: TSignedInUser,
  input: z.input<typeof ZImportNotebookInput>,
): Promise<TNotebookSummary & { warnings: string[] }> {
  const data = parseInput(ZImportNotebookInput, input, 'notebook');
  const { project } = await getProjectAccess(db, actor, data.projectId, 'edit');
  const { notebook, warnings } = checkNotebookContent(data.content);
  const environmentId = await defaultEnvironmentId(db);
  try {
    const [row] = await db
      .insert(notebooks)
      .values({ projectId: project.id, name: data.name, content: notebook, environmentId, createdBy: actor.id, updatedBy: actor.id })
      .returning();
    return { ...toSummary(row!, actor.name), warnings };
  } catch (err) {
    rethrowNameTaken(err, data.name);
  }
}
