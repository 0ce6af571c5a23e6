import { eq } from 'drizzle-orm';
import { hardwareLabel } from '@/common/environment';
import { can } from '@/common/roles';
import type { TNotebook } from '@/common/nbformat/schema';
import type { TDb } from '@/db/client';
import { environments } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from '../projects/get-project-access';
import { findNotebook } from './find-notebook';
import { toSummary, type TNotebookSummary } from './notebook-summary';

export interface TNotebookDetail extends TNotebookSummary {
  content: TNotebook;
  environmentId: string | null;
  /** "Python 3 · 1 vCPU · 2 GiB": the environment the notebook's kernels get. */
  environmentLabel: string | null;
  /** The attached environment's kernelspec name (its slug); null if none is attached. */
  environmentSlug: string | null;
  projectName: string;
  /** What the caller may do: viewers, and everyone in an archived project, see the notebook read-only and cannot run it. */
  canEdit: boolean;
  canRun: boolean;
  /** The project is archived: nothing in it changes or runs until it is restored. */
  projectArchived: boolean;
}

/** A notebook with its content, for anyone who may view its project. */
export async function getNotebook(db: TDb, actor: TSignedInUser, input: { projectId: string; notebookId: string }): Promise<TNotebookDetail> {
  const { project, access } = await getProjectAccess(db, actor, input.projectId, 'view');
  const { notebook, updatedByName } = await findNotebook(db, project.id, input.notebookId);
  const [env] = notebook.environmentId ? await db.select().from(environments).where(eq(environments.id, notebook.environmentId)) : [];
  return {
    ...toSummary(notebook, updatedByName),
    content: notebook.content as TNotebook,
    environmentId: notebook.environmentId,
    environmentLabel: env ? hardwareLabel(env) : null,
    environmentSlug: env?.slug ?? null,
    projectName: project.name,
    canEdit: can(access, 'edit') && !project.archivedAt,
    canRun: can(access, 'run') && !project.archivedAt,
    projectArchived: project.archivedAt !== null,
  };
}
