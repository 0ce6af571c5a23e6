'use client';

import { useCallback, useRef, type Dispatch, type RefObject } from 'react';
import type { TEditorAction, TEditorState } from './notebook-model';
import type { useKernel } from './use-kernel';

/**
 * Running cells on the notebook's kernel: code cells are queued (`[*]`) and sent in order,
 * Markdown cells are rendered; the notebook is saved soon after the last queued cell ends.
 */
export function useCellRunner(opts: {
  state: RefObject<TEditorState>;
  dispatch: Dispatch<TEditorAction>;
  kernel: ReturnType<typeof useKernel>;
  canRun: boolean;
  saveSoon: (delayMs: number) => void;
}) {
  const { state, dispatch, kernel, canRun, saveSoon } = opts;
  const running = useRef(0);

  const runOne = useCallback(
    async (id: string) => {
      const cell = state.current.cells.find((c) => c.id === id);
      if (!cell) return;
      if (cell.cellType === 'markdown') return dispatch({ type: 'set-editing', id, editing: false });
      if (cell.cellType !== 'code' || !canRun) return;
      dispatch({ type: 'run-start', id });
      running.current++;
      try {
        const reply = await kernel.execute(cell.source, (msgType, content) => dispatch({ type: 'kernel-message', id, msgType, content }));
        dispatch({ type: 'run-end', id, executionCount: reply.status === 'aborted' ? undefined : reply.executionCount });
      } catch {
        dispatch({ type: 'run-end', id });
      } finally {
        if (--running.current === 0) saveSoon(1000);
      }
    },
    [canRun, dispatch, kernel, saveSoon, state],
  );

  /** Runs the cells in order: all are marked queued at once, then sent to the kernel one after another. */
  return useCallback(
    (ids: readonly string[]) => {
      dispatch({ type: 'queue', ids: [...ids] });
      for (const id of ids) void runOne(id);
    },
    [dispatch, runOne],
  );
}
