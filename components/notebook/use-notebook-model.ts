'use client';

import { useCallback, useRef, useState, type Dispatch, type RefObject } from 'react';
import type { TNotebook } from '@/common/nbformat/schema';
import { editorReducer, fromNotebook, type TEditorAction, type TEditorState } from './notebook-model';

/**
 * The page's notebook model: the one owner of its state. An action is applied at once, so
 * whatever runs right after it (Shift+Enter running the text just reported by the editor, a
 * save) reads the model as it now is; React renders it next.
 */
export function useNotebookModel(notebook: TNotebook): { state: TEditorState; current: RefObject<TEditorState>; dispatch: Dispatch<TEditorAction> } {
  const current = useRef<TEditorState>(null as unknown as TEditorState);
  if (current.current === null) current.current = fromNotebook(notebook);
  const [state, setState] = useState(current.current);
  const dispatch = useCallback((action: TEditorAction) => {
    const next = editorReducer(current.current, action);
    if (next === current.current) return;
    current.current = next;
    setState(next);
  }, []);
  return { state, current, dispatch };
}
