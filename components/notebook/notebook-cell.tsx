'use client';

import { memo, useCallback, useMemo, useRef, useState, useSyncExternalStore, type DragEvent, type MouseEvent } from 'react';
import { CellNotice, type TNoticeActions } from './cell-notice';
import { CellEditor, type TEditorEvents, type TFocusRequest, type TSearchMarks } from './cell-editor';
import type { CellStore } from './cell-store';
import type { TKernelHelp } from './kernel-help';
import { renderMarkdown } from './outputs/mime';
import { ExecutionTime } from './execution-time';
import { outputsHidden, scrolledSetting, type TOutputAction } from './output-metadata';
import { OutputArea } from './outputs/output-area';
import { purifier } from './outputs/purifier';
import { topHeadingLevel } from './table-of-contents';
import type { TCommandId } from './notebook-commands';
import type { TEditorCell, TMode } from './notebook-model';
import { useHydrated } from './use-hydrated';
import { StdinPrompt } from './stdin-prompt';
import { useNearViewport } from './use-near-viewport';

/** The notebook's handlers for every cell: one stable object, so cells re-render only when their own props change. */
export interface TCellHandlers {
  change(id: string, source: string): void;
  focusEditor(id: string): void;
  command(id: string, command: TCommandId, selection: { from: number; to: number }): void;
  leave(id: string, direction: 'up' | 'down'): void;
  select(id: string, extend: boolean): void;
  editMarkdown(id: string): void;
  toggleInput(id: string): void;
  toggleHeading(id: string): void;
  /** Collapse, expand, fold or clear one cell's outputs. */
  outputs(id: string, action: TOutputAction): void;
  drop(draggedId: string, targetId: string, where: 'before' | 'after'): void;
  help: (() => TKernelHelp | null) | null;
  /** Sends the answer typed into a cell's `input()` prompt. */
  answerInput(id: string, value: string): void;
  /** The notice's "restart on a larger environment" (null for viewers). */
  notices: TNoticeActions | null;
}

/** The `[n]:` prompt: blank before a run, `*` while queued or running. */
export function promptText(cell: TEditorCell): string {
  if (cell.run !== 'idle') return '[*]:';
  return `[${cell.executionCount ?? ' '}]:`;
}

const CELL_MIME = 'application/x-lattice-cell';
const TYPE_NAMES = { code: 'Code', markdown: 'Markdown', raw: 'Raw' } as const;

function isInputHidden(cell: TEditorCell): boolean {
  return Boolean((cell.metadata.jupyter as { source_hidden?: boolean } | undefined)?.source_hidden);
}

/**
 * One cell: the gutter (prompt, drag handle, collapse), its editor — or, until the cell nears
 * the viewport, its text as plain monospace of the same size — and its outputs. The wrapper
 * is the cell's focus target in command mode (roving tabindex: only the active cell is in the
 * Tab order).
 */
