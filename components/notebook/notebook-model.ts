import { newCellId } from '@/common/nbformat/cell-id';
import { joinMultiline } from '@/common/nbformat/multiline';
import type { TCell, TCellType, TMimeBundle, TNotebook, TNotebookMetadata, TOutput } from '@/common/nbformat/schema';
import { emptyHistory, recordChange, stepHistory, type TCellHistory } from './cell-history';
import { idsBetween, mergeCells, splitCell } from './cell-operations';
import { appendOutput, appendStream, type TRuntimeOutput } from './outputs/output-limits';
import { withHeadingLevel } from './table-of-contents';
import { WIDGET_STATE_MIME } from './widgets/widget-protocol';
import type { TWidgetState } from './widgets/widget-schemas';
import { metadataToSave } from './widgets/widget-state';

/**
 * The editor's notebook state and every change to it, as a pure reducer: cell editing,
 * structure changes, and kernel messages turned into outputs (the way JupyterLab's output
 * area does it: streams merged, `clear_output(wait)` deferred, displays updated by id).
 */

export type { TRuntimeOutput } from './outputs/output-limits';

export interface TEditorCell {
  id: string;
  cellType: TCellType;
  source: string;
  metadata: Record<string, unknown>;
  attachments?: Record<string, TMimeBundle>;
  outputs: TRuntimeOutput[];
  executionCount: number | null;
  /** Where the cell is in a run: waiting its turn, or executing now. */
  run: 'idle' | 'queued' | 'running';
  /** `clear_output(wait=True)` arrived: clear just before the next output. */
  clearPending: boolean;
  /** Markdown cells: showing the editor rather than the rendered text. */
  editing: boolean;
  /** The kernel asked for input (`input()`, `getpass()`, pdb) and waits for the answer. Never saved. */
  stdin?: TStdinRequest;
  /** What happened to the cell's run when the kernel went away (it died, was stopped, …). Never saved. */
  notice?: TCellNotice;
}

export interface TStdinRequest {
  prompt: string;
  /** `getpass()`: a password field, never echoed or saved. */
  password: boolean;
}

/** Why a run ended without a reply: shown in the cell that was running, and on the cells that were queued. */
export interface TCellNotice {
  /** `lost`: the cell was running when the kernel went away; `not-run`: it was still waiting its turn. */
  kind: 'lost' | 'not-run';
  text: string;
  /** The kernel that went away. */
  kernelId: string;
  /** A dead kernel that a larger environment may help (out of memory): offer to move the notebook there. */
  offerLarger?: boolean;
}

export type TMode = 'command' | 'edit';

export interface TEditorState {
  metadata: TNotebookMetadata;
  cells: TEditorCell[];
  /** The cell the keys act on (JupyterLab's "active cell"). */
  activeId: string | null;
  /** The other end of a Shift+↑/↓ or Shift+click selection; the selection is the cells from it to the active one. */
  anchorId: string | null;
  /** Command mode: keys act on cells. Edit mode: keys go to the active cell's editor. */
  mode: TMode;
  history: TCellHistory;
  /** Bumped by every change that should be saved; the saver compares it with what it last stored. */
  revision: number;
}

/** Structural cell changes take explicit ids, so the model does not depend on what the view has selected. */
export type TEditorAction =
  | { type: 'edit-source'; id: string; source: string }
  | { type: 'insert'; index: number; cell: TEditorCell }
  | { type: 'paste'; index: number; cells: TEditorCell[] }
  | { type: 'delete'; ids: string[] }
  | { type: 'move'; ids: string[]; delta: -1 | 1 }
  | { type: 'move-to'; id: string; index: number }
  | { type: 'set-type'; ids: string[]; cellType: TCellType }
  | { type: 'set-heading'; ids: string[]; level: number }
  | { type: 'merge'; ids: string[] }
  | { type: 'split'; id: string; from: number; to: number }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'select'; id: string; extend?: boolean }
  | { type: 'select-all' }
  | { type: 'set-mode'; mode: TMode }
  | { type: 'set-editing'; id: string; editing: boolean }
  | { type: 'toggle-input-hidden'; ids: string[] }
  | { type: 'toggle-heading-collapsed'; id: string }
  | { type: 'clear-outputs'; ids?: string[] }
  /** Cell metadata changed by a pure function (output folding, timing, repair); unchanged metadata is no change. */
  | { type: 'update-metadata'; ids: string[]; update: (metadata: Record<string, unknown>, cell: TEditorCell) => Record<string, unknown> }
  | { type: 'update-notebook-metadata'; update: (metadata: TNotebookMetadata) => TNotebookMetadata }
  | { type: 'queue'; ids: string[] }
  | { type: 'run-start'; id: string }
  | { type: 'kernel-message'; id: string; msgType: string; content: Record<string, unknown> }
  | { type: 'run-end'; id: string; executionCount?: number | null }
  | { type: 'cancel-queued' }
  | { type: 'input-request'; id: string; request: TStdinRequest }
  /** The answer went to the kernel: the prompt and answer stay in the output as a terminal shows them (a password as dots). */
  | { type: 'input-answered'; id: string; value: string }
  /** The kernel went away before `id` got its reply: the notice says why (or that the cell never got its turn). */
  | { type: 'run-lost'; id: string; notice: TCellNotice }
  /** The server already stored this kernelspec (environment attached): no save needed. */
  | { type: 'set-kernelspec'; kernelspec: { name: string; display_name: string; language?: string } }
  /** The widgets' state changed (widget bridge): saved in the metadata as JupyterLab saves it. */
  | { type: 'set-widget-state'; state: TWidgetState };

