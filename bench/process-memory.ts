import { readFileSync } from 'node:fs';

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

/** Resident set size of any process as `ps` shows it (VmRSS), in bytes; null if it is gone. */
export function processRss(pid: number): number | null {
  try {
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}
