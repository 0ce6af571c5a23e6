import { totalRequest, type TEnvironmentSpec } from './environment';

/**
 * Metering arithmetic (DESIGN 4.4), shared by the gateway, which writes `usage_intervals`,
 * and the web, which shows what they add up to. The queries around it are in `db/metering.ts`.
 */

/**
 * Compute units per hour — the one formula used everywhere a cost is shown or metered:
 *   1 CU/h per vCPU + 0.25 CU/h per GiB of memory + 10 CU/h per GPU,
 * counted on limits (what the kernel may use, hence what it holds), Spark executors included.
 */
export const CU_PER_CORE_HOUR = 1;
export const CU_PER_GIB_HOUR = 0.25;
export const CU_PER_GPU_HOUR = 10;

export function computeUnitsPerHour(env: Pick<TEnvironmentSpec, 'cpuLimitM' | 'memoryLimitMib' | 'gpus' | 'spark'>): number {
  const r = totalRequest(env);
  const cu = (r.cpuM / 1000) * CU_PER_CORE_HOUR + (r.memoryMib / 1024) * CU_PER_GIB_HOUR + r.gpus * CU_PER_GPU_HOUR;
  return Math.round(cu * 1000) / 1000;
}

/** Whose a kernel or its metered time is: quotas count both per user, per project and per pair. */
export interface TOwner {
  userId: string;
  projectId: string;
}

/** One kernel's running time at one rate; `endedAt` null while it still runs. */
export interface TMeteredInterval {
  unitsPerHour: number;
  startedAt: Date;
  endedAt: Date | null;
}

/** Compute units for a running interval, to the second. */
export function unitsFor(unitsPerHour: number, startedAt: Date, endedAt: Date): number {
  const seconds = Math.max(0, Math.floor((endedAt.getTime() - startedAt.getTime()) / 1000));
  return (unitsPerHour * seconds) / 3600;
}

/** The part of an interval inside [from, until), an open one running to `until` (may be empty: end ≤ start). */
function clip(interval: TMeteredInterval, from: Date, until: Date): { start: Date; end: Date } {
  return {
    start: interval.startedAt > from ? interval.startedAt : from,
    end: interval.endedAt && interval.endedAt < until ? interval.endedAt : until,
  };
}

/** Compute units of an interval inside [from, until). */
export function unitsWithin(interval: TMeteredInterval, from: Date, until: Date): number {
  const { start, end } = clip(interval, from, until);
  return unitsFor(interval.unitsPerHour, start, end);
}

/** [start, end) of the UTC calendar month containing `now`: the period of a monthly budget. */
export function monthBounds(now: Date): { start: Date; end: Date } {
  return {
    start: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
    end: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
  };
}

const DAY_MS = 24 * 3600 * 1000;

/** Midnight UTC of the day containing `at`. */
export function utcDayStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

/** "2026-03-15" — the UTC day of `at`. */
export function utcDayKey(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The `days` UTC days up to and including the one of `now`, oldest first. */
export function lastUtcDays(now: Date, days: number): { from: Date; keys: string[] } {
  const from = new Date(utcDayStart(now).getTime() - (days - 1) * DAY_MS);
  return { from, keys: Array.from({ length: days }, (_, i) => utcDayKey(new Date(from.getTime() + i * DAY_MS))) };
}

/**
 * Compute units of one metered interval per UTC day, clipped to [from, until): an interval
 * running over midnight counts on both days, each by its own seconds.
 */
export function splitUnitsByDay(interval: TMeteredInterval, from: Date, until: Date): Array<{ day: string; units: number }> {
  const { start, end } = clip(interval, from, until);
  const out: Array<{ day: string; units: number }> = [];
  for (let dayStart = utcDayStart(start); dayStart < end; dayStart = new Date(dayStart.getTime() + DAY_MS)) {
    const dayEnd = new Date(dayStart.getTime() + DAY_MS);
    const a = start > dayStart ? start : dayStart;
    const b = end < dayEnd ? end : dayEnd;
    if (b > a) out.push({ day: utcDayKey(dayStart), units: unitsFor(interval.unitsPerHour, a, b) });
  }
  return out;
}
