import type { Logger } from 'pino';
import type { TDb } from '../../db/client';
import { recordKernelSeen } from '../../db/metering';
import type { ManagedKernel } from './managed-kernel';

/**
 * Every few seconds: each running kernel's CPU and memory from its provisioner (`sample()`)
 * into `kernels.usage` for the dashboard, and `last_seen_at` (the kernel was alive now),
 * which bounds the metering of a kernel that dies while no gateway watches it.
 */
export async function sampleKernels(db: TDb, running: readonly ManagedKernel[], logger: Logger): Promise<void> {
  for (const kernel of running) {
    const sample = await kernel.provisioner.sample?.().catch((err) => {
      logger.debug({ err, kernelId: kernel.record.id }, 'usage sample failed');
      return null;
    });
    // A kernel that ended since the list was taken is the liveness loop's business.
    if (!kernel.isRunning && kernel.record.state !== 'restarting') continue;
    await kernel.refreshExecutors().catch((err) => logger.debug({ err, kernelId: kernel.record.id }, 'executor read failed'));
    await recordKernelSeen(db, kernel.record.id, new Date(), sample ?? null).catch((err) => logger.warn({ err, kernelId: kernel.record.id }, 'usage write failed'));
  }
}
