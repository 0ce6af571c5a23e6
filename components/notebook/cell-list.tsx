'use client';

import { memo, useRef } from 'react';
import type { TFocusRequest, TSearchMarks } from './cell-editor';
import type { CellStore } from './cell-store';
import { NotebookCell, type TCellHandlers } from './notebook-cell';
import type { TMode } from './notebook-model';

/** The same array as last time while its items are the same, so memoized children can bail out. */
export function useStableList(items: string[]): string[] {
  const last = useRef(items);
  const prev = last.current;
  if (prev !== items && (prev.length !== items.length || prev.some((v, i) => v !== items[i]))) last.current = items;
  return last.current;
}

/** A set that keeps its identity while its members are the same. */
export function useStableSet(items: string[]): ReadonlySet<string> {
  const last = useRef<{ key: string[]; set: ReadonlySet<string> }>({ key: [], set: new Set() });
  const key = useStableList(items);
  if (last.current.key !== key) last.current = { key, set: new Set(key) };
  return last.current.set;
}

/**
 * The notebook's cells in order, each reading its own cell from the store: typing changes one
 * cell object and re-renders that cell only, while this list re-renders for structure,
 * selection, mode and view changes.
 */
export const CellList = memo(function CellList(p: {
  ids: readonly string[];
  store: CellStore;
  hidden: ReadonlySet<string>;
  activeId: string | null;
  selected: ReadonlySet<string>;
  mode: TMode;
  readOnly: boolean;
  editTarget: string | null;
  editRequest?: TFocusRequest;
  lineNumbers: boolean;
  marks: ReadonlyMap<string, TSearchMarks>;
  collapsed: ReadonlySet<string>;
  hiddenCounts: ReadonlyMap<string, number>;
  handlers: TCellHandlers;
}) {
  return (
    <>
      {p.ids.map((id, index) =>
        p.hidden.has(id) ? null : (
          <NotebookCell
            key={id}
            id={id}
            store={p.store}
            index={index}
            active={id === p.activeId}
            selected={p.selected.has(id)}
            mode={id === p.activeId ? p.mode : 'command'}
            readOnly={p.readOnly}
            focus={p.editTarget === id ? p.editRequest : undefined}
            lineNumbers={p.lineNumbers}
            search={p.marks.get(id)}
            headingCollapsed={p.collapsed.has(id)}
            hiddenCount={p.hiddenCounts.get(id) ?? 0}
            handlers={p.handlers}
          />
        ),
      )}
    </>
  );
});
