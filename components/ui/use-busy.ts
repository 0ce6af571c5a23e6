'use client';

import { useState } from 'react';

/**
 * One action at a time for a panel and its dialogs: `busy` while `run`'s action is in flight
 * (buttons show it and dialogs cannot close), and a failure goes to `onError` (a dialog's message,
 * or the page's), never out of the event handler.
 */
export function useBusy(): { busy: boolean; run(action: () => Promise<void>, onError: (err: unknown) => void | Promise<void>): Promise<void> } {
  const [busy, setBusy] = useState(false);
  async function run(action: () => Promise<void>, onError: (err: unknown) => void | Promise<void>): Promise<void> {
    setBusy(true);
    try {
      await action();
    } catch (err) {
      await onError(err);
    } finally {
      setBusy(false);
    }
  }
  return { busy, run };
}
