import { newCellId } from '@/common/nbformat/cell-id';
import type { TEditorCell } from './notebook-model';

/**
 * Merging and splitting cells as JupyterLab's Shift+M and Ctrl+Shift+- do. Pure: they take
 * cells and return cells; the reducer records them for undo.
 */

/** The cells joined into the first one: sources separated by a blank line, its type and metadata kept, code outputs dropped (they no longer belong to the code). */
export function mergeCells(cells: readonly TEditorCell[]): TEditorCell {
  const [first] = cells;
  if (!first) throw new Error('mergeCells needs at least one cell');
  const attachments = Object.assign({}, ...cells.map((c) => c.attachments ?? {}));
  return {
    ...first,
    source: cells.map((c) => c.source).join('\n\n'),
    outputs: [],
    executionCount: null,
    attachments: first.cellType === 'code' || !Object.keys(attachments).length ? undefined : attachments,
  };
}

/** One newline at a cut is the line break the user split at, not content. */
function trimCut(text: string, side: 'start' | 'end'): string {
  return side === 'end' ? text.replace(/\r?\n$/, '') : text.replace(/^\r?\n/, '');
}

/**
 * The cell cut at the cursor (`from === to`: two cells) or around a selection (three: before,
 * the selection, after); empty parts are dropped unless nothing else is left. The first part
 * keeps the cell's id and metadata; a code cell's outputs go with the last part, the code that
 * ends where they were produced.
 */
export function splitCell(cell: TEditorCell, from: number, to: number): TEditorCell[] {
  const a = Math.max(0, Math.min(from, to, cell.source.length));
  const b = Math.min(cell.source.length, Math.max(from, to));
  const raw = a === b ? [cell.source.slice(0, a), cell.source.slice(a)] : [cell.source.slice(0, a), cell.source.slice(a, b), cell.source.slice(b)];
  const parts = raw.map((text, i) => trimCut(trimCut(text, i < raw.length - 1 ? 'end' : 'start'), i > 0 ? 'start' : 'end'));
  const kept = parts.filter((p) => p.trim() !== '');
  if (kept.length < 2) return [cell];
  return kept.map((source, i) => ({
    ...cell,
    id: i === 0 ? cell.id : newCellId(),
    metadata: i === 0 ? cell.metadata : {},
    source,
    outputs: i === kept.length - 1 ? cell.outputs : [],
    executionCount: i === kept.length - 1 ? cell.executionCount : null,
    attachments: i === 0 ? cell.attachments : undefined,
    run: 'idle',
    editing: cell.editing,
  }));
}

/** The ids from `a` to `b` inclusive in list order (either may come first). */
export function idsBetween(cells: readonly TEditorCell[], a: string, b: string): string[] {
  const i = cells.findIndex((c) => c.id === a);
  const j = cells.findIndex((c) => c.id === b);
  if (i < 0 || j < 0) return i >= 0 ? [a] : j >= 0 ? [b] : [];
  return cells.slice(Math.min(i, j), Math.max(i, j) + 1).map((c) => c.id);
}
