'use client';

import type { TSaveState } from './use-notebook-save';

const TIME = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const EXACT = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** Saved / Unsaved changes (autosaved by when) / Saving… / Not saved: conflict. */
export function SaveIndicator({ state, savedAt, autosaveBy }: { state: TSaveState; savedAt: Date | null; autosaveBy?: Date | null }) {
  const text =
    state === 'saved'
      ? savedAt
        ? `Saved ${TIME.format(savedAt)}`
        : 'Saved'
      : state === 'saving'
        ? 'Saving…'
        : state === 'unsaved'
          ? autosaveBy
            ? `Unsaved changes · autosave by ${EXACT.format(autosaveBy)}`
            : 'Unsaved changes'
          : state === 'conflict'
            ? 'Not saved: newer version on server'
            : 'Not saved';
  const tone = state === 'conflict' || state === 'error' ? 'text-red-600' : state === 'unsaved' || state === 'saving' ? 'text-amber-700' : 'text-slate-500';
  return (
    <span className={`text-xs ${tone}`} data-testid="save-state" data-state={state} title={state === 'unsaved' ? 'Changes are saved 5 s after the last one, and at least every 30 s while outputs keep arriving.' : undefined} suppressHydrationWarning>
      {text}
    </span>
  );
}
