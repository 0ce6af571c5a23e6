import type { Logger } from 'pino';
import type { KernelStore } from './state-store';

/**
 * Kernel activity changes on every message; Postgres hears about it at most once per
 * interval per kernel (state changes are written separately, at once).
 */
export class ActivityTracker {
  private readonly pending = new Map<string, Date>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: KernelStore,
    intervalMs: number,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  touch(kernelId: string, at: Date): void {
    this.pending.set(kernelId, at);
  }

  /** Drops a kernel's pending write (its stop transition records the time anyway). */
  forget(kernelId: string): void {
    this.pending.delete(kernelId);
  }

  async flush(): Promise<void> {
    const batch = [...this.pending];
    this.pending.clear();
    for (const [kernelId, at] of batch) {
      await this.store.writeActivity(kernelId, at).catch((err) => this.logger.warn({ err, kernelId }, 'activity write failed'));
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
