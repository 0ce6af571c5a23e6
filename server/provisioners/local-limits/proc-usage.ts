import { readdir } from 'node:fs/promises';
import { readText } from './cgroup-fs';
import type { TRawUsage } from './limits';

/** Linux defaults (`getconf CLK_TCK`, `getconf PAGESIZE`) on every platform Lattice supports. */
const CLOCK_TICKS_PER_S = 100;
const PAGE_BYTES = 4096;

/** Fields of `/proc/<pid>/stat` after the `(comm)` part, which may itself hold spaces. */
function statFields(text: string): string[] {
  return text.slice(text.lastIndexOf(')') + 2).trim().split(' ');
}

/** State letter and start time (clock ticks since boot) of a process; null if there is none. */
export async function processStat(pid: number): Promise<{ state: string; startTicks: number } | null> {
  const text = await readText(`/proc/${pid}/stat`);
  if (!text) return null;
  const f = statFields(text);
  // After `(comm)`: [0] state, [1] ppid, [2] pgrp, ... [11] utime, [12] stime, [19] starttime, [21] rss.
  return { state: f[0], startTicks: Number(f[19]) };
}

/**
 * CPU time and resident memory of every process in the process group `pgid` (a local
 * kernel and whatever it forked), from /proc. Used when no cgroup counts for the kernel.
 */
export async function processGroupUsage(pgid: number): Promise<TRawUsage> {
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return { cpuNs: null, memoryBytes: null };
  }
  let ticks = 0;
  let pages = 0;
  let found = false;
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const text = await readText(`/proc/${name}/stat`);
    if (!text) continue;
    const f = statFields(text);
    if (Number(f[2]) !== pgid) continue;
    found = true;
    ticks += Number(f[11]) + Number(f[12]);
    pages += Number(f[21]);
  }
  if (!found) return { cpuNs: null, memoryBytes: null };
  return { cpuNs: (ticks * 1e9) / CLOCK_TICKS_PER_S, memoryBytes: pages * PAGE_BYTES };
}