export const NotebookCell = memo(function NotebookCell(props: {
  id: string;
  store: CellStore;
  index: number;
  active: boolean;
  selected: boolean;
  /** The notebook's mode when this cell is active; 'command' otherwise, so mode changes re-render one cell. */
  mode: TMode;
  readOnly: boolean;
  focus?: TFocusRequest;
  lineNumbers: boolean;
  search?: TSearchMarks;
  /** Its section is collapsed (a Markdown heading cell with `heading_collapsed`). */
  headingCollapsed: boolean;
  hiddenCount: number;
  handlers: TCellHandlers;
}) {
  const { id, store, index, active, selected, mode, readOnly, focus, lineNumbers, search, headingCollapsed, hiddenCount, handlers } = props;
  const read = () => store.get(id)!;
  const cell = useSyncExternalStore(store.subscriber(id), read, read);
  const root = useRef<HTMLDivElement>(null);
  const near = useNearViewport(root);
  const hydrated = useHydrated();
  const [dropEdge, setDropEdge] = useState<'before' | 'after' | null>(null);
  const onOutputAction = useCallback((action: TOutputAction) => handlers.outputs(id, action), [handlers, id]);
  const events = useMemo<TEditorEvents>(
    () => ({
      onChange: (source) => handlers.change(id, source),
      onFocus: () => handlers.focusEditor(id),
      onCommand: (command, selection) => handlers.command(id, command, selection),
      onLeave: (direction) => handlers.leave(id, direction),
    }),
    [handlers, id],
  );
  const typeName = TYPE_NAMES[cell.cellType];
  const label = `Cell ${index + 1}, ${typeName.toLowerCase()}`;
  const inputHidden = isInputHidden(cell);
  const rendered = cell.cellType === 'markdown' && (!cell.editing || readOnly);
  const withEditor = (near || active || Boolean(focus)) && hydrated;
  const isHeading = useMemo(() => cell.cellType === 'markdown' && topHeadingLevel(cell.source) !== null, [cell.cellType, cell.source]);

  function onMouseDown(e: MouseEvent) {
    if ((e.target as HTMLElement).closest('.cm-editor, button, a, input, textarea, select')) return;
    handlers.select(id, e.shiftKey);
    // Keep focus on the cell (command mode) when clicking its prompt or outputs.
    if (!e.shiftKey) root.current?.focus({ preventScroll: true });
  }

  function onDragOver(e: DragEvent) {
    if (!e.dataTransfer.types.includes(CELL_MIME)) return;
    e.preventDefault();
    const box = root.current!.getBoundingClientRect();
    setDropEdge(e.clientY < box.top + box.height / 2 ? 'before' : 'after');
  }

  function onDrop(e: DragEvent) {
    const dragged = e.dataTransfer.getData(CELL_MIME);
    const where = dropEdge;
    setDropEdge(null);
    if (!dragged || !where) return;
    e.preventDefault();
    handlers.drop(dragged, id, where);
  }

  const editorBox = (language: 'python' | 'markdown' | 'plain') =>
    withEditor ? (
      <CellEditor
        value={cell.source}
        language={language}
        readOnly={readOnly}
        focus={focus}
        label={`${label} input`}
        placeholder={language === 'markdown' ? 'Markdown text' : undefined}
        lineNumbers={lineNumbers}
        search={search}
        help={language === 'python' ? handlers.help : null}
        events={events}
      />
    ) : (
      <pre className="lattice-cell-text" aria-label={`${label} input`}>{cell.source || ' '}</pre>
    );

  return (
    <div
      ref={root}
      data-testid="cell"
      data-cell-id={id}
      data-cell-type={cell.cellType}
      data-active={active || undefined}
      data-selected={selected || undefined}
      data-mode={active ? mode : undefined}
      role="group"
      aria-roledescription="cell"
      aria-label={label}
      tabIndex={active ? 0 : -1}
      onMouseDown={onMouseDown}
      onDragOver={onDragOver}
      onDragLeave={() => setDropEdge(null)}
      onDrop={onDrop}
      className={`lattice-cell group relative mx-2 my-1 rounded-md border py-1 pr-2 outline-none focus:ring-2 focus:ring-indigo-400 ${active && mode === 'edit' ? 'ring-2 ring-emerald-400' : ''} ${
        selected ? (active && mode === 'edit' ? 'border-emerald-300 bg-white' : 'border-indigo-200 bg-indigo-50/40') : 'border-transparent'
      }`}
    >
      {dropEdge && <span className={`absolute inset-x-2 h-0.5 bg-indigo-500 ${dropEdge === 'before' ? '-top-1' : '-bottom-1'}`} aria-hidden />}
      <span className={`absolute bottom-1 left-0 top-1 w-1 rounded ${active ? (mode === 'edit' ? 'bg-emerald-500' : 'bg-indigo-500') : selected ? 'bg-indigo-300' : 'bg-transparent'}`} aria-hidden />
      <div className="flex">
        <div className="flex w-16 shrink-0 flex-col items-end pr-2 pt-[5px]">
          <span className="select-none font-mono text-xs leading-5 text-indigo-700/80" data-testid="cell-prompt">
            {cell.cellType === 'code' ? promptText(cell) : cell.cellType === 'raw' ? 'raw' : ''}
          </span>
          <div className="flex gap-0.5 opacity-0 focus-within:opacity-100 group-hover:opacity-100 group-data-[active]:opacity-100">
            {!readOnly && (
              <span
                draggable
                onDragStart={(e) => {
                  e.dataTransfer.setData(CELL_MIME, id);
                  e.dataTransfer.effectAllowed = 'move';
                }}
                data-testid="drag-handle"
                title="Drag to move the cell"
                className="cursor-grab select-none px-0.5 text-xs leading-5 text-slate-400 hover:text-slate-700"
                aria-hidden
              >
                ⠿
              </span>
            )}
            <button
              type="button"
              tabIndex={-1}
              onClick={() => handlers.toggleInput(id)}
              aria-expanded={!inputHidden}
              aria-label={inputHidden ? `Expand ${label} input` : `Collapse ${label} input`}
              title={inputHidden ? 'Show the input' : 'Collapse the input'}
              className="px-0.5 text-xs leading-5 text-slate-400 hover:text-slate-700"
            >
              {inputHidden ? '▸' : '▾'}
            </button>
          </div>
        </div>
        <div className="min-w-0 flex-1">
          {inputHidden ? (
            <button type="button" tabIndex={-1} onClick={() => handlers.toggleInput(id)} className="w-full rounded border border-dashed border-slate-300 px-2 py-1 text-left text-xs text-slate-500" data-testid="input-collapsed">
              … input hidden ({cell.source.split('\n').length} lines)
            </button>
          ) : rendered ? (
            <MarkdownView cell={cell} readOnly={readOnly} onEdit={() => handlers.editMarkdown(id)} collapsed={isHeading ? headingCollapsed : null} hiddenCount={hiddenCount} onToggle={() => handlers.toggleHeading(id)} />
          ) : (
            <div className={`rounded border ${cell.cellType === 'raw' ? 'border-dashed border-slate-300 bg-white' : cell.cellType === 'markdown' ? 'border-slate-200 bg-white' : 'border-slate-200 bg-slate-50/80'}`}>
              {editorBox(cell.cellType === 'code' ? 'python' : cell.cellType === 'markdown' ? 'markdown' : 'plain')}
            </div>
          )}
        </div>
      </div>
      {cell.cellType === 'code' && (
        <>
          <OutputArea outputs={cell.outputs} hidden={outputsHidden(cell.metadata)} scrolled={scrolledSetting(cell.metadata)} canClear={!readOnly} onAction={onOutputAction} />
          {cell.stdin && <StdinPrompt request={cell.stdin} onAnswer={(value) => handlers.answerInput(id, value)} />}
          {cell.notice && <CellNotice notice={cell.notice} actions={handlers.notices} />}
          <ExecutionTime execution={cell.metadata.execution} running={cell.run === 'running'} />
        </>
      )}
    </div>
  );
});

