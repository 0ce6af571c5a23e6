import type { TProjectDashboard } from '@/lib/dashboard/get-project-dashboard';
import { isLaunching } from '@/components/kernels/launch-progress';
import type { TKernelChange } from './kernel-events';

/**
 * The dashboard's data with one gateway event applied to its kernel's row (unknown kernels
 * wait for the next re-read). A kernel that left the launch states has no launch step any more,
 * as the gateway clears it on the row once the kernel is ready or failed.
 */
export function applyKernelChange(data: TProjectDashboard, c: TKernelChange): TProjectDashboard {
  let found = false;
  const active = data.active.map((k) => {
    if (k.kernelId !== c.kernelId) return k;
    found = true;
    const state = c.state ?? k.state;
    return {
      ...k,
      state,
      ...(c.reason !== undefined ? { reason: c.reason } : {}),
      ...(c.detail !== undefined ? { detail: c.detail } : {}),
      ...(c.usage !== undefined ? { usage: c.usage } : {}),
      ...(c.executors !== undefined ? { executors: c.executors } : {}),
      progress: !isLaunching(state) ? null : c.progress !== undefined ? c.progress : k.progress,
    };
  });
  return found ? { ...data, active } : data;
}
