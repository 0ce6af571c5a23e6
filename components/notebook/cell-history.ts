import type { TEditorCell } from './notebook-model';

/**
 * Cell-level undo (JupyterLab's Z / Shift+Z): each structural change records the cell list
 * before it and the cells it touched. Undo brings back that list's order and the touched
 * cells as they were (a deleted cell returns with its outputs), while every other cell keeps
 * its current text — typing is undone inside each editor by CodeMirror's own history.
 */
export interface THistoryEntry {
  cells: readonly TEditorCell[];
  touched: ReadonlySet<string>;
  activeId: string | null;
}

export interface TCellHistory {
  undo: readonly THistoryEntry[];
  redo: readonly THistoryEntry[];
}

/** Enough for a working session; older entries are dropped first. */
const MAX_ENTRIES = 100;

export const emptyHistory: TCellHistory = { undo: [], redo: [] };

/** A new change: its "before" goes on the undo stack and the redo stack is cleared. */
export function recordChange(history: TCellHistory, entry: THistoryEntry): TCellHistory {
  return { undo: [...history.undo.slice(-(MAX_ENTRIES - 1)), entry], redo: [] };
}

/** The cell list `entry` describes, with untouched cells as they are now. */
export function restoreCells(entry: THistoryEntry, current: readonly TEditorCell[]): TEditorCell[] {
  const now = new Map(current.map((c) => [c.id, c]));
  return entry.cells.map((saved) => {
    const live = now.get(saved.id);
    if (live && !entry.touched.has(saved.id)) return live;
    // A restored cell is not running any more unless it still is.
    return { ...saved, run: live?.run ?? 'idle', clearPending: false };
  });
}

/** Moves one step from `from` to `to` (undo: undo→redo; redo: redo→undo); null when there is nothing to move. */
export function stepHistory(
  history: TCellHistory,
  direction: 'undo' | 'redo',
  current: { cells: readonly TEditorCell[]; activeId: string | null },
): { history: TCellHistory; cells: TEditorCell[]; activeId: string | null } | null {
  const from = direction === 'undo' ? history.undo : history.redo;
  const entry = from[from.length - 1];
  if (!entry) return null;
  const inverse: THistoryEntry = { cells: current.cells, touched: entry.touched, activeId: current.activeId };
  const rest = from.slice(0, -1);
  const other = direction === 'undo' ? history.redo : history.undo;
  const next = direction === 'undo' ? { undo: rest, redo: [...other, inverse] } : { undo: [...other, inverse], redo: rest };
  const cells = restoreCells(entry, current.cells);
  const activeId = entry.activeId && cells.some((c) => c.id === entry.activeId) ? entry.activeId : (cells[0]?.id ?? null);
  return { history: next, cells, activeId };
}
