import { readKernelEvent, type TExecutor, type TLaunchProgressInfo } from '@/common/kernel-model';
import type { TKernelState } from '@/common/kernel-states';

/** What one gateway event says about one kernel (anything it leaves out is unchanged). */
export interface TKernelChange {
  kernelId: string;
  state?: TKernelState;
  reason?: string | null;
  detail?: string | null;
  usage?: { cpuM: number; memoryMib: number; sampledAt: string } | null;
  progress?: TLaunchProgressInfo | null;
  executors?: TExecutor[] | null;
}

/**
 * Reads one `data:` line of the gateway's `GET /api/events` stream (`ZKernelEvent` in
 * common/kernel-model.ts) into a change to one dashboard row. Anything else — a malformed
 * line, an event kind this page does not know yet — is null; the dashboard then simply
 * re-reads its data.
 */
export function parseKernelEvent(data: string): TKernelChange | null {
  const e = readKernelEvent(data);
  if (!e) return null;
  switch (e.type) {
    case 'state':
      return { kernelId: e.kernelId, state: e.state, reason: e.reason, detail: e.detail };
    case 'progress':
      return { kernelId: e.kernelId, progress: e.progress, ...(e.progress.message ? { detail: e.progress.message } : {}) };
    case 'executors':
      return { kernelId: e.kernelId, executors: e.executors };
    case 'cull-warning':
    case 'kept':
      // Notices for the kernel's notebook pages; its row is unchanged.
      return { kernelId: e.kernelId };
  }
}
