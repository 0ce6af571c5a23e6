'use client';

import { useCallback, useMemo } from 'react';
import { CellEditor, type TCellKeys } from './cell-editor';
import type { TEditorCell } from './notebook-model';
import { renderMarkdown } from './outputs/mime';
import { purifier } from './outputs/purifier';
import { useHydrated } from './use-hydrated';

/** A Markdown cell: its editor while editing, else the rendered, sanitized text (double-click to edit). */
export function MarkdownCell({ cell, readOnly, focusSignal, keys, onChange, onFocus, onEdit }: {
  cell: TEditorCell;
  readOnly: boolean;
  focusSignal?: number;
  keys: TCellKeys;
  onChange: (source: string) => void;
  onFocus: () => void;
  onEdit: () => void;
}) {
  const hydrated = useHydrated();
  const html = useMemo(() => (hydrated ? renderMarkdown(purifier, cell.source, cell.attachments) : ''), [hydrated, cell.source, cell.attachments]);
  const edit = useCallback(() => !readOnly && onEdit(), [readOnly, onEdit]);
  return (
    <div className="flex">
      <div className="w-16 shrink-0" />
      <div className="min-w-0 flex-1">
        {cell.editing && !readOnly ? (
          <div className="rounded border border-slate-200 bg-white">
            <CellEditor value={cell.source} language="markdown" readOnly={false} focusSignal={focusSignal} keys={keys} onChange={onChange} onFocus={onFocus} placeholder="Markdown text" />
          </div>
        ) : (
          <div
            className="lattice-markdown min-h-[1.5rem] px-2 py-1 text-sm"
            onDoubleClick={edit}
            title={readOnly ? undefined : 'Double-click to edit'}
            dangerouslySetInnerHTML={{ __html: cell.source.trim() ? html : '<p class="text-slate-400 italic">Empty Markdown cell</p>' }}
          />
        )}
      </div>
    </div>
  );
}