export function newEditorCell(cellType: TCellType, source = ''): TEditorCell {
  return { id: newCellId(), cellType, source, metadata: {}, outputs: [], executionCount: null, run: 'idle', clearPending: false, editing: cellType === 'markdown' };
}

/** One saved cell as the editor holds it (a fresh copy under a new id with `newId`, as pasting needs). */
export function fromCell(c: TCell, newId = false): TEditorCell {
  return {
    id: newId ? newCellId() : c.id,
    cellType: c.cell_type,
    source: joinMultiline(c.source),
    metadata: c.metadata,
    attachments: c.cell_type === 'code' ? undefined : c.attachments,
    outputs: c.cell_type === 'code' ? c.outputs : [],
    executionCount: c.cell_type === 'code' ? c.execution_count : null,
    run: 'idle',
    clearPending: false,
    editing: c.cell_type === 'markdown' && joinMultiline(c.source).trim() === '',
  };
}

export function fromNotebook(nb: TNotebook): TEditorState {
  const cells = nb.cells.map((c) => fromCell(c));
  return { metadata: nb.metadata, cells, activeId: cells[0]?.id ?? null, anchorId: null, mode: 'command', history: emptyHistory, revision: 0 };
}

function stripOutput(o: TRuntimeOutput): TOutput {
  if (o.displayId === undefined) return o;
  const { displayId: _drop, ...rest } = o;
  return rest as TOutput;
}

/** The state as nbformat 4.5 (what is saved). */
export function toNotebook(state: TEditorState): TNotebook {
  return {
    metadata: metadataToSave(state.metadata, state.cells.map((c) => c.outputs)),
    nbformat: 4,
    nbformat_minor: 5,
    cells: state.cells.map(toCell),
  };
}

/** One editor cell as nbformat saves it. */
export function toCell(c: TEditorCell): TCell {
  if (c.cellType === 'code') {
    return { id: c.id, cell_type: 'code', metadata: c.metadata, source: c.source, outputs: c.outputs.map(stripOutput), execution_count: c.executionCount };
  }
  return { id: c.id, cell_type: c.cellType, metadata: c.metadata, source: c.source, ...(c.attachments ? { attachments: c.attachments } : {}) };
}

/** One kernel message applied to a cell's outputs (execute_input sets the count). */
export function applyOutputMessage(cell: TEditorCell, msgType: string, content: Record<string, unknown>): TEditorCell {
  if (msgType === 'execute_input') return { ...cell, executionCount: (content.execution_count as number) ?? cell.executionCount };
  if (msgType === 'clear_output') return content.wait ? { ...cell, clearPending: true } : { ...cell, outputs: [], clearPending: false };
  let outputs = cell.clearPending ? [] : cell.outputs;
  const transient = (content.transient ?? {}) as { display_id?: string };
  switch (msgType) {
    case 'stream':
      outputs = appendStream(outputs, String(content.name ?? 'stdout'), String(content.text ?? ''));
      break;
    case 'display_data':
      outputs = appendOutput(outputs, {
        output_type: 'display_data',
        data: (content.data ?? {}) as TMimeBundle,
        metadata: (content.metadata ?? {}) as Record<string, unknown>,
        ...(transient.display_id ? { displayId: transient.display_id } : {}),
      });
      break;
    case 'execute_result':
      outputs = appendOutput(outputs, {
        output_type: 'execute_result',
        execution_count: (content.execution_count as number | null) ?? null,
        data: (content.data ?? {}) as TMimeBundle,
        metadata: (content.metadata ?? {}) as Record<string, unknown>,
        ...(transient.display_id ? { displayId: transient.display_id } : {}),
      });
      break;
    case 'error':
      outputs = appendOutput(outputs, { output_type: 'error', ename: String(content.ename ?? ''), evalue: String(content.evalue ?? ''), traceback: (content.traceback as string[]) ?? [] });
      break;
    default:
      return cell;
  }
  return { ...cell, outputs, clearPending: false };
}

