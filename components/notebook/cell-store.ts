import type { TEditorCell } from './notebook-model';

/**
 * The cells of the notebook model, readable one at a time with a subscription each. The
 * model (the reducer's state) stays the one source of truth; this mirrors its cells so that
 * a keystroke re-renders the one cell it changed rather than the list of all of them
 * (a 1,000-cell list re-rendered in ~5 ms per key: bench/notebook-editor.ts).
 */
export class CellStore {
  private readonly cells = new Map<string, TEditorCell>();
  private readonly listeners = new Map<string, Set<() => void>>();
  private readonly changed = new Set<string>();
  private readonly subscribers = new Map<string, (listener: () => void) => () => void>();

  /** Takes the model's cells (called while the notebook renders); what changed is announced by `flush`. */
  sync(cells: readonly TEditorCell[]): void {
    for (const cell of cells) {
      if (this.cells.get(cell.id) === cell) continue;
      this.cells.set(cell.id, cell);
      this.changed.add(cell.id);
    }
    if (this.cells.size > cells.length) {
      const live = new Set(cells.map((c) => c.id));
      for (const id of this.cells.keys()) if (!live.has(id)) this.cells.delete(id);
    }
  }

  /** Tells each changed cell's subscribers (after the notebook committed). */
  flush(): void {
    const ids = [...this.changed];
    this.changed.clear();
    for (const id of ids) this.listeners.get(id)?.forEach((l) => l());
  }

  get(id: string): TEditorCell | undefined {
    return this.cells.get(id);
  }

  /** A stable subscribe function per cell, as `useSyncExternalStore` wants. */
  subscriber(id: string): (listener: () => void) => () => void {
    let subscribe = this.subscribers.get(id);
    if (!subscribe) {
      subscribe = (listener) => {
        const set = this.listeners.get(id) ?? new Set();
        set.add(listener);
        this.listeners.set(id, set);
        return () => {
          set.delete(listener);
          if (!set.size) {
            this.listeners.delete(id);
            this.subscribers.delete(id);
          }
        };
      };
      this.subscribers.set(id, subscribe);
    }
    return subscribe;
  }
}
