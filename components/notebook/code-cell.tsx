'use client';

import { CellEditor, type TCellKeys } from './cell-editor';
import type { TEditorCell } from './notebook-model';
import { OutputArea } from './outputs/output-area';

/** The `[n]:` prompt: blank before a run, `*` while queued or running. */
export function promptText(cell: TEditorCell): string {
  if (cell.run !== 'idle') return '[*]:';
  return `[${cell.executionCount ?? ' '}]:`;
}

/** A code cell (or a raw cell, without highlighting and outputs): prompt gutter, editor, outputs. */
export function CodeCell({ cell, readOnly, focusSignal, keys, onChange, onFocus }: {
  cell: TEditorCell;
  readOnly: boolean;
  focusSignal?: number;
  keys: TCellKeys;
  onChange: (source: string) => void;
  onFocus: () => void;
}) {
  const raw = cell.cellType === 'raw';
  return (
    <div>
      <div className="flex">
        <div className="w-16 shrink-0 select-none pr-2 pt-[7px] text-right font-mono text-xs leading-5 text-indigo-700/80" data-testid="cell-prompt">
          {raw ? 'raw' : promptText(cell)}
        </div>
        <div className={`min-w-0 flex-1 rounded border ${raw ? 'border-dashed border-slate-300 bg-white' : 'border-slate-200 bg-slate-50/80'}`}>
          <CellEditor
            value={cell.source}
            language={raw ? 'plain' : 'python'}
            readOnly={readOnly}
            focusSignal={focusSignal}
            keys={keys}
            onChange={onChange}
            onFocus={onFocus}
          />
        </div>
      </div>
      {!raw && <OutputArea outputs={cell.outputs} />}
    </div>
  );
}
