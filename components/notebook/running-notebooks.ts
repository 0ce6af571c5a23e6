const EVENT = 'lattice:running-notebooks';

/**
 * The project dashboard, which already follows the gateway's kernel events, tells the
 * notebook list which notebooks have a live kernel, so the list needs no poller of its own.
 */
export function announceRunningNotebooks(notebookIds: readonly string[]): void {
  window.dispatchEvent(new CustomEvent<readonly string[]>(EVENT, { detail: notebookIds }));
}

/** Calls `listener` with the notebooks that have a live kernel whenever the dashboard learns it; returns the unsubscribe. */
export function onRunningNotebooks(listener: (notebookIds: ReadonlySet<string>) => void): () => void {
  const handle = (e: Event) => listener(new Set((e as CustomEvent<readonly string[]>).detail));
  window.addEventListener(EVENT, handle);
  return () => window.removeEventListener(EVENT, handle);
}
