'use client';

import { useEffect, useState } from 'react';
import type { TLargerChoiceResult } from '@/lib/dashboard/attach-larger-environment';
import type { TCellNotice } from './notebook-model';

export interface TNoticeActions {
  /** What "restart on a larger environment" would pick for the dead kernel (or why there is none). */
  largerEnvironment(kernelId: string): Promise<TLargerChoiceResult>;
  /** Moves the notebook to that environment (through the notebook's environment switch). */
  chooseEnvironment(fit: TLargerChoiceResult['fit']): void;
}

/**
 * Why the cell's run ended without a reply, in place of its missing output: "Kernel died: out
 * of memory (limit 1 GiB) · Restart on Large", "Stopped by Ada from the dashboard", or, for a
 * cell that was waiting its turn, "Not run". Shown until the cell runs again; never saved.
 */
export function CellNotice({ notice, actions }: { notice: TCellNotice; actions: TNoticeActions | null }) {
  const [larger, setLarger] = useState<TLargerChoiceResult | { error: string } | null>(null);
  const wantsLarger = notice.offerLarger && actions !== null;

  useEffect(() => {
    if (!wantsLarger) return;
    let live = true;
    actions!.largerEnvironment(notice.kernelId).then(
      (choice) => live && setLarger(choice),
      (err: Error) => live && setLarger({ error: err.message }),
    );
    return () => {
      live = false;
    };
  }, [actions, notice.kernelId, wantsLarger]);

  const lost = notice.kind === 'lost';
  return (
    <div className="flex min-w-0 pb-1" data-testid="cell-notice" data-kind={notice.kind} role="status">
      <div className="w-16 shrink-0" />
      <div className={`mr-3 flex min-w-0 flex-1 flex-wrap items-center gap-x-2 rounded px-2 py-1 text-sm ${lost ? 'bg-red-50 text-red-800' : 'bg-amber-50 text-amber-800'}`}>
        <span>{notice.text}</span>
        {larger && 'fit' in larger && (
          <button
            type="button"
            onClick={() => actions!.chooseEnvironment(larger.fit)}
            className="rounded border border-red-300 bg-white px-2 py-0.5 text-xs font-medium text-red-800 hover:bg-red-100"
            data-testid="restart-larger"
          >
            Restart on {larger.fit.environment.name}
          </button>
        )}
        {larger && 'error' in larger && <span className="text-xs text-red-700/80">{larger.error}</span>}
      </div>
    </div>
  );
}
