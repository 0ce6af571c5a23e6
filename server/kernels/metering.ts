import { and, eq, isNull, sql } from 'drizzle-orm';
import { computeUnitsPerHour, type TEnvironmentSpec } from '../../common/environment';
import type { TDbOrTx } from '../../db/quota-usage';
import { kernels, usageIntervals } from '../../db/schema';

/**
 * Metering (DESIGN 4.4): a kernel's running time is one `usage_intervals` row, opened when
 * it first becomes ready and closed when it stops, dies or fails. Both happen inside the
 * transaction that records the state change, and a partial unique index allows one open
 * interval per kernel, so a gateway restart neither loses nor double-counts time: a
 * reattached kernel keeps its open interval, and one found dead is closed at the last
 * moment a gateway saw it alive (`kernels.last_seen_at`).
 */

/** Opens the kernel's interval at `at` (no-op if one is open), at the rate of its environment snapshot. */
export async function openInterval(tx: TDbOrTx, kernelId: string, at: Date): Promise<void> {
  const [row] = await tx
    .select({ projectId: kernels.projectId, userId: kernels.userId, environment: kernels.environment })
    .from(kernels)
    .where(eq(kernels.id, kernelId));
  if (!row) return;
  await tx
    .insert(usageIntervals)
    .values({ kernelId, projectId: row.projectId, userId: row.userId, unitsPerHour: computeUnitsPerHour(row.environment as TEnvironmentSpec), startedAt: at })
    .onConflictDoNothing();
}

/** Closes the kernel's open interval at `at` (never before it started). */
export async function closeIntervals(tx: TDbOrTx, kernelId: string, at: Date): Promise<void> {
  await tx
    .update(usageIntervals)
    .set({ endedAt: sql`greatest(${usageIntervals.startedAt}, ${at.toISOString()}::timestamptz)` })
    .where(and(eq(usageIntervals.kernelId, kernelId), isNull(usageIntervals.endedAt)));
}
