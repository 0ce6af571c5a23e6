'use client';

import Link from 'next/link';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { toFileForm } from '@/common/nbformat/multiline';
import { EnvironmentPicker } from '@/components/environments/environment-picker';
import { EnvironmentSwitchDialog } from '@/components/environments/environment-switch-dialog';
import { LaunchSteps, WaitingForCapacity } from '@/components/kernels/launch-steps';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import type { TNotebookDetail } from '@/lib/notebooks/get-notebook';
import type { TFocusRequest } from './cell-editor';
import { CellList, useStableList, useStableSet } from './cell-list';
import { CellStore } from './cell-store';
import { isEditableTarget, keyName, matchKey, SEQUENCE_TIMEOUT_MS } from './command-keys';
import { CommandPalette } from './command-palette';
import { FindBar } from './find-bar';
import { KernelStatusBadge } from './kernel-status-badge';
import { MetadataRepairBanner } from './metadata-repair-banner';
import { COMMANDS, COMMANDS_BY_ID, type TCommandId } from './notebook-commands';
import { selectedIds, toNotebook } from './notebook-model';
import { repairActions } from './notebook-repair';
import { NotebookToolbar } from './notebook-toolbar';
import { OutlinePanel } from './outline-panel';
import { SaveIndicator } from './save-indicator';
import { ShortcutSheet } from './shortcut-sheet';
import { headingsOf, hiddenByCollapsedHeadings, sectionCellOf } from './table-of-contents';
import { useCellHandlers } from './use-cell-handlers';
import { useCellRunner } from './use-cell-runner';
import { useEnvironmentSwitch, type TNotebookEnvironment } from './use-environment-switch';
import { useKernel } from './use-kernel';
import { useKernelNotices } from './use-kernel-notices';
import { CullWarningBanner } from './cull-warning-banner';
import { QuotaRefusal } from './quota-refusal';
import { useNotebookCommands } from './use-notebook-commands';
import { useNotebookFind } from './use-notebook-find';
import { useNotebookModel } from './use-notebook-model';
import { useNotebookSave } from './use-notebook-save';
import { useViewPreference } from './view-preferences';
import { useWidgetBridge, WidgetBridgeProvider } from './widgets/widget-bridge-context';
import './notebook.css';

/**
 * The notebook page's client: JupyterLab's command and edit modes over the cell model, the
 * toolbar, palette, shortcut sheet, find/replace and outline, kernel status and saving.
 * Editors run cells on their kernel and save; viewers read, select, search and navigate.
 */
