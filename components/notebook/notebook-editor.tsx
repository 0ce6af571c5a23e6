'use client';

import Link from 'next/link';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { toFileForm } from '@/common/nbformat/multiline';
import type { TCellType } from '@/common/nbformat/schema';
import { EnvironmentPicker } from '@/components/environments/environment-picker';
import { EnvironmentSwitchDialog, type TPendingSwitch } from '@/components/environments/environment-switch-dialog';
import { LaunchSteps, WaitingForCapacity } from '@/components/kernels/launch-steps';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ZAttachResult } from '@/lib/client/environment-responses';
import { RequestError } from '@/lib/client/request-error';
import { webClient } from '@/lib/client/web-client';
import type { TAttachResult } from '@/lib/notebooks/attach-environment';
import type { TNotebookDetail } from '@/lib/notebooks/get-notebook';
import type { TCellKeys } from './cell-editor';
import { CodeCell } from './code-cell';
import { KernelStatusBadge } from './kernel-status-badge';
import { MarkdownCell } from './markdown-cell';
import { editorReducer, fromNotebook, newEditorCell, toNotebook, type TEditorCell } from './notebook-model';
import { NotebookToolbar, type TToolbarActions } from './notebook-toolbar';
import { SaveIndicator } from './save-indicator';
import { useKernel } from './use-kernel';
import { useNotebookSave } from './use-notebook-save';
import './notebook.css';

/**
 * The notebook page's client: cells with CodeMirror editors, outputs, the toolbar, kernel
 * status and saving. Editors run cells on their kernel and save; viewers only read.
 */
