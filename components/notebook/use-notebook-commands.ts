'use client';

import { useCallback, type Dispatch, type RefObject } from 'react';
import { cellsToPaste, copyCells } from './cell-clipboard';
import { COMMANDS_BY_ID, type TCommandId } from './notebook-commands';
import { newEditorCell, selectedIds, type TEditorAction, type TEditorState } from './notebook-model';
import { outputActionFor, toggleScrollingFor } from './output-metadata';
import { toggleViewPreference } from './view-preferences';

/** Where a command was given: the cell whose editor had focus and its selection (edit mode), else the active cell. */
export interface TCommandContext {
  cellId?: string;
  selection?: { from: number; to: number };
}

/** What commands act on beyond the model: the kernel, saving, focus and the page's panels. */
export interface TCommandTargets {
  state: RefObject<TEditorState>;
  dispatch: Dispatch<TEditorAction>;
  /** The cells the user can see (not under a collapsed heading), in order. */
  visibleIds: () => string[];
  runCells: (ids: readonly string[]) => void;
  /** Focus a cell's editor (edit mode), null: whichever cell is active once this change has rendered; `at` places the cursor. */
  editCell: (id: string | null, at?: 'start' | 'end') => void;
  /** Focus the active cell itself (command mode). */
  focusActiveCell: () => void;
  kernel: { interrupt(): Promise<void>; restart(): Promise<void>; shutdown(): Promise<void> };
  save: () => void;
  readOnly: boolean;
  canRun: boolean;
  /** Asks "are you sure?" and calls back only when the user agrees. */
  confirm: (id: TCommandId, then: () => void) => void;
  panels: { palette(): void; shortcuts(): void; find(query?: string): void; outline(): void; lineNumbers(): void; fullWidth(): void };
}

/** Runs any notebook command, from a key, the toolbar or the palette, with JupyterLab's behaviour. */
export function useNotebookCommands(t: TCommandTargets) {
  return useCallback(
    (id: TCommandId, ctx: TCommandContext = {}) => {
      const def = COMMANDS_BY_ID.get(id);
      if (!def || (def.edits && t.readOnly) || (def.runs && !t.canRun)) return;
      if (def.confirm) t.confirm(id, () => perform(t, id, ctx));
      else perform(t, id, ctx);
    },
    // The targets object is rebuilt each render; its members are what matter and are read at call time.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t.readOnly, t.canRun, t.state, t.dispatch, t.visibleIds, t.runCells, t.editCell, t.focusActiveCell, t.kernel, t.save, t.confirm, t.panels],
  );
}

