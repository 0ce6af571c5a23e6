/**
 * How a code cell's outputs are shown, as nbformat and JupyterLab store it in the cell's
 * metadata: `jupyter.outputs_hidden` (collapsed behind a "… outputs hidden" bar) and
 * `scrolled` (true: folded into a scrolling area; false: shown whole; absent or "auto": folded
 * when tall). Pure functions over the metadata object; the reducer applies them.
 */

import type { TEditorAction } from './notebook-model';

type TMetadata = Record<string, unknown>;

/** What a person can do to one cell's outputs from the output area or a command. */
export type TOutputAction = { kind: 'hide' } | { kind: 'show' } | { kind: 'scroll'; scrolled: boolean } | { kind: 'clear' };

export function outputsHidden(metadata: TMetadata): boolean {
  return (metadata.jupyter as { outputs_hidden?: unknown } | undefined)?.outputs_hidden === true;
}

/** The stored scrolling choice: true, false, or 'auto' (absent). */
export function scrolledSetting(metadata: TMetadata): boolean | 'auto' {
  return typeof metadata.scrolled === 'boolean' ? metadata.scrolled : 'auto';
}

/** Metadata with `jupyter.outputs_hidden` set (or removed when false, as JupyterLab leaves it out). */
export function withOutputsHidden(metadata: TMetadata, hidden: boolean): TMetadata {
  if (outputsHidden(metadata) === hidden) return metadata;
  const jupyter = { ...((metadata.jupyter as TMetadata | undefined) ?? {}) };
  if (hidden) jupyter.outputs_hidden = true;
  else delete jupyter.outputs_hidden;
  const { jupyter: _old, ...rest } = metadata;
  return Object.keys(jupyter).length ? { ...rest, jupyter } : rest;
}

export function withScrolled(metadata: TMetadata, scrolled: boolean): TMetadata {
  return metadata.scrolled === scrolled ? metadata : { ...metadata, scrolled };
}

/** The model change an output action makes to the given cells. */
export function outputActionFor(ids: string[], action: TOutputAction): TEditorAction {
  switch (action.kind) {
    case 'clear':
      return { type: 'clear-outputs', ids };
    case 'hide':
    case 'show':
      return { type: 'update-metadata', ids, update: (m, cell) => (cell.cellType === 'code' ? withOutputsHidden(m, action.kind === 'hide') : m) };
    case 'scroll':
      return { type: 'update-metadata', ids, update: (m, cell) => (cell.cellType === 'code' ? withScrolled(m, action.scrolled) : m) };
  }
}

/** "Toggle output scrolling" on the selected cells: a cell not folded on purpose becomes folded, and back. */
export function toggleScrollingFor(ids: string[]): TEditorAction {
  return { type: 'update-metadata', ids, update: (m, cell) => (cell.cellType === 'code' ? withScrolled(m, scrolledSetting(m) !== true) : m) };
}
