import { toFileForm } from '@/common/nbformat/multiline';
import type { TNotebook } from '@/common/nbformat/schema';
import type { TDb } from '@/db/client';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from '../projects/get-project-access';
import { findNotebook } from './find-notebook';

export interface TNotebookFile {
  filename: string;
  /** The `.ipynb` text (nbformat 4.5, one-space indent and lists of lines, as Jupyter writes it). */
  body: string;
  /** A ready `Content-Disposition` value: ASCII fallback plus the UTF-8 name (RFC 6266). */
  contentDisposition: string;
}

/** The stored notebook as an `.ipynb` download, for anyone who may view its project. */
export async function exportNotebook(db: TDb, actor: TSignedInUser, input: { projectId: string; notebookId: string }): Promise<TNotebookFile> {
  const { project } = await getProjectAccess(db, actor, input.projectId, 'view');
  const { notebook } = await findNotebook(db, project.id, input.notebookId);
  const filename = `${notebook.name}.ipynb`;
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return {
    filename,
    body: `${JSON.stringify(toFileForm(notebook.content as TNotebook), null, 1)}\n`,
    contentDisposition: `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
  };
}
