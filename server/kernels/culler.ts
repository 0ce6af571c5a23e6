import type { ManagedKernel } from './managed-kernel';

/**
 * Idle culling, as jupyter_server's `cull_idle_timeout` with `cull_busy = False` and
 * `cull_connected = True`: a kernel is idle when neither its clients nor the kernel itself
 * sent a message for its environment's `idleTimeoutS` (from the snapshot taken at launch).
 * A busy kernel is never culled. Open connections do not keep a kernel alive: a browser
 * tab left open overnight must not hold compute (and budget); the notebook is stored by
 * the web, so culling loses only the kernel's in-memory state.
 */
export function isCullable(kernel: ManagedKernel, now: Date): boolean {
  if (!kernel.isRunning || kernel.record.state !== 'idle') return false;
  return now.getTime() - kernel.record.lastActivityAt.getTime() >= kernel.record.environment.idleTimeoutS * 1000;
}

/** The `detail` of a culled kernel. */
export function cullDetail(kernel: ManagedKernel): string {
  const minutes = kernel.record.environment.idleTimeoutS / 60;
  const span = minutes >= 1 ? `${Math.round(minutes)} min` : `${kernel.record.environment.idleTimeoutS} s`;
  return `Stopped after ${span} without activity (the environment's idle timeout); the notebook is unchanged.`;
}
