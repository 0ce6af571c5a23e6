import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { treeCpuMicros } from './process-cpu';

/** What one process used between `start` and `stop`: RSS peak and CPU time. */
export interface TProcessUse {
  /** Highest RSS sampled (MB), every `intervalMs`. */
  rssPeakMb: number;
  rssStartMb: number;
  rssEndMb: number;
  /** CPU time (user + system) in seconds. */
  cpuSeconds: number;
}

function rssMb(pid: number): number {
  try {
    const kib = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib ? Number(kib) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Samples a process's RSS while a measurement runs and takes its CPU time (with its
 * children's) at both ends. Sampling reads /proc, so it costs the process nothing.
 */
export function sampleProcess(pid: number, intervalMs = 100): { stop(): TProcessUse } {
  const cpuStart = treeCpuMicros(pid);
  const rssStartMb = rssMb(pid);
  let rssPeakMb = rssStartMb;
  const timer = setInterval(() => {
    rssPeakMb = Math.max(rssPeakMb, rssMb(pid));
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const rssEndMb = rssMb(pid);
      return { rssPeakMb: Math.max(rssPeakMb, rssEndMb), rssStartMb, rssEndMb, cpuSeconds: (treeCpuMicros(pid) - cpuStart) / 1e6 };
    },
  };
}

/** Pids of the processes whose executable lies in `dir` (the test cluster's binaries). */
export function pidsOfBinariesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readlinkSync(`/proc/${entry}/exe`).startsWith(`${dir}/`)) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or a kernel thread
    }
  }
  return pids;
}

/** CPU seconds used by a set of processes between `start` and `stop` (e.g. the control plane). */
export function sampleCpu(pids: readonly number[]): { stop(): number } {
  const total = () => pids.reduce((sum, pid) => sum + treeCpuMicros(pid), 0);
  const start = total();
  return { stop: () => (total() - start) / 1e6 };
}
