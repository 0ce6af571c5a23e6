import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import { lastUtcDays } from '@/common/metering';
import type { TDb } from '@/db/client';
import { projectUnitsByDay } from '@/db/metering';
import { users } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from '../projects/get-project-access';
import { parseInput } from '../validation/parse-input';
import { userDisplayName } from '../users/user-display-name';

export const ZDailyUnitsInput = z.object({
  projectId: z.string().uuid('Not a project id'),
  days: z.number().int().min(1).max(366).default(30),
});

export interface TDailyUnits {
  /** Oldest first, one per UTC day up to and including today; `byUser` holds only users with usage that day. */
  days: Array<{ day: string; total: number; byUser: Record<string, number> }>;
  /** Everyone with usage in the period, most units first. */
  users: Array<{ userId: string; name: string; total: number }>;
  total: number;
}

/**
 * Compute units a project used per UTC day over the last `days` days (today included), by
 * user: metered intervals split at midnight, open ones counted up to now.
 */
export async function getDailyUnits(
  db: TDb,
  actor: TSignedInUser,
  input: z.input<typeof ZDailyUnitsInput>,
  opts: { now?: Date } = {},
): Promise<TDailyUnits> {
  const { projectId, days } = parseInput(ZDailyUnitsInput, input, 'usage request');
  await getProjectAccess(db, actor, projectId, 'view');
  const now = opts.now ?? new Date();
  const { from, keys } = lastUtcDays(now, days);
  const series = keys.map((day) => ({ day, total: 0, byUser: {} as Record<string, number> }));
  const index = new Map(series.map((d, i) => [d.day, i]));
  const perUser = new Map<string, number>();
  for (const { userId, day, units } of await projectUnitsByDay(db, projectId, from, now)) {
    const d = series[index.get(day)!];
    d.byUser[userId] = (d.byUser[userId] ?? 0) + units;
    d.total += units;
    perUser.set(userId, (perUser.get(userId) ?? 0) + units);
  }
  const names = perUser.size
    ? new Map((await db.select({ id: users.id, name: userDisplayName }).from(users).where(inArray(users.id, [...perUser.keys()]))).map((u) => [u.id, u.name]))
    : new Map<string, string>();
  const people = [...perUser.entries()]
    .map(([userId, total]) => ({ userId, name: names.get(userId) ?? 'a deleted user', total }))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
  return { days: series, users: people, total: people.reduce((s, u) => s + u.total, 0) };
}
