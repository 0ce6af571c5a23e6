'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { EnvironmentPicker } from '@/components/environments/environment-picker';
import { EnvironmentSwitchDialog, type TPendingSwitch } from '@/components/environments/environment-switch-dialog';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClasses } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { DateTime } from '@/components/ui/date-time';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field, Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { TBody, Table, Td, Th, Tr } from '@/components/ui/table';
import { gatewayClient } from '@/lib/client/gateway-client';
import { ZImportedNotebook, ZNotebookList, ZNotebookSummary } from '@/lib/client/notebook-responses';
import { errorMessage } from '@/lib/client/request-error';
import { useBusy } from '@/components/ui/use-busy';
import { webClient, ZUnread } from '@/lib/client/web-client';
import type { TNotebookListItem, TNotebookSort } from '@/lib/notebooks/list-notebooks';
import { onNotebooksChanged } from './notebooks-changed';
import { onRunningNotebooks } from './running-notebooks';

type TNotebookSummary = TNotebookListItem;
type TNameDialog = { mode: 'create' } | { mode: 'rename'; notebook: TNotebookSummary } | null;

/** Typing pauses this long before the list is searched again. */
const SEARCH_DELAY_MS = 250;

/**
 * A project's notebooks: search and sort (done by the server), see which have a live kernel,
 * open, create, import (.ipynb), download, rename, delete, and choose each one's environment
 * (restarting the caller's running kernel of it on the new one).
 */
