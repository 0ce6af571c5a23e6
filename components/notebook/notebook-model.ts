import { newCellId } from '@/common/nbformat/cell-id';
import { joinMultiline } from '@/common/nbformat/multiline';
import type { TCell, TCellType, TMimeBundle, TNotebook, TNotebookMetadata, TOutput } from '@/common/nbformat/schema';
import { removeOverwrittenChars } from './outputs/mime';

/**
 * The editor's notebook state and every change to it, as a pure reducer: cell editing,
 * structure changes, and kernel messages turned into outputs (the way JupyterLab's output
 * area does it: streams merged, `clear_output(wait)` deferred, displays updated by id).
 */

/** An output plus the display id it was shown with (kept in memory only, never saved). */
export type TRuntimeOutput = TOutput & { displayId?: string };

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
}

export interface TEditorState {
  metadata: TNotebookMetadata;
  cells: TEditorCell[];
  activeId: string | null;
  /** Bumped by every change that should be saved; the saver compares it with what it last stored. */
  revision: number;
}

export type TEditorAction =
  | { type: 'edit-source'; id: string; source: string }
  | { type: 'insert'; index: number; cell: TEditorCell }
  | { type: 'delete'; id: string }
  | { type: 'move'; id: string; delta: -1 | 1 }
  | { type: 'set-type'; id: string; cellType: TCellType }
  | { type: 'activate'; id: string }
  | { type: 'set-editing'; id: string; editing: boolean }
  | { type: 'clear-outputs'; id?: string }
  | { type: 'queue'; ids: string[] }
  | { type: 'run-start'; id: string }
  | { type: 'kernel-message'; id: string; msgType: string; content: Record<string, unknown> }
  | { type: 'run-end'; id: string; executionCount?: number | null }
  | { type: 'cancel-queued' }
  /** The server already stored this kernelspec (environment attached): no save needed. */
  | { type: 'set-kernelspec'; kernelspec: { name: string; display_name: string; language?: string } };

export function newEditorCell(cellType: TCellType, source = ''): TEditorCell {
  return { id: newCellId(), cellType, source, metadata: {}, outputs: [], executionCount: null, run: 'idle', clearPending: false, editing: cellType === 'markdown' };
}

export function fromNotebook(nb: TNotebook): TEditorState {
  const cells = nb.cells.map((c): TEditorCell => ({
    id: c.id,
    cellType: c.cell_type,
    source: joinMultiline(c.source),
    metadata: c.metadata,
    attachments: c.cell_type === 'code' ? undefined : c.attachments,
    outputs: c.cell_type === 'code' ? c.outputs : [],
    executionCount: c.cell_type === 'code' ? c.execution_count : null,
    run: 'idle',
    clearPending: false,
    editing: c.cell_type === 'markdown' && joinMultiline(c.source).trim() === '',
  }));
  return { metadata: nb.metadata, cells, activeId: cells[0]?.id ?? null, revision: 0 };
}

function stripOutput(o: TRuntimeOutput): TOutput {
  if (o.displayId === undefined) return o;
  const { displayId: _drop, ...rest } = o;
  return rest as TOutput;
}

/** The state as nbformat 4.5 (what is saved). */
export function toNotebook(state: TEditorState): TNotebook {
  return {
    metadata: state.metadata,
    nbformat: 4,
    nbformat_minor: 5,
    cells: state.cells.map((c): TCell => {
      if (c.cellType === 'code') {
        return { id: c.id, cell_type: 'code', metadata: c.metadata, source: c.source, outputs: c.outputs.map(stripOutput), execution_count: c.executionCount };
      }
      return { id: c.id, cell_type: c.cellType, metadata: c.metadata, source: c.source, ...(c.attachments ? { attachments: c.attachments } : {}) };
    }),
  };
}

