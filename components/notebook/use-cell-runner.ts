'use client';

import { useCallback, useRef, type Dispatch, type RefObject } from 'react';
import { KernelLostError } from './kernel-loss';
import { timingFromIOPub, timingFromReply, withoutTiming, withTiming, type TExecutionTiming } from './execution-timing';
import type { TEditorAction, TEditorState } from './notebook-model';
import type { useKernel } from './use-kernel';

/**
 * Running cells on the notebook's kernel: code cells are queued (`[*]`) and sent in order,
 * Markdown cells are rendered; the notebook is saved soon after the last queued cell ends.
 * The kernel's questions (`input()`) wait in their cell for `answerInput`. When the kernel goes
 * away mid-run, the running cell says why and the ones still waiting say they were not run.
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
  /** The answer function of each cell whose kernel waits for input (at most one question per cell at a time). */
  const answers = useRef(new Map<string, (value: string) => void>());
  /** Cells sent and not yet answered, in the order the kernel runs them: the first is the one running. */
  const inFlight = useRef<string[]>([]);

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
      inFlight.current.push(id);
      // The kernel began this cell (it announced its input). A kernel killed at once may never
      // get that announcement out, so the oldest cell still in flight counts as begun too.
      let started = false;
      try {
        const reply = await kernel.execute(
          cell.source,
          (msgType, content, header) => {
            if (msgType === 'execute_input') started = true;
            const timing = timingFromIOPub(msgType, content, header.date);
            if (timing) time(timing);
            dispatch({ type: 'kernel-message', id, msgType, content });
          },
          (request, answer) => {
            answers.current.set(id, answer);
            dispatch({ type: 'input-request', id, request });
          },
        );
        if (reply.status !== 'aborted') time(timingFromReply(reply));
        dispatch({ type: 'run-end', id, executionCount: reply.status === 'aborted' ? undefined : reply.executionCount });
      } catch (err) {
        if (!(err instanceof KernelLostError)) return dispatch({ type: 'run-end', id });
        started ||= inFlight.current[0] === id;
        const text = started ? 'The kernel went away while this cell ran…' : 'Not run: the kernel went away before this cell’s turn.';
        dispatch({ type: 'run-lost', id, notice: { kind: started ? 'lost' : 'not-run', text, kernelId: err.kernelId } });
        if (!started) return;
        const notice = await kernel.explainLoss(err);
        if (notice) dispatch({ type: 'run-lost', id, notice });
      } finally {
        inFlight.current = inFlight.current.filter((c) => c !== id);
        answers.current.delete(id);
        if (--running.current === 0) saveSoon(1000);
      }
    },
    [canRun, dispatch, kernel, saveSoon, state],
  );

  /** Runs the cells in order: all are marked queued at once, then sent to the kernel one after another. */
  const runCells = useCallback(
    (ids: readonly string[]) => {
      dispatch({ type: 'queue', ids: [...ids] });
      for (const id of ids) void runOne(id);
    },
    [dispatch, runOne],
  );

  /** Sends the typed answer to the kernel that asked in cell `id`. */
  const answerInput = useCallback(
    (id: string, value: string) => {
      const answer = answers.current.get(id);
      if (!answer) return;
      answers.current.delete(id);
      answer(value);
      dispatch({ type: 'input-answered', id, value });
    },
    [dispatch],
  );

  return { runCells, answerInput };
}