/** `update_display_data` (and a repeated display id): every output shown with that id, in any cell, takes the new data. */
function updateDisplays(cells: TEditorCell[], displayId: string, content: Record<string, unknown>): TEditorCell[] {
  return cells.map((cell) => {
    if (!cell.outputs.some((o) => o.displayId === displayId)) return cell;
    return {
      ...cell,
      outputs: cell.outputs.map((o) =>
        o.displayId === displayId && (o.output_type === 'display_data' || o.output_type === 'execute_result')
          ? { ...o, data: (content.data ?? {}) as TMimeBundle, metadata: (content.metadata ?? {}) as Record<string, unknown> }
          : o,
      ),
    };
  });
}

function mapCell(state: TEditorState, id: string, fn: (c: TEditorCell) => TEditorCell, dirty = true): TEditorState {
  let changed = false;
  const cells = state.cells.map((c) => {
    if (c.id !== id) return c;
    const next = fn(c);
    if (next !== c) changed = true;
    return next;
  });
  return changed ? { ...state, cells, revision: state.revision + (dirty ? 1 : 0) } : state;
}

/** A structural change: recorded for cell undo, saved, and the selection collapsed onto `activeId`. */
function structural(state: TEditorState, cells: TEditorCell[], touched: Iterable<string>, activeId: string | null): TEditorState {
  // A notebook always has a cell to type into, as in JupyterLab.
  const kept = cells.length ? cells : [newEditorCell('code')];
  const active = activeId && kept.some((c) => c.id === activeId) ? activeId : kept[0]!.id;
  const set = new Set(touched);
  if (!cells.length) set.add(kept[0]!.id);
  return {
    ...state,
    cells: kept,
    activeId: active,
    anchorId: null,
    history: recordChange(state.history, { cells: state.cells, touched: set, activeId: state.activeId }),
    revision: state.revision + 1,
  };
}

function indexOf(state: TEditorState, id: string): number {
  return state.cells.findIndex((c) => c.id === id);
}

/** The given ids in notebook order (unknown ids dropped). */
function inOrder(state: TEditorState, ids: readonly string[]): TEditorCell[] {
  const wanted = new Set(ids);
  return state.cells.filter((c) => wanted.has(c.id));
}

function retype(c: TEditorCell, cellType: TCellType): TEditorCell {
  if (c.cellType === cellType) return c;
  return { ...c, cellType, outputs: [], executionCount: null, attachments: cellType === 'code' ? undefined : c.attachments, editing: false };
}

function insertCells(state: TEditorState, index: number, added: TEditorCell[]): TEditorState {
  const cells = [...state.cells];
  cells.splice(Math.max(0, Math.min(index, cells.length)), 0, ...added);
  return structural(state, cells, added.map((c) => c.id), added[added.length - 1]?.id ?? state.activeId);
}

function toggleJupyterFlag(c: TEditorCell, flag: 'source_hidden'): TEditorCell {
  const jupyter = { ...((c.metadata.jupyter as Record<string, unknown> | undefined) ?? {}) };
  if (jupyter[flag]) delete jupyter[flag];
  else jupyter[flag] = true;
  const { jupyter: _old, ...rest } = c.metadata;
  return { ...c, metadata: Object.keys(jupyter).length ? { ...rest, jupyter } : rest };
}

