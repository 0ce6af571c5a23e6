import type { Logger } from 'pino';
import { checkLaunch, describeBlock } from '../../common/quota';
import type { TDb } from '../../db/client';
import { loadQuotaState } from '../../db/quotas';
import type { ManagedKernel } from '../kernels/managed-kernel';

/**
 * Watches the monthly compute budget of running kernels' users and projects. Once one is
 * spent, running kernels keep running (work in progress is not killed; admission refuses
 * new launches), and each affected kernel gets one notice for its owner, stored as its
 * `detail` and a `kernel_events` row (never written into the kernel's output, which is the
 * user's). `warned` remembers who was told, so each kernel is told once per gateway process.
 */
export class BudgetWatch {
  private readonly warned = new Set<string>();

  constructor(
    private readonly db: TDb,
    private readonly logger: Logger,
  ) {}

  async check(running: readonly ManagedKernel[]): Promise<void> {
    const groups = new Map<string, ManagedKernel[]>();
    for (const kernel of running) {
      if (this.warned.has(kernel.record.id)) continue;
      const key = `${kernel.record.userId}/${kernel.record.projectId}`;
      groups.set(key, [...(groups.get(key) ?? []), kernel]);
    }
    for (const group of groups.values()) {
      const { userId, projectId } = group[0].record;
      try {
        const state = await loadQuotaState(this.db, { userId, projectId });
        const spent = checkLaunch(state, { cpuM: 0, memoryMib: 0, gpus: 0 }).filter((b) => b.limit === 'monthlyUnits');
        if (spent.length === 0) continue;
        const detail = `${spent.map(describeBlock).join(' ')} Running kernels may finish; new launches are refused.`;
        for (const kernel of group) {
          if (!kernel.isRunning) continue;
          this.warned.add(kernel.record.id);
          kernel.logger.info('monthly compute budget used up; owner warned');
          kernel.notice('quota', detail);
        }
      } catch (err) {
        this.logger.warn({ err, userId, projectId }, 'budget check failed');
      }
    }
  }

  forget(kernelId: string): void {
    this.warned.delete(kernelId);
  }
}
