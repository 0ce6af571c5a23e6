import { and, eq, inArray, notInArray } from 'drizzle-orm';
import { ZEnvironmentSpec } from '../../common/environment';
import { isTerminal, TERMINAL_STATES, ZKernelState, type TKernelState } from '../../common/kernel-states';
import type { TExecutor, TLaunchProgressInfo } from '../../common/kernel-model';
import type { TDb } from '../../db/client';
import { kernelEvents, kernels } from '../../db/schema';
import type { TKernelRecord } from './kernel-record';
import { closeIntervals, openInterval } from '../../db/metering';

type TKernelRow = typeof kernels.$inferSelect;

export interface TTransition {
  from: TKernelState | null;
  to: TKernelState;
  reason?: string | null;
  detail?: string | null;
  startedAt?: Date;
  stoppedAt?: Date;
}

const TERMINAL = [...TERMINAL_STATES];

/** Rows read back are validated: a bad environment snapshot must not reach a launch. */
function toRecord(row: TKernelRow): TKernelRecord {
  return {
    id: row.id,
    projectId: row.projectId,
    notebookId: row.notebookId,
    userId: row.userId,
    environmentId: row.environmentId,
    environment: ZEnvironmentSpec.parse(row.environment),
    kernelspecName: row.kernelspecName,
    provisioner: row.provisioner,
    state: ZKernelState.parse(row.state),
    reason: row.reason,
    detail: row.detail,
    requestedAt: row.requestedAt,
    startedAt: row.startedAt,
    lastActivityAt: row.lastActivityAt,
    stoppedAt: row.stoppedAt,
    progress: row.progress ?? null,
    executors: row.executors ?? null,
  };
}

/** Postgres persistence of kernels: records, every state transition, reattach info, activity. */
export class KernelStore {
  constructor(private readonly db: TDb) {}

  /** Inserts a new kernel with its first event (`→ queued`). */
  async insert(record: TKernelRecord, gatewayId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.insert(kernels).values({ ...record, gatewayId });
      await tx.insert(kernelEvents).values({ kernelId: record.id, fromState: null, toState: record.state });
    });
  }

  /**
   * Writes state changes (in order; the row ends in the last) and their `kernel_events` rows
   * together, with the metering they imply: a first ready (`startedAt`) opens the kernel's
   * usage interval, a terminal state closes it.
   */
  async transition(kernelId: string, ...changes: TTransition[]): Promise<void> {
    const t = changes.at(-1);
    if (!t) return;
    const startedAt = changes.find((c) => c.startedAt)?.startedAt;
    await this.db.transaction(async (tx) => {
      const now = new Date();
      const [updated] = await tx
        .update(kernels)
        .set({
          state: t.to,
          reason: t.reason ?? null,
          detail: t.detail ?? null,
          lastActivityAt: now,
          ...(isTerminal(t.to) ? {} : { lastSeenAt: now }),
          ...(startedAt ? { startedAt } : {}),
          // Progress only means something while provisioning.
          ...(t.to === 'provisioning' || t.to === 'starting' || t.to === 'restarting' ? {} : { progress: null }),
          ...(t.stoppedAt ? { stoppedAt: t.stoppedAt, connection: null } : {}),
        })
        .where(eq(kernels.id, kernelId))
        .returning({ id: kernels.id });
      // Its row went with a deleted project (ON DELETE CASCADE): nothing left to record.
      if (!updated) return;
      await tx.insert(kernelEvents).values(changes.map((c) => ({ kernelId, fromState: c.from, toState: c.to, reason: c.reason ?? null, detail: c.detail ?? null })));
      if (startedAt) await openInterval(tx, kernelId, startedAt);
      if (isTerminal(t.to)) await closeIntervals(tx, kernelId, t.stoppedAt ?? now);
    });
  }

  /** A notice about a kernel that does not change its state: its `detail` and an event row (from = to). */
  async notice(kernelId: string, state: TKernelState, reason: string, detail: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [updated] = await tx.update(kernels).set({ detail }).where(eq(kernels.id, kernelId)).returning({ id: kernels.id });
      if (!updated) return;
      await tx.insert(kernelEvents).values({ kernelId, fromState: state, toState: state, reason, detail });
    });
  }

  /** The latest launch step (no `kernel_events` row: steps are not state changes). */
  async saveProgress(kernelId: string, progress: TLaunchProgressInfo): Promise<void> {
    await this.db.update(kernels).set({ progress, ...(progress.message ? { detail: progress.message } : {}) }).where(eq(kernels.id, kernelId));
  }

  async saveExecutors(kernelId: string, executors: TExecutor[] | null): Promise<void> {
    await this.db.update(kernels).set({ executors }).where(eq(kernels.id, kernelId));
  }

  /** Saves what a reattach needs, right after a (re)launch. */
  async saveLaunch(kernelId: string, provisionerState: Record<string, unknown>, connection: Record<string, unknown>): Promise<void> {
    await this.db.update(kernels).set({ provisionerState, connection }).where(eq(kernels.id, kernelId));
  }

  async writeActivity(kernelId: string, at: Date): Promise<void> {
    await this.db.update(kernels).set({ lastActivityAt: at }).where(eq(kernels.id, kernelId));
  }

  async get(kernelId: string): Promise<TKernelRecord | null> {
    const [row] = await this.db.select().from(kernels).where(eq(kernels.id, kernelId));
    return row ? toRecord(row) : null;
  }

  /** Non-terminal kernels, optionally only in the given projects. */
  async listActive(projectIds?: readonly string[]): Promise<TKernelRecord[]> {
    if (projectIds && projectIds.length === 0) return [];
    const rows = await this.db
      .select()
      .from(kernels)
      .where(and(notInArray(kernels.state, TERMINAL), projectIds ? inArray(kernels.projectId, [...projectIds]) : undefined))
      .orderBy(kernels.requestedAt);
    return rows.map(toRecord);
  }

  /**
   * Non-terminal kernels with their reattach info, for a gateway that just started.
   * `lastSeenAlive` is the latest moment a gateway knew the kernel was running.
   */
  async listForReattach(): Promise<Array<{ record: TKernelRecord; provisionerState: unknown; lastSeenAlive: Date }>> {
    const rows = await this.db.select().from(kernels).where(notInArray(kernels.state, TERMINAL));
    return rows.map((row) => ({
      record: toRecord(row),
      provisionerState: row.provisionerState,
      lastSeenAlive: row.lastSeenAt && row.lastSeenAt > row.lastActivityAt ? row.lastSeenAt : row.lastActivityAt,
    }));
  }
}
