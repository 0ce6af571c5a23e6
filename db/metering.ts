import { and, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { TEnvironmentSpec } from '../common/environment';
import { computeUnitsPerHour, monthBounds, splitUnitsByDay, unitsFor, unitsWithin, type TOwner } from '../common/metering';
import type { TDbOrTx } from './client';
import { kernels, usageIntervals } from './schema';

/**
 * Metering's queries (DESIGN 4.4), for the gateway that records running time and the web
 * that shows it; the arithmetic is `common/metering.ts`.
 *
 * A kernel's running time is one `usage_intervals` row, opened when it first becomes ready
 * and closed when it stops, dies or fails. Both happen inside the transaction that records
 * the state change, and a partial unique index allows one open interval per kernel, so a
 * gateway restart neither loses nor double-counts time: a reattached kernel keeps its open
 * interval, and one found dead is closed at the last moment a gateway saw it alive
 * (`kernels.last_seen_at`, written by `recordKernelSeen`).
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

/**
 * The kernel was alive at `at` (bounding its metering should it die unwatched), with the
 * provisioner's CPU/memory sample when there is one.
 */
export async function recordKernelSeen(db: TDbOrTx, kernelId: string, at: Date, usage: (typeof kernels.$inferInsert)['usage']): Promise<void> {
  await db
    .update(kernels)
    .set({ lastSeenAt: at, ...(usage ? { usage } : {}) })
    .where(eq(kernels.id, kernelId));
}

/**
 * Compute units metered this UTC month, per interval: intervals overlapping the month are
 * clipped to it, open ones counted up to `now`. With `of`, only intervals of that user or
 * of that project (either).
 */
export async function monthlyUnits(db: TDbOrTx, now: Date, of?: Partial<TOwner>): Promise<Array<TOwner & { units: number }>> {
  const month = monthBounds(now);
  const until = now < month.end ? now : month.end;
  const owner = of && or(of.userId ? eq(usageIntervals.userId, of.userId) : undefined, of.projectId ? eq(usageIntervals.projectId, of.projectId) : undefined);
  const rows = await db
    .select({
      userId: usageIntervals.userId,
      projectId: usageIntervals.projectId,
      unitsPerHour: usageIntervals.unitsPerHour,
      startedAt: usageIntervals.startedAt,
      endedAt: usageIntervals.endedAt,
    })
    .from(usageIntervals)
    .where(and(lt(usageIntervals.startedAt, until), or(isNull(usageIntervals.endedAt), gt(usageIntervals.endedAt, month.start)), owner));
  return rows.map((r) => ({ userId: r.userId, projectId: r.projectId, units: unitsWithin(r, month.start, until) }));
}

/** Compute units each kernel has used so far (open intervals counted up to `now`); kernels without any are absent. */
export async function unitsByKernel(db: TDbOrTx, kernelIds: readonly string[], now: Date): Promise<Map<string, number>> {
  const units = new Map<string, number>();
  if (kernelIds.length === 0) return units;
  const intervals = await db
    .select({ kernelId: usageIntervals.kernelId, unitsPerHour: usageIntervals.unitsPerHour, startedAt: usageIntervals.startedAt, endedAt: usageIntervals.endedAt })
    .from(usageIntervals)
    .where(inArray(usageIntervals.kernelId, [...kernelIds]));
  for (const i of intervals) units.set(i.kernelId, (units.get(i.kernelId) ?? 0) + unitsFor(i.unitsPerHour, i.startedAt, i.endedAt ?? now));
  return units;
}

/** A project's compute units per UTC day and user over [from, until), intervals split at midnight. */
export async function projectUnitsByDay(db: TDbOrTx, projectId: string, from: Date, until: Date): Promise<Array<{ userId: string; day: string; units: number }>> {
  const rows = await db
    .select({ userId: usageIntervals.userId, unitsPerHour: usageIntervals.unitsPerHour, startedAt: usageIntervals.startedAt, endedAt: usageIntervals.endedAt })
    .from(usageIntervals)
    .where(and(eq(usageIntervals.projectId, projectId), lt(usageIntervals.startedAt, until), or(isNull(usageIntervals.endedAt), gt(usageIntervals.endedAt, from))));
  return rows.flatMap((r) => splitUnitsByDay(r, from, until).map(({ day, units }) => ({ userId: r.userId, day, units })));
}
