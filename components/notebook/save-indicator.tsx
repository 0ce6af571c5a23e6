'use client';

import type { TSaveState } from './use-notebook-save';

const TIME = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** Saved / Unsaved changes / Saving… / Not saved: conflict. */
export function SaveIndicator({ state, savedAt }: { state: TSaveState; savedAt: Date | null }) {
  const text =
    state === 'saved'
      ? savedAt
        ? `Saved ${TIME.format(savedAt)}`
        : 'Saved'
      : state === 'saving'
        ? 'Saving…'
        : state === 'unsaved'
          ? 'Unsaved changes'
          : state === 'conflict'
            ? 'Not saved: newer version on server'
            : 'Not saved';
  const tone = state === 'conflict' || state === 'error' ? 'text-red-600' : state === 'unsaved' || state === 'saving' ? 'text-amber-700' : 'text-slate-500';
  return (
    <span className={`text-xs ${tone}`} data-testid="save-state" data-state={state} suppressHydrationWarning>
      {text}
    </span>
  );
}
