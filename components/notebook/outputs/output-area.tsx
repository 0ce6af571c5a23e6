'use client';

import { memo, useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { TOutputAction } from '../output-metadata';
import { droppedOutputs, OUTPUT_LIMITS, type TRuntimeOutput } from './output-limits';
import { OutputView } from './output-view';
import { StreamWithOmission } from './stream-omission';

/** Outputs taller than this share of the window fold into a scrolling area (JupyterLab's "scrolled"). */
const FOLD_SHARE = 0.6;

/**
 * A code cell's outputs, with the `Out[n]:` prompt beside an execute_result. Memoized: typing
 * in the cell leaves its outputs as they are, and re-rendering them would sanitize their HTML
 * again on every key.
 *
 * As in JupyterLab: the bar on the left collapses the outputs (`jupyter.outputs_hidden`),
 * clicking the prompt side folds or unfolds them into a scrolling area (`scrolled`), and tall
 * outputs fold by themselves unless the cell says `scrolled: false`.
 */
export const OutputArea = memo(function OutputArea({ outputs, hidden, scrolled, canClear, onAction }: {
  outputs: TRuntimeOutput[];
  hidden: boolean;
  scrolled: boolean | 'auto';
  canClear: boolean;
  onAction: (action: TOutputAction) => void;
}) {
  const inner = useRef<HTMLDivElement>(null);
  const [tall, setTall] = useState(false);
  useLayoutEffect(() => {
    const el = inner.current;
    if (!el) return;
    const check = () => setTall(el.scrollHeight > window.innerHeight * FOLD_SHARE);
    check();
    const observer = new ResizeObserver(check);
    observer.observe(el);
    return () => observer.disconnect();
  }, [hidden, outputs.length > 0]);
  const folded = scrolled === true || (scrolled === 'auto' && tall);
  const toggleScroll = useCallback(() => onAction({ kind: 'scroll', scrolled: !folded }), [onAction, folded]);

  if (!outputs.length) return null;
  if (hidden) {
    return (
      <div className="border-t border-slate-100 py-1 pl-16 pr-3">
        <button type="button" tabIndex={-1} onClick={() => onAction({ kind: 'show' })} className="w-full rounded border border-dashed border-slate-300 px-2 py-1 text-left text-xs text-slate-500 hover:bg-slate-50" data-testid="outputs-hidden">
          … outputs hidden ({outputs.length}) · click to show
        </button>
      </div>
    );
  }
  return (
    <div className="group/outputs relative flex border-t border-slate-100 py-2" data-testid="cell-outputs" data-folded={folded || undefined}>
      <button
        type="button"
        tabIndex={-1}
        onClick={() => onAction({ kind: 'hide' })}
        aria-label="Collapse outputs"
        title="Collapse the outputs"
        data-testid="outputs-collapser"
        className="ml-1 w-1.5 shrink-0 rounded bg-transparent hover:bg-indigo-300"
      />
      <div className="min-w-0 flex-1">
        <div className={folded ? 'max-h-[60vh] overflow-y-auto shadow-[inset_0_-8px_8px_-8px_rgba(0,0,0,0.15)]' : undefined} data-testid="outputs-scroll">
          <div ref={inner} className="space-y-1">
            {outputs.map((o, i) => (
              <OutputRow key={sequenceKey(outputs, i)} output={o} folded={folded} onPromptClick={toggleScroll} />
            ))}
          </div>
        </div>
        {(folded || tall) && (
          <button type="button" tabIndex={-1} onClick={toggleScroll} className="ml-[3.375rem] mt-1 text-xs text-indigo-700 hover:underline" data-testid="outputs-fold-toggle">
            {folded ? 'Expand output' : 'Fold output'}
          </button>
        )}
      </div>
      {canClear && (
        <button
          type="button"
          tabIndex={-1}
          onClick={() => onAction({ kind: 'clear' })}
          aria-label="Clear this cell's outputs"
          title="Clear this cell's outputs"
          data-testid="outputs-clear"
          className="absolute right-1 top-1 rounded px-1 text-xs text-slate-400 opacity-0 hover:bg-slate-100 hover:text-slate-700 focus:opacity-100 group-hover/outputs:opacity-100"
        >
          ✕ Clear
        </button>
      )}
    </div>
  );
});

/**
 * A key that stays with an output while a capped list slides (the outputs after the "dropped"
 * marker shift down by one per new output): its position counting the dropped ones, so only
 * the new row renders.
 */
function sequenceKey(outputs: readonly TRuntimeOutput[], i: number): number {
  const marker = outputs[OUTPUT_LIMITS.head];
  const dropped = marker ? (droppedOutputs(marker) ?? 0) : 0;
  return i > OUTPUT_LIMITS.head && dropped ? i + dropped : i;
}

/** One output with its prompt side; memoized, so a new output does not re-render the others. */
const OutputRow = memo(function OutputRow({ output, folded, onPromptClick }: { output: TRuntimeOutput; folded: boolean; onPromptClick: () => void }) {
  return (
    <div className="flex min-w-0" data-output-type={output.output_type}>
      <div onClick={onPromptClick} title={folded ? 'Click to expand the output' : 'Click to fold the output into a scrolling area'} className="w-[3.375rem] shrink-0 cursor-pointer select-none pr-2 text-right font-mono text-xs leading-5 text-rose-700/80" data-testid="output-prompt">
        {output.output_type === 'execute_result' ? `[${output.execution_count ?? ' '}]:` : ''}
      </div>
      <div className="min-w-0 flex-1 overflow-x-auto pr-3">{output.output_type === 'stream' ? <StreamWithOmission output={output} /> : <OutputView output={output} />}</div>
    </div>
  );
});
