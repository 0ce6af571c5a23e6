'use client';

/** The notebooks of a project (placeholder while the real list is being built). */
export function NotebookList({ projectId, canEdit }: { projectId: string; canEdit: boolean }) {
  return (
    <section data-project-id={projectId} data-can-edit={canEdit} className="text-sm text-slate-500">
      Notebooks
    </section>
  );
}

export default NotebookList;