export function NotebookEditor({ notebook, userId }: { notebook: TNotebookDetail; userId: string }) {
  const readOnly = !notebook.canEdit;
  const [state, dispatch] = useReducer(editorReducer, notebook.content, fromNotebook);
  const stateRef = useRef(state);
  stateRef.current = state;
  const [focus, setFocus] = useState<{ id: string; n: number } | null>(null);
  const focusCell = useCallback((id: string) => setFocus((f) => ({ id, n: (f?.n ?? 0) + 1 })), []);

  // The attached environment names the kernelspec; a notebook without one uses its own metadata.
  const [env, setEnv] = useState({
    id: notebook.environmentId,
    label: notebook.environmentLabel,
    slug: notebook.environmentSlug ?? notebook.content.metadata.kernelspec?.name ?? 'python3',
  });
  const kernel = useKernel({
    projectId: notebook.projectId,
    notebookId: notebook.id,
    userId,
    kernelName: env.slug,
    enabled: notebook.canRun,
  });
  const notebookUrl = `/api/projects/${notebook.projectId}/notebooks/${notebook.id}`;
  const save = useNotebookSave({
    url: notebookUrl,
    initialVersion: notebook.version,
    enabled: notebook.canEdit,
    revision: state.revision,
    snapshot: () => toNotebook(stateRef.current),
  });
  const running = useRef(0);
  const [pendingSwitch, setPendingSwitch] = useState<TPendingSwitch | null>(null);
  const [switchBusy, setSwitchBusy] = useState(false);
  const [switchError, setSwitchError] = useState<string | null>(null);

  /**
   * Attaches the chosen environment through the save path (pending edits saved first, the
   * version advanced in step), then — if a kernel was running — shuts it down; the kernel
   * hook then starts the notebook's kernel on the new environment.
   */
  async function applySwitch(p: TPendingSwitch) {
    setSwitchBusy(true);
    setSwitchError(null);
    try {
      let attached: TAttachResult | null = null;
      await save.runVersioned(async (baseVersion) => {
        attached = await webClient.send('PUT', `${notebookUrl}/environment`, ZAttachResult, { environmentId: p.fit.environment.id, baseVersion });
        return attached;
      });
      const result = attached as TAttachResult | null;
      if (!result) return;
      dispatch({ type: 'set-kernelspec', kernelspec: result.kernelspec });
      try {
        if (p.running) await kernel.shutdown();
      } finally {
        setEnv({ id: result.environment.id, label: result.environment.hardwareLabel, slug: result.environment.slug });
      }
      setPendingSwitch(null);
    } catch (err) {
      setSwitchError(err instanceof RequestError ? err.message : `Could not switch the environment: ${(err as Error).message}`);
    } finally {
      setSwitchBusy(false);
    }
  }

  function chooseEnvironment(fit: TPendingSwitch['fit']) {
    setSwitchError(null);
    const p = { fit, running: kernel.status !== 'no-kernel' && kernel.status !== 'dead' };
    if (p.running || !fit.fits) setPendingSwitch(p);
    else void applySwitch(p);
  }

  const runCell = useCallback(
    async (id: string) => {
      const cell = stateRef.current.cells.find((c) => c.id === id);
      if (!cell || readOnly) return;
      if (cell.cellType === 'markdown') return dispatch({ type: 'set-editing', id, editing: false });
      if (cell.cellType !== 'code' || !notebook.canRun) return;
      dispatch({ type: 'run-start', id });
      running.current++;
      try {
        const reply = await kernel.execute(cell.source, (msgType, content) => dispatch({ type: 'kernel-message', id, msgType, content }));
        dispatch({ type: 'run-end', id, executionCount: reply.status === 'aborted' ? undefined : reply.executionCount });
      } catch {
        dispatch({ type: 'run-end', id });
      } finally {
        // Autosave once the last queued cell has finished.
        if (--running.current === 0) save.saveSoon(1000);
      }
    },
    [kernel, notebook.canRun, readOnly, save],
  );

  const insertAfter = useCallback((id: string | null, type: TCellType) => {
    const cells = stateRef.current.cells;
    const index = id ? cells.findIndex((c) => c.id === id) + 1 : cells.length;
    const cell = newEditorCell(type);
    dispatch({ type: 'insert', index, cell });
    focusCell(cell.id);
  }, [focusCell]);

  const runAndAdvance = useCallback(
    (id: string) => {
      void runCell(id);
      const cells = stateRef.current.cells;
      const next = cells[cells.findIndex((c) => c.id === id) + 1];
      if (next) {
        dispatch({ type: 'activate', id: next.id });
        focusCell(next.id);
      } else insertAfter(id, 'code');
    },
    [focusCell, insertAfter, runCell],
  );

  const activeId = state.activeId;
  const active = state.cells.find((c) => c.id === activeId) ?? null;
  const actions: TToolbarActions = {
    save: () => void save.saveNow(),
    addCode: () => insertAfter(activeId, 'code'),
    addMarkdown: () => insertAfter(activeId, 'markdown'),
    run: () => activeId && runAndAdvance(activeId),
    runAll: () => stateRef.current.cells.forEach((c) => void runCell(c.id)),
    interrupt: () => void kernel.interrupt(),
    restart: () => void kernel.restart(),
    moveUp: () => activeId && dispatch({ type: 'move', id: activeId, delta: -1 }),
    moveDown: () => activeId && dispatch({ type: 'move', id: activeId, delta: 1 }),
    remove: () => activeId && dispatch({ type: 'delete', id: activeId }),
    setType: (cellType) => activeId && dispatch({ type: 'set-type', id: activeId, cellType }),
    clearOutputs: () => dispatch({ type: 'clear-outputs' }),
  };

  // Ctrl/Cmd+S anywhere on the page saves (the editors handle it themselves too).
  useEffect(() => {
    if (readOnly) return;
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        void save.saveNow();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [readOnly, save]);

  function downloadMine() {
    const blob = new Blob([JSON.stringify(toFileForm(toNotebook(stateRef.current)), null, 1)], { type: 'application/x-ipynb+json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${notebook.name} (my changes).ipynb`;
    a.click();
    URL.revokeObjectURL(a.href);
  }

  const keysFor = (cell: TEditorCell): TCellKeys => ({
    onRunAdvance: readOnly ? undefined : () => runAndAdvance(cell.id),
    onRun: readOnly ? undefined : () => void runCell(cell.id),
    onSave: readOnly ? undefined : () => void save.saveNow(),
    onEscape: cell.cellType === 'markdown' && !readOnly ? () => dispatch({ type: 'set-editing', id: cell.id, editing: false }) : undefined,
  });

  return (
    <div className="flex min-h-[calc(100vh-3rem)] flex-col bg-slate-100">
      <div className="sticky top-12 z-20 border-b border-slate-200 bg-white/95 backdrop-blur">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-1 px-4 pt-2">
          <nav className="flex min-w-0 items-center gap-1.5 text-sm" aria-label="Breadcrumb">
            <Link href={`/projects/${notebook.projectId}`} className="truncate text-slate-500 hover:text-slate-800 hover:underline">
              {notebook.projectName}
            </Link>
            <span className="text-slate-300">/</span>
            <h1 className="truncate font-semibold text-slate-900">{notebook.name}</h1>
          </nav>
          {!readOnly && <SaveIndicator state={save.state} savedAt={save.savedAt} />}
          {readOnly && <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">Read only</span>}
          <div className="ml-auto flex items-center gap-2">
            {notebook.canEdit && (
              <EnvironmentPicker projectId={notebook.projectId} current={{ id: env.id, label: env.label }} onChoose={chooseEnvironment} disabled={switchBusy} />
            )}
            <KernelStatusBadge status={kernel.status} environment={env.label} progress={kernel.progress} />
          </div>
        </div>
        {kernel.progress && (
          <div className="mx-auto max-w-6xl space-y-1.5 px-4 pt-1.5">
            <LaunchSteps progress={kernel.progress} />
            <WaitingForCapacity progress={kernel.progress} />
          </div>
        )}
        <div className="mx-auto max-w-6xl px-3 py-1.5">
          {!readOnly ? (
            <NotebookToolbar actions={actions} activeType={active?.cellType ?? null} canRun={notebook.canRun} hasActive={!!active} />
          ) : (
            <p className="px-1 py-1 text-xs text-slate-500">You can view this notebook; your role in the project does not allow changing or running it.</p>
          )}
        </div>
      </div>

      <main className="mx-auto w-full max-w-6xl flex-1 px-4 py-4">
        {save.state === 'conflict' && (
          <Alert tone="error" title="Your changes were not saved" className="mb-3">
            <p>{save.message}</p>
            <div className="mt-2 flex gap-2">
              <Button size="sm" variant="secondary" onClick={downloadMine}>
                Download my version
              </Button>
              <Button size="sm" variant="danger" onClick={() => window.location.reload()}>
                Reload their version
              </Button>
            </div>
          </Alert>
        )}
        {save.state === 'error' && save.message && <Alert tone="warning" className="mb-3">{save.message}</Alert>}
        {kernel.message && <Alert tone="warning" className="mb-3">{kernel.message}</Alert>}
        {switchError && !pendingSwitch && <Alert tone="error" className="mb-3">{switchError}</Alert>}

        <div className="rounded-lg border border-slate-200 bg-white py-3 shadow-sm" data-testid="notebook-cells">
          {state.cells.map((cell) => {
            const isActive = cell.id === activeId;
            const common = {
              cell,
              readOnly,
              focusSignal: focus?.id === cell.id ? focus.n : undefined,
              keys: keysFor(cell),
              onChange: (source: string) => dispatch({ type: 'edit-source', id: cell.id, source }),
              onFocus: () => dispatch({ type: 'activate', id: cell.id }),
            };
            return (
              <div
                key={cell.id}
                data-testid="cell"
                data-cell-type={cell.cellType}
                data-active={isActive || undefined}
                onMouseDown={() => dispatch({ type: 'activate', id: cell.id })}
                className={`relative mx-2 my-1 rounded-md border py-1 pr-2 ${isActive ? 'border-indigo-200 bg-indigo-50/30' : 'border-transparent'}`}
              >
                <span className={`absolute bottom-1 left-0 top-1 w-1 rounded ${isActive ? 'bg-indigo-500' : 'bg-transparent'}`} aria-hidden />
                {cell.cellType === 'markdown' ? (
                  <MarkdownCell {...common} onEdit={() => (dispatch({ type: 'set-editing', id: cell.id, editing: true }), focusCell(cell.id))} />
                ) : (
                  <CodeCell {...common} />
                )}
              </div>
            );
          })}
          {state.cells.length === 0 && <p className="px-6 py-8 text-center text-sm text-slate-500">This notebook has no cells.</p>}
          {!readOnly && (
            <div className="flex justify-center gap-2 pt-2">
              <Button size="sm" variant="ghost" onClick={() => insertAfter(null, 'code')}>
                + Code
              </Button>
              <Button size="sm" variant="ghost" onClick={() => insertAfter(null, 'markdown')}>
                + Markdown
              </Button>
            </div>
          )}
        </div>
      </main>
      <EnvironmentSwitchDialog
        pending={pendingSwitch}
        currentLabel={env.label}
        busy={switchBusy}
        error={switchError}
        onConfirm={() => pendingSwitch && void applySwitch(pendingSwitch)}
        onClose={() => !switchBusy && setPendingSwitch(null)}
      />
    </div>
  );
}
