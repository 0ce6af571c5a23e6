'use client';

import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { formatStorageSize } from '@/common/storage-size';
import { ZProjectFolder, type TProjectFileEntry, type TProjectFolder } from '@/common/project-path';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClasses } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { DateTime } from '@/components/ui/date-time';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field, Input } from '@/components/ui/input';
import { TBody, Table, Td, Th, Tr } from '@/components/ui/table';
import { errorMessage } from '@/lib/client/request-error';
import { useBusy } from '@/components/ui/use-busy';
import { uploadProjectFile } from '@/lib/client/upload-project-file';
import { webClient, ZUnread } from '@/lib/client/web-client';

/** What the name dialog is for: a new folder, or renaming/moving an entry (its new path). */
type TNameDialog = { mode: 'folder' } | { mode: 'move'; entry: TProjectFileEntry } | null;

/**
 * A project's files (issue 15 §5): folders with breadcrumbs, upload with progress, download,
 * rename or move (to any path), delete, new folder, and the project's storage use. Kernels
 * of the project see the same files in their working directory. Read-only when `canWrite` is
 * false (viewers, archived projects).
 */
export function FilesPanel({ projectId, canWrite }: { projectId: string; canWrite: boolean }) {
  const base = `/api/projects/${projectId}/files`;
  const [folder, setFolder] = useState('');
  const [listing, setListing] = useState<TProjectFolder | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [upload, setUpload] = useState<{ name: string; fraction: number } | null>(null);
  const [nameDialog, setNameDialog] = useState<TNameDialog>(null);
  const [name, setName] = useState('');
  const [deleting, setDeleting] = useState<TProjectFileEntry | null>(null);
  const { busy, run } = useBusy();
  const [dialogError, setDialogError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const join = (n: string) => (folder ? `${folder}/${n}` : n);

  const load = useCallback(async () => {
    try {
      setListing(await webClient.get(`${base}?path=${encodeURIComponent(folder)}`, ZProjectFolder));
      setError(null);
    } catch (err) {
      setError(errorMessage(err, 'Could not load the files.'));
    }
  }, [base, folder]);
  useEffect(() => void load(), [load]);

  async function uploadChosen(files: FileList | null) {
    for (const file of Array.from(files ?? [])) {
      setUpload({ name: file.name, fraction: 0 });
      try {
        await uploadProjectFile(projectId, join(file.name), file, (fraction) => setUpload({ name: file.name, fraction }));
      } catch (err) {
        setError(errorMessage(err, `Could not upload ${file.name}.`));
        break;
      }
    }
    setUpload(null);
    if (fileInput.current) fileInput.current.value = '';
    await load();
  }

  function openNameDialog(d: TNameDialog) {
    setDialogError(null);
    setName(d?.mode === 'move' ? d.entry.path : '');
    setNameDialog(d);
  }

  async function submitName(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!nameDialog) return;
    await run(
      async () => {
        if (nameDialog.mode === 'folder') await webClient.send('POST', `${base}/folders`, ZUnread, { path: join(name.trim()) });
        else await webClient.send('PATCH', base, ZUnread, { from: nameDialog.entry.path, to: name.trim() });
        setNameDialog(null);
        await load();
      },
      (err) => setDialogError(errorMessage(err, 'Could not save.')),
    );
  }

  async function confirmDelete() {
    if (!deleting) return;
    await run(
      async () => {
        await webClient.send('DELETE', `${base}?path=${encodeURIComponent(deleting.path)}`, ZUnread);
        setDeleting(null);
        await load();
      },
      (err) => setDialogError(errorMessage(err, 'Could not delete.')),
    );
  }

  const crumbs = folder ? folder.split('/') : [];
  return (
    <section aria-label="Project files">
      <Card>
        <CardHeader
          title="Files"
          description={
            <>
              In every kernel of this project as its working directory (<code>pd.read_csv(&quot;data/sales.csv&quot;)</code>).
              {listing && <span data-testid="files-usage"> {formatStorageSize(listing.usedBytes)} of {formatStorageSize(listing.limitBytes)} used.</span>}
            </>
          }
          actions={
            canWrite && (
              <div className="flex gap-2">
                <Button variant="secondary" size="sm" onClick={() => openNameDialog({ mode: 'folder' })}>
                  New folder
                </Button>
                <Button size="sm" onClick={() => fileInput.current?.click()} disabled={upload !== null}>
                  Upload
                </Button>
                <input ref={fileInput} type="file" multiple className="hidden" aria-label="Files to upload" onChange={(e) => void uploadChosen(e.target.files)} />
              </div>
            )
          }
        />
        <nav aria-label="Folder" className="flex flex-wrap gap-1 px-5 py-2 text-sm">
          <button type="button" className="text-sky-700 hover:underline" onClick={() => setFolder('')}>
            Files
          </button>
          {crumbs.map((c, i) => (
            <span key={i}>
              {' / '}
              <button type="button" className="text-sky-700 hover:underline" onClick={() => setFolder(crumbs.slice(0, i + 1).join('/'))}>
                {c}
              </button>
            </span>
          ))}
        </nav>
        {upload && (
          <div className="px-5 pb-2 text-sm" data-testid="upload-progress">
            Uploading {upload.name}… {Math.round(upload.fraction * 100)}%
            <progress className="ml-2 w-48 align-middle" max={1} value={upload.fraction} aria-label={`Uploading ${upload.name}`} />
          </div>
        )}
        {error && (
          <div className="px-5 pb-2">
            <Alert tone="error">{error}</Alert>
          </div>
        )}
        {listing && listing.entries.length === 0 ? (
          <EmptyState title="No files here" description={canWrite ? 'Upload a file or create a folder.' : undefined} />
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Size</Th>
                <Th>Modified</Th>
                <Th className="text-right">Actions</Th>
              </tr>
            </thead>
            <TBody>
              {listing?.entries.map((entry) => (
                <Tr key={entry.path}>
                  <Td>
                    {entry.isDir ? (
                      <button type="button" className="font-medium text-sky-700 hover:underline" onClick={() => setFolder(entry.path)}>
                        {entry.name}/
                      </button>
                    ) : (
                      entry.name
                    )}
                  </Td>
                  <Td>{entry.isDir ? '' : formatStorageSize(entry.size)}</Td>
                  <Td>
                    <DateTime value={entry.mtime} />
                  </Td>
                  <Td className="space-x-2 text-right">
                    {!entry.isDir && (
                      <a className={buttonClasses('secondary', 'sm')} href={`${base}/download?path=${encodeURIComponent(entry.path)}`} download={entry.name}>
                        Download
                      </a>
                    )}
                    {canWrite && (
                      <>
                        <Button variant="secondary" size="sm" onClick={() => openNameDialog({ mode: 'move', entry })}>
                          Rename / move
                        </Button>
                        <Button variant="danger" size="sm" onClick={() => (setDialogError(null), setDeleting(entry))}>
                          Delete
                        </Button>
                      </>
                    )}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
        <Dialog
          open={nameDialog !== null}
          onClose={() => setNameDialog(null)}
          title={nameDialog?.mode === 'folder' ? 'New folder' : 'Rename or move'}
          description={nameDialog?.mode === 'move' ? 'The new path from the project’s files, e.g. archive/sales-2026.csv.' : undefined}
        >
          <form onSubmit={submitName} className="space-y-3">
            <Field label={nameDialog?.mode === 'folder' ? 'Folder name' : 'New path'} htmlFor="file-name" error={dialogError ?? undefined}>
              <Input id="file-name" value={name} onChange={(e) => setName(e.target.value)} autoFocus required />
            </Field>
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setNameDialog(null)} disabled={busy}>
                Cancel
              </Button>
              <Button type="submit" busy={busy}>
                Save
              </Button>
            </div>
          </form>
        </Dialog>
        <ConfirmDialog
          open={deleting !== null}
          title={`Delete ${deleting?.name ?? ''}?`}
          description={deleting?.isDir ? 'The folder and everything in it are deleted, for every member and kernel of the project.' : 'The file is deleted for every member and kernel of the project.'}
          confirmLabel="Delete"
          busy={busy}
          error={dialogError}
          onConfirm={() => void confirmDelete()}
          onClose={() => setDeleting(null)}
        />
      </Card>
    </section>
  );
}
