'use client';

import { memo } from 'react';
import type { TOutput } from '@/common/nbformat/schema';
import { OutputView } from './output-view';

/**
 * A code cell's outputs, with the `Out[n]:` prompt beside an execute_result. Memoized: typing
 * in the cell leaves its outputs as they are, and re-rendering them would sanitize their HTML
 * again on every key.
 */
export const OutputArea = memo(function OutputArea({ outputs }: { outputs: TOutput[] }) {
  if (!outputs.length) return null;
  return (
    <div className="space-y-1 border-t border-slate-100 py-2" data-testid="cell-outputs">
      {outputs.map((o, i) => (
        <div key={i} className="flex min-w-0" data-output-type={o.output_type}>
          <div className="w-16 shrink-0 select-none pr-2 text-right font-mono text-xs leading-5 text-rose-700/80">
            {o.output_type === 'execute_result' ? `[${o.execution_count ?? ' '}]:` : ''}
          </div>
          <div className="min-w-0 flex-1 overflow-x-auto pr-3">
            <OutputView output={o} />
          </div>
        </div>
      ))}
    </div>
  );
});