function perform(t: TCommandTargets, id: TCommandId, ctx: TCommandContext): void {
  const s = t.state.current;
  const activeId = ctx.cellId ?? s.activeId;
  if (!activeId && !['palette', 'shortcuts', 'find', 'save', 'toggle-outline', 'toggle-line-numbers', 'toggle-full-width', 'interrupt', 'restart', 'shutdown', 'run-all', 'restart-run-all', 'paste-below', 'clear-all-outputs'].includes(id)) return;
  const selected = ctx.cellId && ctx.cellId !== s.activeId ? [ctx.cellId] : selectedIds(s);
  const visible = t.visibleIds();
  const at = (cellId: string | null) => (cellId ? s.cells.findIndex((c) => c.id === cellId) : -1);
  const last = selected[selected.length - 1] ?? activeId;
  const command = () => {
    t.dispatch({ type: 'set-mode', mode: 'command' });
    t.focusActiveCell();
  };
  const select = (cellId: string | undefined, extend = false) => {
    if (!cellId) return;
    t.dispatch({ type: 'select', id: cellId, extend });
    command();
  };
  const insert = (index: number, cellType: 'code' | 'markdown' = 'code', edit = false) => {
    const cell = newEditorCell(cellType);
    t.dispatch({ type: 'insert', index, cell });
    if (edit) {
      t.dispatch({ type: 'set-mode', mode: 'edit' });
      t.editCell(cell.id);
    } else command();
  };
  const neighbour = (cellId: string | null, delta: 1 | -1) => {
    const i = cellId ? visible.indexOf(cellId) : -1;
    return i < 0 ? undefined : visible[i + delta];
  };

  switch (id) {
    case 'run-advance': {
      t.runCells(selected);
      const next = neighbour(last, 1);
      if (next) select(next);
      else insert(at(last) + 1, 'code', true);
      return;
    }
    case 'run':
      t.runCells(selected);
      return command();
    case 'run-insert':
      t.runCells(selected);
      return insert(at(last) + 1, 'code', true);
    case 'run-all':
      return t.runCells(s.cells.map((c) => c.id));
    case 'run-above':
      return t.runCells(s.cells.slice(0, at(activeId)).map((c) => c.id));
    case 'run-below':
      return t.runCells(s.cells.slice(at(activeId)).map((c) => c.id));
    case 'restart-run-all':
    case 'restart-run-to-here': {
      const ids = id === 'restart-run-all' ? s.cells.map((c) => c.id) : s.cells.slice(0, at(activeId) + 1).map((c) => c.id);
      void t.kernel.restart().then(() => t.runCells(ids));
      return;
    }
    case 'insert-above':
      return insert(at(activeId));
    case 'insert-below':
      return insert(at(activeId) + 1);
    case 'insert-markdown-below':
      return insert(at(activeId) + 1, 'markdown', true);
    case 'cut':
      copyCells(s.cells.filter((c) => selected.includes(c.id)));
      t.dispatch({ type: 'delete', ids: selected });
      return command();
    case 'copy':
      return copyCells(s.cells.filter((c) => selected.includes(c.id)));
    case 'paste-below':
    case 'paste-above': {
      const cells = cellsToPaste();
      if (!cells.length) return;
      const index = id === 'paste-above' ? at(selected[0] ?? activeId) : activeId ? at(last) + 1 : s.cells.length;
      t.dispatch({ type: 'paste', index: Math.max(0, index), cells });
      return command();
    }
    case 'delete':
      t.dispatch({ type: 'delete', ids: selected });
      return command();
    case 'undo':
    case 'redo':
      t.dispatch({ type: id });
      return command();
    case 'to-code':
    case 'to-markdown':
    case 'to-raw':
      t.dispatch({ type: 'set-type', ids: selected, cellType: id === 'to-code' ? 'code' : id === 'to-markdown' ? 'markdown' : 'raw' });
      return command();
    case 'heading-1':
    case 'heading-2':
    case 'heading-3':
    case 'heading-4':
    case 'heading-5':
    case 'heading-6':
      t.dispatch({ type: 'set-heading', ids: selected, level: Number(id.slice(-1)) });
      return command();
    case 'merge':
      t.dispatch({ type: 'merge', ids: selected });
      return command();
    case 'split': {
      const cell = s.cells.find((c) => c.id === activeId);
      if (!cell || !ctx.selection) return;
      t.dispatch({ type: 'split', id: cell.id, ...ctx.selection });
      // The last part (the reducer makes it active) takes the cursor, in edit mode, as in JupyterLab.
      return t.editCell(null, 'start');
    }
    case 'move-up':
    case 'move-down':
      t.dispatch({ type: 'move', ids: selected, delta: id === 'move-up' ? -1 : 1 });
      if (s.mode === 'edit' && activeId) t.editCell(activeId);
      else t.focusActiveCell();
      return;
    case 'select-up':
      return select(neighbour(activeId, -1) ?? activeId ?? undefined);
    case 'select-down':
      return select(neighbour(activeId, 1) ?? activeId ?? undefined);
    case 'extend-up':
      return select(neighbour(activeId, -1), true);
    case 'extend-down':
      return select(neighbour(activeId, 1), true);
    case 'select-all':
      t.dispatch({ type: 'select-all' });
      return command();
    case 'edit': {
      const cell = s.cells.find((c) => c.id === activeId);
      if (!cell || t.readOnly) return;
      if (cell.cellType === 'markdown') t.dispatch({ type: 'set-editing', id: cell.id, editing: true });
      t.dispatch({ type: 'set-mode', mode: 'edit' });
      return t.editCell(cell.id);
    }
    case 'command-mode':
      if (activeId) t.dispatch({ type: 'select', id: activeId });
      return command();
    case 'interrupt':
      return void t.kernel.interrupt();
    case 'restart':
      return void t.kernel.restart();
    case 'shutdown':
      // A failure leaves the badge showing the kernel, which is then still there.
      return void t.kernel.shutdown().catch(() => undefined);
    case 'clear-outputs':
      return t.dispatch({ type: 'clear-outputs', ids: selected });
    case 'clear-all-outputs':
      return t.dispatch({ type: 'clear-outputs' });
    case 'collapse-outputs':
    case 'expand-outputs':
      return t.dispatch(outputActionFor(selected, { kind: id === 'collapse-outputs' ? 'hide' : 'show' }));
    case 'toggle-output-scrolling':
      return t.dispatch(toggleScrollingFor(selected));
    case 'toggle-execution-time':
      return toggleViewPreference('hide-execution-time');
    case 'palette':
      return t.panels.palette();
    case 'shortcuts':
      return t.panels.shortcuts();
    case 'find': {
      const cell = s.cells.find((c) => c.id === activeId);
      const picked = cell && ctx.selection && ctx.selection.to > ctx.selection.from ? cell.source.slice(ctx.selection.from, ctx.selection.to) : undefined;
      return t.panels.find(picked && !picked.includes('\n') ? picked : undefined);
    }
    case 'save':
      return t.save();
    case 'toggle-line-numbers':
      return t.panels.lineNumbers();
    case 'toggle-input':
      return t.dispatch({ type: 'toggle-input-hidden', ids: selected });
    case 'toggle-outline':
      return t.panels.outline();
    case 'toggle-full-width':
      return t.panels.fullWidth();
  }
}
