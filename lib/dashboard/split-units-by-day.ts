import { unitsFor } from '@/common/quota';

const DAY_MS = 24 * 3600 * 1000;

/** Midnight UTC of the day containing `at`. */
export function utcDayStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

/** "2026-03-15" — the UTC day of `at`. */
export function utcDayKey(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * Compute units of one metered interval per UTC day, clipped to [from, until): an interval
 * running over midnight counts on both days, each by its own seconds.
 */
export function splitUnitsByDay(
  interval: { unitsPerHour: number; startedAt: Date; endedAt: Date | null },
  from: Date,
  until: Date,
): Array<{ day: string; units: number }> {
  const start = interval.startedAt > from ? interval.startedAt : from;
  const end = interval.endedAt && interval.endedAt < until ? interval.endedAt : until;
  const out: Array<{ day: string; units: number }> = [];
  for (let dayStart = utcDayStart(start); dayStart < end; dayStart = new Date(dayStart.getTime() + DAY_MS)) {
    const dayEnd = new Date(dayStart.getTime() + DAY_MS);
    const a = start > dayStart ? start : dayStart;
    const b = end < dayEnd ? end : dayEnd;
    if (b > a) out.push({ day: utcDayKey(dayStart), units: unitsFor(interval.unitsPerHour, a, b) });
  }
  return out;
}
