const EVENT = 'lattice:notebooks-changed';

/** Tells other parts of the page (the notebook list) that a notebook changed elsewhere, e.g. its environment. */
export function announceNotebooksChanged(): void {
  window.dispatchEvent(new Event(EVENT));
}

/** Calls `listener` whenever a notebook changed elsewhere on the page; returns the unsubscribe. */
export function onNotebooksChanged(listener: () => void): () => void {
  window.addEventListener(EVENT, listener);
  return () => window.removeEventListener(EVENT, listener);
}