export function editorReducer(state: TEditorState, action: TEditorAction): TEditorState {
  switch (action.type) {
    case 'edit-source':
      return mapCell(state, action.id, (c) => (c.source === action.source ? c : { ...c, source: action.source }));
    case 'insert':
      return insertCells(state, action.index, [action.cell]);
    case 'paste':
      return action.cells.length ? insertCells(state, action.index, action.cells) : state;
    case 'delete': {
      const gone = new Set(inOrder(state, action.ids).map((c) => c.id));
      if (!gone.size) return state;
      const first = state.cells.findIndex((c) => gone.has(c.id));
      const cells = state.cells.filter((c) => !gone.has(c.id));
      return structural(state, cells, gone, cells[Math.min(first, cells.length - 1)]?.id ?? null);
    }
    case 'move': {
      const moving = inOrder(state, action.ids);
      if (!moving.length) return state;
      const start = indexOf(state, moving[0]!.id);
      const end = indexOf(state, moving[moving.length - 1]!.id);
      // Only a contiguous run moves, as JupyterLab's selection always is.
      if (end - start + 1 !== moving.length) return state;
      const to = start + action.delta;
      if (to < 0 || end + action.delta >= state.cells.length) return state;
      const cells = [...state.cells];
      cells.splice(start, moving.length);
      cells.splice(to, 0, ...moving);
      const next = structural(state, cells, [], state.activeId);
      return { ...next, anchorId: state.anchorId };
    }
    case 'move-to': {
      const from = indexOf(state, action.id);
      if (from < 0) return state;
      const cells = [...state.cells];
      const [cell] = cells.splice(from, 1);
      const to = Math.max(0, Math.min(action.index > from ? action.index - 1 : action.index, cells.length));
      if (to === from) return state;
      cells.splice(to, 0, cell!);
      return structural(state, cells, [], action.id);
    }
    case 'set-type': {
      const ids = new Set(inOrder(state, action.ids).filter((c) => c.cellType !== action.cellType).map((c) => c.id));
      if (!ids.size) return state;
      return keepSelection(state, structural(state, state.cells.map((c) => (ids.has(c.id) ? retype(c, action.cellType) : c)), ids, state.activeId));
    }
    case 'set-heading': {
      const ids = new Set(inOrder(state, action.ids).map((c) => c.id));
      if (!ids.size) return state;
      const cells = state.cells.map((c) => (ids.has(c.id) ? { ...retype(c, 'markdown'), source: withHeadingLevel(c.source, action.level), editing: false } : c));
      return keepSelection(state, structural(state, cells, ids, state.activeId));
    }
    case 'merge': {
      let merging = inOrder(state, action.ids);
      // One cell selected: JupyterLab merges it with the cell below.
      if (merging.length === 1) merging = state.cells.slice(indexOf(state, merging[0]!.id), indexOf(state, merging[0]!.id) + 2);
      if (merging.length < 2) return state;
      const merged = mergeCells(merging);
      const gone = new Set(merging.slice(1).map((c) => c.id));
      const cells = state.cells.filter((c) => !gone.has(c.id)).map((c) => (c.id === merged.id ? merged : c));
      return structural(state, cells, merging.map((c) => c.id), merged.id);
    }
    case 'split': {
      const at = indexOf(state, action.id);
      if (at < 0) return state;
      const parts = splitCell(state.cells[at]!, action.from, action.to);
      if (parts.length < 2) return state;
      const cells = [...state.cells];
      cells.splice(at, 1, ...parts);
      return structural(state, cells, parts.map((c) => c.id), parts[parts.length - 1]!.id);
    }
    case 'undo':
    case 'redo': {
      const step = stepHistory(state.history, action.type, state);
      if (!step) return state;
      return { ...state, cells: step.cells, activeId: step.activeId, anchorId: null, history: step.history, revision: state.revision + 1 };
    }
    case 'select': {
      if (indexOf(state, action.id) < 0) return state;
      const anchorId = action.extend ? (state.anchorId ?? state.activeId) : null;
      return state.activeId === action.id && state.anchorId === anchorId ? state : { ...state, activeId: action.id, anchorId };
    }
    case 'select-all': {
      const first = state.cells[0]?.id ?? null;
      const last = state.cells[state.cells.length - 1]?.id ?? null;
      return { ...state, anchorId: first, activeId: last };
    }
    case 'set-mode':
      return state.mode === action.mode ? state : { ...state, mode: action.mode, anchorId: action.mode === 'edit' ? null : state.anchorId };
    case 'set-editing':
      return mapCell(state, action.id, (c) => (c.editing === action.editing ? c : { ...c, editing: action.editing }), false);
    case 'toggle-input-hidden': {
      const ids = new Set(action.ids);
      return { ...state, cells: state.cells.map((c) => (ids.has(c.id) ? toggleJupyterFlag(c, 'source_hidden') : c)), revision: state.revision + 1 };
    }
    case 'toggle-heading-collapsed':
      return mapCell(state, action.id, (c) => {
        const { heading_collapsed: was, ...rest } = c.metadata;
        return { ...c, metadata: was ? rest : { ...rest, heading_collapsed: true } };
      });
    case 'clear-outputs': {
      const ids = action.ids ? new Set(action.ids) : null;
      const clear = (c: TEditorCell) => ((!ids || ids.has(c.id)) && (c.outputs.length || c.executionCount !== null) ? { ...c, outputs: [], executionCount: null } : c);
      const cells = state.cells.map(clear);
      const cleared = cells.filter((c, i) => c !== state.cells[i]).map((c) => c.id);
      // Undoable (Z) like any other change to cells: clearing all outputs is one key away from losing them.
      return cleared.length ? keepSelection(state, structural(state, cells, cleared, state.activeId)) : state;
    }
    case 'update-metadata': {
      const ids = new Set(action.ids);
      const cells = state.cells.map((c) => {
        if (!ids.has(c.id)) return c;
        const metadata = action.update(c.metadata, c);
        return metadata === c.metadata ? c : { ...c, metadata };
      });
      return cells.some((c, i) => c !== state.cells[i]) ? { ...state, cells, revision: state.revision + 1 } : state;
    }
    case 'update-notebook-metadata': {
      const metadata = action.update(state.metadata);
      return metadata === state.metadata ? state : { ...state, metadata, revision: state.revision + 1 };
    }
    case 'queue': {
      const ids = new Set(action.ids);
      return { ...state, cells: state.cells.map((c) => (ids.has(c.id) && c.cellType === 'code' ? { ...c, run: 'queued' } : c)) };
    }
    case 'run-start':
      return mapCell(state, action.id, (c) => ({ ...c, run: 'running', outputs: [], clearPending: false, notice: undefined, stdin: undefined }));
    case 'kernel-message': {
      const displayId = (action.content.transient as { display_id?: string } | undefined)?.display_id;
      if (action.msgType === 'update_display_data') {
        return displayId ? { ...state, cells: updateDisplays(state.cells, displayId, action.content), revision: state.revision + 1 } : state;
      }
      const base = displayId && action.msgType === 'display_data' ? { ...state, cells: updateDisplays(state.cells, displayId, action.content) } : state;
      return mapCell(base, action.id, (c) => applyOutputMessage(c, action.msgType, action.content));
    }
    case 'run-end':
      return mapCell(state, action.id, (c) => ({
        ...c,
        run: 'idle',
        clearPending: false,
        stdin: undefined,
        executionCount: action.executionCount !== undefined ? action.executionCount : c.executionCount,
      }));
    case 'cancel-queued':
      return { ...state, cells: state.cells.map((c) => (c.run !== 'idle' ? { ...c, run: 'idle', stdin: undefined } : c)) };
    case 'input-request':
      return mapCell(state, action.id, (c) => ({ ...c, stdin: action.request }), false);
    case 'input-answered':
      return mapCell(state, action.id, (c) => {
        if (!c.stdin) return c;
        const shown = c.stdin.password ? '········' : action.value;
        return { ...applyOutputMessage({ ...c, stdin: undefined }, 'stream', { name: 'stdout', text: `${c.stdin.prompt}${shown}\n` }) };
      });
    case 'run-lost':
      // Applied while the cell still runs, and again (same kernel) once the reason is known; never over a later run.
      return mapCell(
        state,
        action.id,
        (c) => (c.run !== 'idle' || c.notice?.kernelId === action.notice.kernelId ? { ...c, run: 'idle', stdin: undefined, clearPending: false, notice: action.notice } : c),
        false,
      );
    case 'set-kernelspec':
      return { ...state, metadata: { ...state.metadata, kernelspec: action.kernelspec } };
    case 'set-widget-state':
      return { ...state, metadata: { ...state.metadata, widgets: { [WIDGET_STATE_MIME]: action.state } }, revision: state.revision + 1 };
  }
}

/** A change to the selected cells' content keeps them selected (changing types of several cells one after another). */
function keepSelection(before: TEditorState, after: TEditorState): TEditorState {
  return { ...after, activeId: before.activeId, anchorId: before.anchorId };
}

/** The selected cells' ids in order: the active cell alone, or the run from the anchor to it. */
export function selectedIds(state: Pick<TEditorState, 'cells' | 'activeId' | 'anchorId'>): string[] {
  if (!state.activeId) return [];
  return state.anchorId ? idsBetween(state.cells, state.anchorId, state.activeId) : [state.activeId];
}
