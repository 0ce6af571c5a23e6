import { z } from 'zod';
import { ZCell } from '@/common/nbformat/schema';
import { fromCell, toCell, type TEditorCell } from './notebook-model';

/**
 * Copied cells (X / C, pasted with V), kept in localStorage so they paste into another
 * notebook in the same browser, as JupyterLab's cell clipboard does across its tabs. What is
 * read back is validated: another tab or an older version may have written something else.
 */
const KEY = 'lattice:cell-clipboard';
const ZClipboard = z.object({ cells: z.array(ZCell).min(1) });
/** Used only when localStorage refuses the write. */
let memory: ReturnType<typeof toCell>[] | null = null;

export function copyCells(cells: readonly TEditorCell[]): void {
  if (!cells.length) return;
  try {
    localStorage.setItem(KEY, JSON.stringify({ cells: cells.map(toCell) }));
  } catch {
    // Storage full or disabled: copying then works within this page only.
    memory = cells.map(toCell);
    return;
  }
  memory = null;
}

/** Fresh copies (new ids) of the copied cells; empty when nothing usable was copied. */
export function cellsToPaste(): TEditorCell[] {
  let stored: unknown = memory ? { cells: memory } : null;
  if (!stored) {
    try {
      stored = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    } catch {
      return [];
    }
  }
  const parsed = ZClipboard.safeParse(stored);
  return parsed.success ? parsed.data.cells.map((c) => ({ ...fromCell(c, true), editing: false })) : [];
}
