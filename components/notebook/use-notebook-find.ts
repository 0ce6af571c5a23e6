'use client';

import { useCallback, useMemo, useState, type Dispatch } from 'react';
import type { TSearchMarks } from './cell-editor';
import type { TEditorAction, TEditorCell } from './notebook-model';
import { findMatches, replaceInSource, type TSearchMatch, type TSearchOptions } from './notebook-search';

const NO_MARKS = new Map<string, TSearchMarks>();
const NO_MATCHES: TSearchMatch[] = [];

/**
 * Find and replace across every cell (Ctrl/Cmd+F in the notebook): the matches in cell
 * order, the current one, each cell's share of them for its editor's highlighting, and
 * replace one / replace all through the model (so each replacement is saved and is undone
 * with Ctrl+Z in its cell's editor).
 */
export function useNotebookFind(cells: readonly TEditorCell[], dispatch: Dispatch<TEditorAction>) {
  const [open, setOpen] = useState(false);
  const [options, setOptions] = useState<TSearchOptions>({ query: '', caseSensitive: false, wholeWord: false, regex: false });
  const [replacement, setReplacement] = useState('');
  const [index, setIndex] = useState(0);
  const [focusSignal, setFocusSignal] = useState(0);

  const found = useMemo(() => (open ? findMatches(cells, options) : NO_MATCHES), [open, cells, options]);
  const matches: TSearchMatch[] = Array.isArray(found) ? found : [];
  const error = Array.isArray(found) ? null : found.error;
  const current = matches.length ? Math.min(index, matches.length - 1) : null;

  /** Per cell: its ranges and which of them is current. Cells without matches get none (and do not re-render). */
  const marks = useMemo(() => {
    if (!matches.length) return NO_MARKS;
    const byCell = new Map<string, TSearchMarks>();
    matches.forEach((m, i) => {
      const entry = byCell.get(m.cellId) ?? { ranges: [], current: null };
      if (i === current) entry.current = entry.ranges.length;
      entry.ranges.push({ from: m.from, to: m.to });
      byCell.set(m.cellId, entry);
    });
    return byCell;
  }, [matches, current]);

  const show = useCallback((query?: string) => {
    setOpen(true);
    if (query) setOptions((o) => ({ ...o, query }));
    setFocusSignal((n) => n + 1);
  }, []);

  const step = (delta: 1 | -1) => setIndex((i) => (matches.length ? (Math.min(i, matches.length - 1) + delta + matches.length) % matches.length : 0));

  function replaceCurrent() {
    const m = current !== null ? matches[current] : undefined;
    const cell = m && cells.find((c) => c.id === m.cellId);
    if (!m || !cell) return;
    dispatch({ type: 'edit-source', id: cell.id, source: replaceInSource(cell.source, [m], options, replacement) });
    if (matches.length === 1) keepFocusInBar();
  }

  /** Replacing the last match disables the button that did it, which drops the focus to the page; it goes back to the query instead, so the bar's keys (Escape) still work. */
  function keepFocusInBar() {
    setFocusSignal((n) => n + 1);
  }

  function replaceAll() {
    const byCell = new Map<string, TSearchMatch[]>();
    for (const m of matches) byCell.set(m.cellId, [...(byCell.get(m.cellId) ?? []), m]);
    for (const cell of cells) {
      const mine = byCell.get(cell.id);
      if (mine) dispatch({ type: 'edit-source', id: cell.id, source: replaceInSource(cell.source, mine, options, replacement) });
    }
    keepFocusInBar();
  }

  return {
    open,
    show,
    close: () => setOpen(false),
    options,
    setOptions: (o: TSearchOptions) => {
      setOptions(o);
      setIndex(0);
    },
    replacement,
    setReplacement,
    matches,
    current,
    error,
    marks,
    focusSignal,
    next: () => step(1),
    previous: () => step(-1),
    replaceCurrent,
    replaceAll,
  };
}
