'use client';

import { useCallback, useSyncExternalStore } from 'react';

/**
 * Per-browser notebook view settings, remembered across visits and shared by every open
 * notebook (as JupyterLab's settings are): line numbers, full width, the outline panel, and
 * hiding the execution time under code cells (shown by default; it is always recorded).
 */
export type TViewPreference = 'line-numbers' | 'full-width' | 'outline' | 'hide-execution-time';

const listeners = new Set<() => void>();
const key = (p: TViewPreference) => `lattice:view:${p}`;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}

function read(p: TViewPreference): boolean {
  try {
    return localStorage.getItem(key(p)) === 'on';
  } catch {
    return false;
  }
}

/** Turns a setting on or off for every notebook open in this browser. */
export function toggleViewPreference(p: TViewPreference): void {
  try {
    localStorage.setItem(key(p), read(p) ? 'off' : 'on');
  } catch {
    return;
  }
  listeners.forEach((l) => l());
}

/** The setting and a toggle for it; off during server rendering. */
export function useViewPreference(p: TViewPreference): [boolean, () => void] {
  const value = useSyncExternalStore(subscribe, () => read(p), () => false);
  const toggle = useCallback(() => toggleViewPreference(p), [p]);
  return [value, toggle];
}
