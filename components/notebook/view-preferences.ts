'use client';

import { useCallback, useSyncExternalStore } from 'react';

/**
 * Per-browser notebook view settings, remembered across visits and shared by every open
 * notebook (as JupyterLab's settings are): line numbers, full width, the outline panel.
 */
export type TViewPreference = 'line-numbers' | 'full-width' | 'outline';

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

/** The setting and a toggle for it; off during server rendering. */
export function useViewPreference(p: TViewPreference): [boolean, () => void] {
  const value = useSyncExternalStore(subscribe, () => read(p), () => false);
  const toggle = useCallback(() => {
    try {
      localStorage.setItem(key(p), read(p) ? 'off' : 'on');
    } catch {
      return;
    }
    listeners.forEach((l) => l());
  }, [p]);
  return [value, toggle];
}
