/** What the in-page probe (page-probe.ts) records, read back by the benchmark with `page.evaluate`. */
export interface TProbeConfig {
  /** CSS selector of the first cell: its `.cm-content` is "the first cell's editor" of the open measurement. */
  firstScope: string;
}

export interface TProbeKey {
  key: string;
  /** The keydown event's `timeStamp`. */
  at: number;
  /** From `at` to just after the next paint. */
  latency: number;
  /** Whether the editor's text differed after that paint (the key was taken by the editor). */
  changed: boolean;
  inFirstEditor: boolean;
}

export interface TProbeState {
  firstEditorVisibleAt: number | null;
  lcp: number | null;
  longTasks: Array<{ start: number; duration: number }>;
  events: Array<{ name: string; start: number; duration: number }>;
  keys: TProbeKey[];
  /** Resolves with the `count`-th key recorded (1-based), once it has been. */
  untilKeys(count: number): Promise<TProbeKey>;
}
