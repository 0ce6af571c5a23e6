'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field, Input, Textarea } from '@/components/ui/input';
import { RequestError } from '@/lib/client/request-error';
import { webClient, ZUnread } from '@/lib/client/web-client';
import type { TProjectInfo } from '@/lib/projects/project-info';

type TAction = 'rename' | 'archive' | 'delete';

/**
 * "Settings" for owners and admins: rename the project, archive it, or delete it after
 * typing its name. A personal project can only be renamed; an archived one only deleted
 * (restoring is the banner's). Every rule is the server's too; this only explains them.
 */
export function ProjectSettings({ project }: { project: TProjectInfo }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(project.name);
  const [description, setDescription] = useState(project.description);
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState<TAction | null>(null);
  const [error, setError] = useState<{ action: TAction; err: RequestError } | null>(null);
  const base = `/api/projects/${project.id}`;
  const archived = project.archivedAt !== null;

  function show() {
    setName(project.name);
    setDescription(project.description);
    setConfirm('');
    setError(null);
    setOpen(true);
  }

  async function run(action: TAction, call: () => Promise<unknown>, after: () => void) {
    setBusy(action);
    setError(null);
    try {
      await call();
      setOpen(false);
      after();
    } catch (err) {
      setError({ action, err: err instanceof RequestError ? err : RequestError.unexpected('web') });
    } finally {
      setBusy(null);
    }
  }

  const rename = (e: FormEvent) => {
    e.preventDefault();
    void run('rename', () => webClient.send('PATCH', base, ZUnread, { name, description }), () => router.refresh());
  };
  const archive = () => void run('archive', () => webClient.send('POST', `${base}/archive`, ZUnread), () => router.refresh());
  const remove = (e: FormEvent) => {
    e.preventDefault();
    void run('delete', () => webClient.send('DELETE', base, ZUnread, { confirm }), () => router.push('/projects'));
  };
  const failed = (action: TAction) => (error?.action === action ? error.err : null);
  const renameError = failed('rename');
  const archiveError = failed('archive');
  const deleteError = failed('delete');

  return (
    <>
      <Button variant="secondary" size="sm" onClick={show}>
        Settings
      </Button>
      <Dialog open={open} onClose={() => busy === null && setOpen(false)} title="Project settings">
        <div className="space-y-6">
          {archived ? (
            <p className="text-sm text-slate-600">This project is archived: restore it to rename it.</p>
          ) : (
            <form onSubmit={rename} className="space-y-4" aria-label="Rename project">
              {renameError && !Object.keys(renameError.fields).length && <Alert tone="error">{renameError.message}</Alert>}
              <Field label="Name" htmlFor="settings-name" error={renameError?.fields.name}>
                <Input id="settings-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required />
              </Field>
              <Field label="Description" htmlFor="settings-description" hint="Optional" error={renameError?.fields.description}>
                <Textarea id="settings-description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} />
              </Field>
              <div className="flex justify-end">
                <Button type="submit" busy={busy === 'rename'} disabled={busy !== null}>
                  Save
                </Button>
              </div>
            </form>
          )}

          {project.personal ? (
            <p className="border-t border-slate-200 pt-4 text-sm text-slate-600">
              This is your personal project, where kernels go that name no project: it cannot be archived or deleted.
            </p>
          ) : (
            <>
              {!archived && (
                <section className="space-y-2 border-t border-slate-200 pt-4">
                  <h3 className="text-sm font-semibold">Archive</h3>
                  <p className="text-sm text-slate-600">Stops its kernels and makes it read-only for everyone, hidden from the projects list until restored.</p>
                  {archiveError && <Alert tone="error">{archiveError.message}</Alert>}
                  <Button variant="secondary" onClick={archive} busy={busy === 'archive'} disabled={busy !== null}>
                    Archive project
                  </Button>
                </section>
              )}
              <form onSubmit={remove} className="space-y-2 border-t border-slate-200 pt-4" aria-label="Delete project">
                <h3 className="text-sm font-semibold text-red-700">Delete</h3>
                <p className="text-sm text-slate-600">Its notebooks, environments, kernels and usage history go for good. This cannot be undone.</p>
                {deleteError && !deleteError.fields.confirm && <Alert tone="error">{deleteError.message}</Alert>}
                <Field label={`Type "${project.name}" to confirm`} htmlFor="settings-confirm" error={deleteError?.fields.confirm}>
                  <Input id="settings-confirm" value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="off" />
                </Field>
                <Button type="submit" variant="danger" busy={busy === 'delete'} disabled={busy !== null || confirm.trim() !== project.name}>
                  Delete project
                </Button>
              </form>
            </>
          )}
        </div>
      </Dialog>
    </>
  );
}