export function NotebookEditor({ notebook, userId, kernelStartsOnRun = false }: { notebook: TNotebookDetail; userId: string; kernelStartsOnRun?: boolean }) {
  const readOnly = !notebook.canEdit;
  const canRun = notebook.canRun && !readOnly;
  const { state, current: stateRef, dispatch } = useNotebookModel(notebook.content);

  const [env, setEnv] = useState<TNotebookEnvironment>({
    id: notebook.environmentId,
    label: notebook.environmentLabel,
    slug: notebook.environmentSlug ?? notebook.content.metadata.kernelspec?.name ?? 'python3',
  });
  const kernel = useKernel({ projectId: notebook.projectId, notebookId: notebook.id, userId, kernelName: env.slug, enabled: notebook.canRun, startOnRun: kernelStartsOnRun });
  const notices = useKernelNotices(notebook.projectId, notebook.canRun);
  const notebookUrl = `/api/projects/${notebook.projectId}/notebooks/${notebook.id}`;
  const save = useNotebookSave({ url: notebookUrl, initialVersion: notebook.version, enabled: notebook.canEdit, revision: state.revision, snapshot: () => toNotebook(stateRef.current) });
  const envSwitch = useEnvironmentSwitch({ notebookUrl, setEnv, dispatch, kernel, save });
  // Read by the cells' handlers, which stay one object for the page's life.
  const envSwitchRef = useRef(envSwitch);
  envSwitchRef.current = envSwitch;
  const { runCells, answerInput } = useCellRunner({ state: stateRef, dispatch, kernel, canRun, saveSoon: save.saveSoon });
  const find = useNotebookFind(state.cells, dispatch);
  const widgets = useWidgetBridge({ metadata: notebook.content.metadata, watchKernel: kernel.watchKernel, onState: (s) => dispatch({ type: 'set-widget-state', state: s }) });

  const [lineNumbers, toggleLineNumbers] = useViewPreference('line-numbers');
  const [fullWidth, toggleFullWidth] = useViewPreference('full-width');
  const [outlineOpen, toggleOutline] = useViewPreference('outline');
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [sheetOpen, setSheetOpen] = useState(false);
  const [confirming, setConfirming] = useState<{ id: TCommandId; then: () => void } | null>(null);
  const mac = useMemo(() => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform), []);

  // Focus: an editor (edit mode) or the active cell itself (command mode).
  const [editFocus, setEditFocus] = useState<{ id: string | null; request: TFocusRequest } | null>(null);
  const [cellFocus, setCellFocus] = useState(0);
  const editCell = useCallback((id: string | null, at?: 'start' | 'end') => setEditFocus((f) => ({ id, request: { n: (f?.request.n ?? 0) + 1, at } })), []);
  const focusActiveCell = useCallback(() => setCellFocus((n) => n + 1), []);
  const cellsRoot = useRef<HTMLDivElement>(null);

  // What the cell list renders from is kept stable while the user types, so a keystroke
  // re-renders only its cell (through the store), not the list.
  const store = useRef(new CellStore()).current;
  store.sync(state.cells);
  useLayoutEffect(() => store.flush());
  const ids = useStableList(state.cells.map((c) => c.id));
  const collapsed = useStableSet(state.cells.filter((c) => c.metadata.heading_collapsed && c.cellType === 'markdown').map((c) => c.id));
  const hidden = useStableSet(collapsed.size ? [...hiddenByCollapsedHeadings(state.cells, collapsed)] : []);
  const hiddenRef = useRef(hidden);
  hiddenRef.current = hidden;
  const visibleIds = useCallback(() => stateRef.current.cells.filter((c) => !hiddenRef.current.has(c.id)).map((c) => c.id), []);
  const headings = useMemo(() => (outlineOpen ? headingsOf(state.cells) : []), [outlineOpen, state.cells]);

  const confirm = useCallback((id: TCommandId, then: () => void) => setConfirming({ id, then }), []);
  const panels = useMemo(
    () => ({
      palette: () => setPaletteOpen(true),
      shortcuts: () => setSheetOpen(true),
      find: find.show,
      outline: toggleOutline,
      lineNumbers: toggleLineNumbers,
      fullWidth: toggleFullWidth,
    }),
    [find.show, toggleOutline, toggleLineNumbers, toggleFullWidth],
  );
  const saveNow = useCallback(() => void save.saveNow(), [save]);
  const runCommand = useNotebookCommands({
    state: stateRef,
    dispatch,
    visibleIds,
    runCells,
    editCell,
    focusActiveCell,
    kernel,
    save: saveNow,
    readOnly,
    canRun,
    confirm,
    panels,
  });
  const commandRef = useRef(runCommand);
  commandRef.current = runCommand;

  const handlers = useCellHandlers({
    state: stateRef,
    dispatch,
    visibleIds,
    editCell,
    focusActiveCell,
    command: commandRef,
    help: canRun ? kernel.help : null,
    answerInput,
    largerEnvironments: canRun && notebook.canEdit ? { projectId: notebook.projectId, switcher: envSwitchRef } : null,
  });

  // Command mode: the active cell holds the focus (and so the visible ring and the Tab stop).
  const cellFocusDone = useRef(0);
  useEffect(() => {
    const s = stateRef.current;
    const asked = cellFocus !== cellFocusDone.current;
    cellFocusDone.current = cellFocus;
    if (s.mode !== 'command' || !s.activeId) return;
    const el = cellsRoot.current?.querySelector<HTMLElement>(`[data-cell-id="${s.activeId}"]`);
    if (!el) return;
    const focused = document.activeElement;
    // Unless a command asked for it, the focus moves only within the notebook (or from nowhere), never out of a panel or dialog the user is in.
    if (!asked && focused && focused !== document.body && !cellsRoot.current?.contains(focused)) return;
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: 'nearest' });
  }, [cellFocus, state.activeId, state.mode]);

  // A sequence's first key (D of D D) waits a moment for its second.
  const pendingKey = useRef<{ key: string; at: number } | null>(null);
  function onCellsKeyDown(e: KeyboardEvent) {
    if (e.defaultPrevented || isEditableTarget(e.target)) return;
    const name = keyName(e.nativeEvent);
    if (!name) return;
    if ((name === 'Enter' || name === ' ') && (e.target as Element).closest('button, a, summary')) return;
    const pending = pendingKey.current && performance.now() - pendingKey.current.at < SEQUENCE_TIMEOUT_MS ? pendingKey.current.key : null;
    const match = matchKey(pending, name);
    pendingKey.current = match.pending ? { key: match.pending, at: performance.now() } : null;
    if (!match.handled) return;
    e.preventDefault();
    if (match.command) runCommand(match.command);
  }

  // Page-wide keys: save from anywhere, the palette from anywhere, find while in the notebook.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const name = keyName(e);
      if (name === 'Accel+S' && !readOnly) {
        e.preventDefault();
        void save.saveNow();
      } else if (name === 'Accel+Shift+C' && !(e.target as Element | null)?.closest?.('dialog')) {
        e.preventDefault();
        setPaletteOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [readOnly, save]);

  // The current match's cell is selected and shown; a rendered Markdown cell opens so the match can be highlighted.
  const currentMatch = find.current !== null ? find.matches[find.current] : undefined;
  useEffect(() => {
    if (!currentMatch) return;
    dispatch({ type: 'select', id: currentMatch.cellId });
    const cell = stateRef.current.cells.find((c) => c.id === currentMatch.cellId);
    if (cell?.cellType === 'markdown' && !cell.editing && !readOnly) dispatch({ type: 'set-editing', id: cell.id, editing: true });
    cellsRoot.current?.querySelector(`[data-cell-id="${currentMatch.cellId}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [currentMatch, readOnly]);

  const selected = useStableSet(selectedIds(state));
  const paletteCommands = useMemo(() => COMMANDS.filter((c) => !(c.edits && readOnly) && !(c.runs && !canRun)), [readOnly, canRun]);
  const editTarget = editFocus ? (editFocus.id ?? state.activeId) : null;
  const hiddenCounts = useMemo(() => countHiddenAfter(ids, collapsed, hidden), [ids, collapsed, hidden]);

  function downloadMine() {
    const blob = new Blob([JSON.stringify(toFileForm(toNotebook(stateRef.current)), null, 1)], { type: 'application/x-ipynb+json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${notebook.name} (my changes).ipynb`;
    a.click();
    URL.revokeObjectURL(a.href);
  }

  const width = fullWidth ? 'max-w-none' : 'max-w-6xl';
  return (
    <div className="flex min-h-[calc(100vh-3rem)] flex-col bg-slate-100">
      <a href="#notebook-cells" onClick={(e) => (e.preventDefault(), focusActiveCell())} className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-14 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:shadow">
        Skip to notebook cells
      </a>
      {/* Opaque, without backdrop blur: blurring what scrolls under the header cost ~5 ms per keystroke in a 1,000-cell notebook (bench/notebook-editor.ts). */}
      <div className="sticky top-12 z-20 border-b border-slate-200 bg-white">
        <div className={`mx-auto flex ${width} flex-wrap items-center gap-x-4 gap-y-1 px-3 pt-2 sm:px-4`}>
          <nav className="flex min-w-0 items-center gap-1.5 text-sm" aria-label="Breadcrumb">
            <Link href={`/projects/${notebook.projectId}`} className="truncate text-slate-500 hover:text-slate-800 hover:underline">
              {notebook.projectName}
            </Link>
            <span className="text-slate-300">/</span>
            <h1 className="truncate font-semibold text-slate-900">{notebook.name}</h1>
          </nav>
          {!readOnly && <SaveIndicator state={save.state} savedAt={save.savedAt} autosaveBy={save.autosaveBy} />}
          {readOnly && (
            <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600" data-testid="read-only">
              {notebook.projectArchived ? 'Read only · project archived' : 'Read only'}
            </span>
          )}
          <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600" data-testid="notebook-mode" aria-live="polite">
            {state.mode === 'edit' ? 'Edit mode' : 'Command mode'}
          </span>
          <div className="ml-auto flex min-w-0 flex-wrap items-center gap-2">
            {notebook.canEdit && <EnvironmentPicker projectId={notebook.projectId} current={{ id: env.id, label: env.label }} onChoose={envSwitch.choose} disabled={envSwitch.busy} />}
            <KernelStatusBadge status={kernel.status} environment={env.label} progress={kernel.progress} startsOnRun={notebook.canRun} />
          </div>
        </div>
        {kernel.progress && (
          <div className={`mx-auto ${width} space-y-1.5 px-4 pt-1.5`}>
            <LaunchSteps progress={kernel.progress} />
            <WaitingForCapacity progress={kernel.progress} />
          </div>
        )}
        <div className={`mx-auto ${width} px-3 py-1.5`}>
          <NotebookToolbar
            run={(id) => runCommand(id)}
            setType={(cellType) => runCommand(cellType === 'code' ? 'to-code' : cellType === 'markdown' ? 'to-markdown' : 'to-raw')}
            activeType={state.cells.find((c) => c.id === state.activeId)?.cellType ?? null}
            readOnly={readOnly}
            canRun={canRun}
            toggles={{ outline: outlineOpen, lineNumbers, fullWidth }}
          />
        </div>
        {find.open && (
          <div className={`mx-auto ${width} px-3 pb-1.5`}>
            <FindBar
              options={find.options}
              onOptions={find.setOptions}
              replacement={find.replacement}
              onReplacement={find.setReplacement}
              count={find.matches.length}
              current={find.current}
              error={find.error}
              onNext={find.next}
              onPrevious={find.previous}
              onReplace={find.replaceCurrent}
              onReplaceAll={find.replaceAll}
              onClose={() => {
                find.close();
                focusActiveCell();
              }}
              readOnly={readOnly}
              focusSignal={find.focusSignal}
            />
          </div>
        )}
      </div>

      <div className={`mx-auto flex w-full ${width} flex-1 gap-4 px-4 py-4`}>
        {outlineOpen && (
          <aside className="sticky top-40 hidden max-h-[calc(100vh-11rem)] w-64 shrink-0 self-start overflow-y-auto rounded-lg border border-slate-200 bg-white p-2 shadow-sm md:block">
            <OutlinePanel
              headings={headings}
              activeCellId={state.activeId ? sectionCellOf(state.cells, state.activeId) : null}
              collapsed={collapsed}
              onJump={(id) => {
                if (hidden.has(id)) return;
                dispatch({ type: 'select', id });
                dispatch({ type: 'set-mode', mode: 'command' });
                focusActiveCell();
                cellsRoot.current?.querySelector(`[data-cell-id="${id}"]`)?.scrollIntoView({ block: 'start' });
              }}
              onToggleCollapsed={(id) => dispatch({ type: 'toggle-heading-collapsed', id })}
              onClose={toggleOutline}
            />
          </aside>
        )}
        <main className="min-w-0 flex-1">
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
          {kernel.refused && <QuotaRefusal holders={kernel.refused} />}
          {notebook.canRun && <CullWarningBanner notices={notices} notebookId={notebook.id} userId={userId} />}
          <MetadataRepairBanner metadata={state.metadata} readOnly={readOnly} onRepair={() => repairActions(stateRef.current).forEach(dispatch)} onRepaired={saveNow} />
          {envSwitch.error && !envSwitch.pending && <Alert tone="error" className="mb-3">{envSwitch.error}</Alert>}

          <div
            id="notebook-cells"
            ref={cellsRoot}
            onKeyDown={onCellsKeyDown}
            className="rounded-lg border border-slate-200 bg-white py-3 shadow-sm"
            data-testid="notebook-cells"
            role="region"
            aria-label="Notebook cells"
          >
            <WidgetBridgeProvider bridge={widgets}>
            <CellList
              ids={ids}
              store={store}
              hidden={hidden}
              activeId={state.activeId}
              selected={selected}
              mode={state.mode}
              readOnly={readOnly}
              editTarget={editTarget}
              editRequest={editFocus?.request}
              lineNumbers={lineNumbers}
              marks={find.marks}
              collapsed={collapsed}
              hiddenCounts={hiddenCounts}
              handlers={handlers}
            />
            </WidgetBridgeProvider>
            {!readOnly && (
              <div className="flex justify-center gap-2 pt-2">
                <Button size="sm" variant="ghost" onClick={() => runCommand('insert-below', { cellId: state.cells[state.cells.length - 1]?.id })}>
                  + Code
                </Button>
              </div>
            )}
          </div>
        </main>
      </div>

      <CommandPalette open={paletteOpen} commands={paletteCommands} mac={mac} onRun={(id) => runCommand(id)} onClose={() => setPaletteOpen(false)} />
      <ShortcutSheet open={sheetOpen} commands={paletteCommands} mac={mac} onClose={() => (setSheetOpen(false), focusActiveCell())} />
      <ConfirmDialog
        open={confirming !== null}
        title={confirming ? COMMANDS_BY_ID.get(confirming.id)!.label.replace('…', '') : ''}
        description={confirming ? COMMANDS_BY_ID.get(confirming.id)!.confirm : undefined}
        confirmLabel={(confirming && COMMANDS_BY_ID.get(confirming.id)!.confirmLabel) || 'Restart'}
        onConfirm={() => {
          confirming?.then();
          setConfirming(null);
          focusActiveCell();
        }}
        onClose={() => (setConfirming(null), focusActiveCell())}
      />
      <EnvironmentSwitchDialog pending={envSwitch.pending} currentLabel={env.label} busy={envSwitch.busy} error={envSwitch.error} onConfirm={envSwitch.confirm} onClose={envSwitch.cancel} />
    </div>
  );
}

/** For each collapsed heading cell, how many cells its collapse hides (shown as "n cells hidden"). */
function countHiddenAfter(ids: readonly string[], collapsed: ReadonlySet<string>, hidden: ReadonlySet<string>): Map<string, number> {
  const counts = new Map<string, number>();
  if (!collapsed.size) return counts;
  ids.forEach((id, i) => {
    if (!collapsed.has(id) || hidden.has(id)) return;
    let n = 0;
    while (i + 1 + n < ids.length && hidden.has(ids[i + 1 + n]!)) n++;
    counts.set(id, n);
  });
  return counts;
}
