'use client';

import { useCallback, useRef, type Dispatch, type RefObject } from 'react';
import { timingFromIOPub, timingFromReply, withoutTiming, withTiming, type TExecutionTiming } from './execution-timing';
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
      const time = (entries: TExecutionTiming) => dispatch({ type: 'update-metadata', ids: [id], update: (m) => withTiming(m, entries) });
      dispatch({ type: 'run-start', id });
      dispatch({ type: 'update-metadata', ids: [id], update: withoutTiming });
      running.current++;
      try {
        const reply = await kernel.execute(cell.source, (msgType, content, header) => {
          const timing = timingFromIOPub(msgType, content, header.date);
          if (timing) time(timing);
          dispatch({ type: 'kernel-message', id, msgType, content });
        });
        if (reply.status !== 'aborted') time(timingFromReply(reply));
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
