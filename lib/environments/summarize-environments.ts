import { inArray } from 'drizzle-orm';
import type { TDb } from '@/db/client';
import { softwareBuilds, type environments } from '@/db/schema';
import { toEnvironmentSummary, type TEnvironmentSummary } from './environment-summary';

type TEnvironmentRow = typeof environments.$inferSelect;

/** Summaries of template rows with their software builds (one query for the whole list). */
export async function summarizeEnvironments(db: TDb, rows: readonly TEnvironmentRow[]): Promise<TEnvironmentSummary[]> {
  const ids = [...new Set(rows.map((r) => r.softwareBuildId).filter((id): id is string => id !== null))];
  const builds = ids.length ? await db.select().from(softwareBuilds).where(inArray(softwareBuilds.id, ids)) : [];
  const byId = new Map(builds.map((b) => [b.id, b]));
  return rows.map((row) => toEnvironmentSummary(row, row.softwareBuildId ? byId.get(row.softwareBuildId) : null));
}

export async function summarizeEnvironment(db: TDb, row: TEnvironmentRow): Promise<TEnvironmentSummary> {
  const [summary] = await summarizeEnvironments(db, [row]);
  return summary;
}