export function NotebookList({ projectId, canEdit, userId }: { projectId: string; canEdit: boolean; userId: string }) {
  const router = useRouter();
  const base = `/api/projects/${projectId}/notebooks`;
  const [notebooks, setNotebooks] = useState<TNotebookSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [nameDialog, setNameDialog] = useState<TNameDialog>(null);
  const [deleting, setDeleting] = useState<TNotebookSummary | null>(null);
  const { busy, run } = useBusy();
  const [dialogError, setDialogError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [switching, setSwitching] = useState<(TPendingSwitch & { notebook: TNotebookSummary; kernelIds: string[] }) | null>(null);
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<TNotebookSort>('name');
  // Live kernels as the dashboard last heard from the gateway; null until it says (the list's own answer holds till then).
  const [liveRunning, setLiveRunning] = useState<ReadonlySet<string> | null>(null);

  const load = useCallback(async () => {
    try {
      const params = new URLSearchParams({ sort, ...(query ? { q: query } : {}) });
      const data = await webClient.get(`${base}?${params}`, ZNotebookList);
      setNotebooks(data.notebooks);
      setError(null);
    } catch (err) {
      setError(errorMessage(err, 'Could not load the notebooks.'));
    }
  }, [base, query, sort]);
  useEffect(() => void load(), [load]);
  useEffect(() => onNotebooksChanged(() => void load()), [load]);
  useEffect(() => onRunningNotebooks(setLiveRunning), []);
  useEffect(() => {
    const timer = window.setTimeout(() => setQuery(search.trim()), SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [search]);
  const isRunning = (nb: TNotebookSummary) => (liveRunning ? liveRunning.has(nb.id) : nb.running);

  function openNameDialog(d: TNameDialog) {
    setDialogError(null);
    setNameDialog(d);
  }

  async function submitName(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!nameDialog) return;
    const name = String(new FormData(e.currentTarget).get('name') ?? '');
    setDialogError(null);
    await run(
      async () => {
        if (nameDialog.mode === 'create') {
          const created = await webClient.send('POST', base, ZNotebookSummary, { name });
          router.push(`/projects/${projectId}/notebooks/${created.id}`);
        } else {
          await webClient.send('PATCH', `${base}/${nameDialog.notebook.id}`, ZUnread, { name });
          await load();
        }
        setNameDialog(null);
      },
      (err) => setDialogError(errorMessage(err, 'Could not save the name.')),
    );
  }

  async function importFile(file: File) {
    setError(null);
    setNotice(null);
    const form = new FormData();
    form.set('file', file);
    await run(
      async () => {
        const imported = await webClient.send('POST', base, ZImportedNotebook, form);
        setNotice(`Imported "${imported.name}".${imported.warnings.length ? ` ${imported.warnings.join(' ')}` : ''}`);
        await load();
      },
      (err) => setError(`Could not import ${file.name}: ${errorMessage(err, 'the upload failed.')}`),
    );
    if (fileInput.current) fileInput.current.value = '';
  }

  async function confirmDelete() {
    if (!deleting) return;
    setDialogError(null);
    await run(
      async () => {
        await webClient.send('DELETE', `${base}/${deleting.id}`, ZUnread);
        setDeleting(null);
        await load();
      },
      (err) => setDialogError(errorMessage(err, 'Could not delete the notebook.')),
    );
  }

  /** The caller's live kernels of a notebook (a switch restarts them); none if the gateway cannot say. */
  async function myKernels(notebookId: string): Promise<string[]> {
    try {
      const models = await gatewayClient().listKernels(projectId);
      return models.filter((m) => m.lattice.notebookId === notebookId && m.lattice.userId === userId && m.lattice.state !== 'stopping').map((m) => m.id);
    } catch {
      return [];
    }
  }

  async function chooseEnvironment(nb: TNotebookSummary, fit: TPendingSwitch['fit']) {
    setError(null);
    setNotice(null);
    const kernelIds = await myKernels(nb.id);
    const pending = { fit, running: kernelIds.length > 0, notebook: nb, kernelIds };
    if (pending.running || !fit.fits) {
      setDialogError(null);
      setSwitching(pending);
    } else await applySwitch(pending);
  }

  /** Attaches, then restarts the caller's running kernels of the notebook on the new environment. */
  async function applySwitch(p: NonNullable<typeof switching>) {
    setDialogError(null);
    const env = p.fit.environment;
    await run(
      async () => {
        await webClient.send('PUT', `${base}/${p.notebook.id}/environment`, ZUnread, { environmentId: env.id });
        if (p.running) {
          const gateway = gatewayClient();
          for (const id of p.kernelIds) await gateway.stopKernel(id, 'notebook');
          await gateway.startKernel({ name: env.slug, projectId, notebookId: p.notebook.id });
        }
        setSwitching(null);
        setNotice(`"${p.notebook.name}" now runs on ${env.hardwareLabel}${p.running ? '; its kernel was restarted there' : ''}.`);
        await load();
      },
      async (err) => {
        const message = err instanceof Error ? err.message : 'Could not switch the environment.';
        if (switching) setDialogError(message);
        else setError(message);
        await load();
      },
    );
  }

  const actions = canEdit ? (
    <>
      <input
        ref={fileInput}
        type="file"
        accept=".ipynb,application/x-ipynb+json,application/json"
        className="hidden"
        aria-label="Notebook file to import"
        data-testid="import-notebook-input"
        onChange={(e) => e.target.files?.[0] && importFile(e.target.files[0])}
      />
      <Button variant="secondary" size="sm" onClick={() => fileInput.current?.click()} busy={busy && !nameDialog && !deleting}>
        Import .ipynb
      </Button>
      <Button size="sm" onClick={() => openNameDialog({ mode: 'create' })}>
        New notebook
      </Button>
    </>
  ) : undefined;

  return (
    <Card>
      <CardHeader title={`Notebooks${notebooks ? ` (${notebooks.length})` : ''}`} description="Jupyter notebooks (nbformat 4) of this project." actions={actions} />
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-100 px-4 py-2">
        <Input
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="Search notebooks by name"
          aria-label="Search notebooks"
          maxLength={120}
          className="max-w-xs"
        />
        <Select value={sort} onChange={(e) => setSort(e.target.value as TNotebookSort)} aria-label="Sort notebooks" className="w-auto">
          <option value="name">Name (A–Z)</option>
          <option value="updated">Last saved</option>
        </Select>
      </div>
      {error && <Alert tone="error" className="mx-4 mt-3">{error}</Alert>}
      {notice && <Alert tone="success" className="mx-4 mt-3">{notice}</Alert>}
      {notebooks === null ? (
        <p className="px-4 py-6 text-sm text-slate-500">Loading…</p>
      ) : notebooks.length === 0 && query ? (
        <EmptyState title="No notebook matches" description={`No notebook name contains "${query}".`} />
      ) : notebooks.length === 0 ? (
        <EmptyState
          title="No notebooks yet"
          description={canEdit ? 'Create a notebook, or import an .ipynb file from Jupyter.' : 'Nobody has created a notebook in this project yet.'}
        />
      ) : (
        <Table>
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Environment</Th>
              <Th>Last saved</Th>
              <Th>By</Th>
              <Th className="text-right">Actions</Th>
            </tr>
          </thead>
          <TBody>
            {notebooks.map((nb) => (
              <Tr key={nb.id}>
                <Td className="font-medium">
                  <Link href={`/projects/${projectId}/notebooks/${nb.id}`} className="text-indigo-700 hover:underline">
                    {nb.name}
                  </Link>
                  {isRunning(nb) && (
                    <span className="ml-2 inline-flex items-center gap-1 text-xs font-normal text-emerald-700" title="A kernel of this notebook is running" data-testid="notebook-running">
                      <span className="h-2 w-2 rounded-full bg-emerald-500" aria-hidden />
                      running
                    </span>
                  )}
                </Td>
                <Td className="py-1" data-testid="notebook-environment">
                  {canEdit ? (
                    <EnvironmentPicker
                      projectId={projectId}
                      variant="inline"
                      align="left"
                      label={nb.name}
                      current={{ id: nb.environment?.id ?? null, label: nb.environment?.hardwareLabel ?? null }}
                      onChoose={(fit) => void chooseEnvironment(nb, fit)}
                      disabled={busy}
                    />
                  ) : (
                    <span className="text-xs text-slate-700">{nb.environment?.hardwareLabel ?? '—'}</span>
                  )}
                  {nb.environment?.archived && <span className="ml-1 text-xs text-amber-700" title="This template is archived; choose another to run the notebook">archived</span>}
                </Td>
                <Td>
                  <DateTime value={nb.updatedAt} />
                </Td>
                <Td>{nb.updatedBy?.name ?? '—'}</Td>
                <Td className="text-right">
                  <div className="flex justify-end gap-1">
                    <a href={`${base}/${nb.id}/export`} download className={buttonClasses('ghost', 'sm')} title="Download as .ipynb">
                      Download
                    </a>
                    {canEdit && (
                      <>
                        <Button variant="ghost" size="sm" onClick={() => openNameDialog({ mode: 'rename', notebook: nb })}>
                          Rename
                        </Button>
                        <Button variant="ghost" size="sm" className="text-red-600 hover:text-red-700" onClick={() => (setDialogError(null), setDeleting(nb))}>
                          Delete
                        </Button>
                      </>
                    )}
                  </div>
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}

      <Dialog open={nameDialog !== null} onClose={() => setNameDialog(null)} title={nameDialog?.mode === 'rename' ? 'Rename notebook' : 'New notebook'}>
        {nameDialog && (
          <form onSubmit={submitName} className="space-y-4">
            <Field label="Name" htmlFor="notebook-name" error={dialogError ?? undefined}>
              <Input
                id="notebook-name"
                name="name"
                required
                maxLength={120}
                autoFocus
                defaultValue={nameDialog.mode === 'rename' ? nameDialog.notebook.name : ''}
                placeholder="e.g. Exploration"
                aria-invalid={dialogError ? true : undefined}
              />
            </Field>
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setNameDialog(null)} disabled={busy}>
                Cancel
              </Button>
              <Button type="submit" busy={busy}>
                {nameDialog.mode === 'rename' ? 'Rename' : 'Create'}
              </Button>
            </div>
          </form>
        )}
      </Dialog>

      <EnvironmentSwitchDialog
        pending={switching}
        currentLabel={switching?.notebook.environment?.hardwareLabel ?? null}
        busy={busy}
        error={dialogError}
        onConfirm={() => switching && void applySwitch(switching)}
        onClose={() => !busy && setSwitching(null)}
      />

      <ConfirmDialog
        open={deleting !== null}
        title="Delete notebook?"
        description={deleting ? `"${deleting.name}" and its saved outputs will be deleted. This cannot be undone.` : undefined}
        confirmLabel="Delete"
        busy={busy}
        error={dialogError}
        onConfirm={confirmDelete}
        onClose={() => setDeleting(null)}
      />
    </Card>
  );
}

export default NotebookList;
