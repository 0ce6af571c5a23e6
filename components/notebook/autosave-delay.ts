/** Autosave delay after the last change. */
export const AUTOSAVE_MS = 5_000;
/**
 * The longest a change waits for an autosave. While a cell streams output every change resets
 * the 5 s debounce, so without this a long training loop would never be saved until it ended.
 */
export const AUTOSAVE_MAX_WAIT_MS = 30_000;

/**
 * How long to wait before autosaving after a change at `now`, when the oldest unsaved change
 * was at `unsavedSince`: the debounce, but never past the maximum wait.
 */
export function autosaveDelay(now: number, unsavedSince: number, debounceMs = AUTOSAVE_MS, maxWaitMs = AUTOSAVE_MAX_WAIT_MS): number {
  return Math.max(0, Math.min(debounceMs, unsavedSince + maxWaitMs - now));
}
