/** A child's memory as the benchmark reads it, after collecting garbage. */
export interface TMemoryReading {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/**
 * Full collections (the process runs with `--expose-gc`) until the heap holds live memory
 * only, then `process.memoryUsage()`.
 */
export async function settledMemory(): Promise<TMemoryReading> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; gc && i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}