/** A rendered Markdown cell (sanitized; double-click or Enter edits) with its section's collapse toggle when it is a heading. */
function MarkdownView({ cell, readOnly, onEdit, collapsed, hiddenCount, onToggle }: {
  cell: TEditorCell;
  readOnly: boolean;
  onEdit: () => void;
  collapsed: boolean | null;
  hiddenCount: number;
  onToggle: () => void;
}) {
  const hydrated = useHydrated();
  const html = useMemo(() => (hydrated ? renderMarkdown(purifier, cell.source, cell.attachments) : ''), [hydrated, cell.source, cell.attachments]);
  return (
    <div className="flex items-start gap-1">
      {collapsed !== null && (
        <button
          type="button"
          tabIndex={-1}
          onClick={onToggle}
          aria-expanded={!collapsed}
          aria-label={collapsed ? 'Expand section' : 'Collapse section'}
          data-testid="heading-toggle"
          className="mt-1.5 px-1 text-xs text-slate-400 hover:text-slate-700"
        >
          {collapsed ? '▸' : '▾'}
        </button>
      )}
      <div className="min-w-0 flex-1">
        <div
          className="lattice-markdown min-h-[1.5rem] px-2 py-1 text-sm"
          onDoubleClick={() => !readOnly && onEdit()}
          title={readOnly ? undefined : 'Double-click or press Enter to edit'}
          dangerouslySetInnerHTML={{ __html: cell.source.trim() ? html : '<p class="text-slate-400 italic">Empty Markdown cell</p>' }}
        />
        {collapsed && hiddenCount > 0 && (
          <button type="button" tabIndex={-1} onClick={onToggle} className="ml-2 rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-600 hover:bg-slate-200" data-testid="hidden-cells">
            {hiddenCount} cell{hiddenCount === 1 ? '' : 's'} hidden
          </button>
        )}
      </div>
    </div>
  );
}