/** One kernel message applied to a cell's outputs (execute_input sets the count). */
export function applyOutputMessage(cell: TEditorCell, msgType: string, content: Record<string, unknown>): TEditorCell {
  if (msgType === 'execute_input') return { ...cell, executionCount: (content.execution_count as number) ?? cell.executionCount };
  if (msgType === 'clear_output') return content.wait ? { ...cell, clearPending: true } : { ...cell, outputs: [], clearPending: false };
  let outputs = cell.clearPending ? [] : cell.outputs;
  const transient = (content.transient ?? {}) as { display_id?: string };
  switch (msgType) {
    case 'stream': {
      const name = String(content.name ?? 'stdout');
      const text = String(content.text ?? '');
      const last = outputs[outputs.length - 1];
      if (last?.output_type === 'stream' && last.name === name) {
        const merged = removeOverwrittenChars(joinMultiline(last.text) + text);
        outputs = [...outputs.slice(0, -1), { ...last, text: merged }];
      } else {
        outputs = [...outputs, { output_type: 'stream', name, text: removeOverwrittenChars(text) }];
      }
      break;
    }
    case 'display_data':
      outputs = [
        ...outputs,
        {
          output_type: 'display_data',
          data: (content.data ?? {}) as TMimeBundle,
          metadata: (content.metadata ?? {}) as Record<string, unknown>,
          ...(transient.display_id ? { displayId: transient.display_id } : {}),
        },
      ];
      break;
    case 'execute_result':
      outputs = [
        ...outputs,
        {
          output_type: 'execute_result',
          execution_count: (content.execution_count as number | null) ?? null,
          data: (content.data ?? {}) as TMimeBundle,
          metadata: (content.metadata ?? {}) as Record<string, unknown>,
          ...(transient.display_id ? { displayId: transient.display_id } : {}),
        },
      ];
      break;
    case 'error':
      outputs = [
        ...outputs,
        { output_type: 'error', ename: String(content.ename ?? ''), evalue: String(content.evalue ?? ''), traceback: (content.traceback as string[]) ?? [] },
      ];
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
    changed = true;
    return fn(c);
  });
  return changed ? { ...state, cells, revision: state.revision + (dirty ? 1 : 0) } : state;
}

export function editorReducer(state: TEditorState, action: TEditorAction): TEditorState {
  switch (action.type) {
    case 'edit-source':
      return mapCell(state, action.id, (c) => (c.source === action.source ? c : { ...c, source: action.source }));
    case 'insert': {
      const cells = [...state.cells];
      cells.splice(Math.max(0, Math.min(action.index, cells.length)), 0, action.cell);
      return { ...state, cells, activeId: action.cell.id, revision: state.revision + 1 };
    }
    case 'delete': {
      const index = state.cells.findIndex((c) => c.id === action.id);
      if (index < 0) return state;
      const cells = state.cells.filter((c) => c.id !== action.id);
      const next = cells[Math.min(index, cells.length - 1)]?.id ?? null;
      return { ...state, cells, activeId: state.activeId === action.id ? next : state.activeId, revision: state.revision + 1 };
    }
    case 'move': {
      const index = state.cells.findIndex((c) => c.id === action.id);
      const to = index + action.delta;
      if (index < 0 || to < 0 || to >= state.cells.length) return state;
      const cells = [...state.cells];
      [cells[index], cells[to]] = [cells[to]!, cells[index]!];
      return { ...state, cells, revision: state.revision + 1 };
    }
    case 'set-type':
      return mapCell(state, action.id, (c) =>
        c.cellType === action.cellType
          ? c
          : { ...c, cellType: action.cellType, outputs: [], executionCount: null, attachments: action.cellType === 'code' ? undefined : c.attachments, editing: action.cellType === 'markdown' },
      );
    case 'activate':
      return state.activeId === action.id ? state : { ...state, activeId: action.id };
    case 'set-editing':
      return mapCell(state, action.id, (c) => (c.editing === action.editing ? c : { ...c, editing: action.editing }), false);
    case 'clear-outputs': {
      const clear = (c: TEditorCell) => (c.outputs.length || c.executionCount !== null ? { ...c, outputs: [], executionCount: null } : c);
      if (action.id) return mapCell(state, action.id, clear);
      return { ...state, cells: state.cells.map(clear), revision: state.revision + 1 };
    }
    case 'queue': {
      const ids = new Set(action.ids);
      return { ...state, cells: state.cells.map((c) => (ids.has(c.id) && c.cellType === 'code' ? { ...c, run: 'queued' } : c)) };
    }
    case 'run-start':
      return mapCell(state, action.id, (c) => ({ ...c, run: 'running', outputs: [], clearPending: false }));
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
        executionCount: action.executionCount !== undefined ? action.executionCount : c.executionCount,
      }));
    case 'cancel-queued':
      return { ...state, cells: state.cells.map((c) => (c.run !== 'idle' ? { ...c, run: 'idle' } : c)) };
    case 'set-kernelspec':
      return { ...state, metadata: { ...state.metadata, kernelspec: action.kernelspec } };
  }
}
