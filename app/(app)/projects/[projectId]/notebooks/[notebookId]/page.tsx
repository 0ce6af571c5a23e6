import type { Metadata } from 'next';
import { cache } from 'react';
import { NotebookEditor } from '@/components/notebook/notebook-editor';
import { pageOrNotFound } from '@/lib/auth/page-or-not-found';
import { requirePageUser } from '@/lib/auth/require-page-user';
import { getDb } from '@/lib/db';
import { getNotebook } from '@/lib/notebooks/get-notebook';
import { getPlatformMaximums } from '@/lib/platform/get-platform-maximums';

type TProps = { params: Promise<{ projectId: string; notebookId: string }> };

/** One load per request, shared by the title and the page. */
const load = cache(async (projectId: string, notebookId: string) => {
  const user = await requirePageUser();
  const [notebook, platform] = await Promise.all([getNotebook(getDb(), user, { projectId, notebookId }), getPlatformMaximums(getDb(), user)]);
  return { user, notebook, kernelStartsOnRun: platform.kernelStartsOnRun };
});

export async function generateMetadata({ params }: TProps): Promise<Metadata> {
  const { projectId, notebookId } = await params;
  const loaded = await load(projectId, notebookId).catch(() => null);
  return { title: loaded ? `${loaded.notebook.name} · ${loaded.notebook.projectName} · Lattice` : 'Notebook · Lattice' };
}

/** A notebook: loaded with the caller's access on the server, edited and run in the browser. */
export default async function NotebookPage({ params }: TProps) {
  const { projectId, notebookId } = await params;
  const { user, notebook, kernelStartsOnRun } = await pageOrNotFound(load(projectId, notebookId));
  return <NotebookEditor key={`${notebook.id}:${notebook.version}`} notebook={notebook} userId={user.id} kernelStartsOnRun={kernelStartsOnRun} />;
}
