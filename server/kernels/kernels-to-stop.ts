import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { TERMINAL_STATES } from '../../common/kernel-states';
import type { TDb } from '../../db/client';

/** A Postgres array literal of ids the gateway itself holds (uuids: nothing to escape), bound as one parameter. */
const pgArray = (values: Iterable<string>) => `{${[...values].join(',')}}`;

/** What decides whether a kernel may keep running: its owner's account and its project. */
const ZKernelStanding = z.object({
  id: z.string(),
  owner_disabled_at: z.coerce.date().nullable(),
  owner_deleted_at: z.coerce.date().nullable(),
  project_archived_at: z.coerce.date().nullable(),
  project_deleted_at: z.coerce.date().nullable(),
});
export type TKernelStanding = z.infer<typeof ZKernelStanding>;

/** The standing of each given kernel, in ONE query; a kernel whose row is gone is absent. */
export async function readKernelStandings(db: TDb, kernelIds: readonly string[]): Promise<Map<string, TKernelStanding>> {
  if (!kernelIds.length) return new Map();
  const result = await db.execute(sql`
    SELECT k.id, u.disabled_at AS owner_disabled_at, u.deleted_at AS owner_deleted_at,
      p.archived_at AS project_archived_at, p.deleted_at AS project_deleted_at
    FROM kernels k JOIN users u ON u.id = k.user_id JOIN projects p ON p.id = k.project_id
    WHERE k.id = ANY(${pgArray(kernelIds)}::uuid[])`);
  return new Map(z.array(ZKernelStanding).parse(result.rows).map((r) => [r.id, r]));
}

/**
 * Why a kernel must stop (its `detail`, shown in its events and its notebook), or null.
 * `standing` undefined: its row vanished, which only a deleted project does (the cascade).
 */
export function stopDetail(standing: TKernelStanding | undefined): string | null {
  if (!standing || standing.project_deleted_at) return 'Stopped: the project was deleted.';
  if (standing.project_archived_at) return 'Stopped: the project was archived.';
  if (standing.owner_deleted_at) return "Stopped: its owner's account was deleted.";
  if (standing.owner_disabled_at) return 'Stopped: its owner was disabled.';
  return null;
}

/**
 * Removes deleted projects (`ids`, or every one when omitted) that no kernel runs in on any
 * gateway any more; their notebooks, environments, kernels, quotas and metering go with them
 * (ON DELETE CASCADE). Returns the ids removed.
 */
export async function purgeDeletedProjects(db: TDb, ids?: readonly string[]): Promise<string[]> {
  if (ids && !ids.length) return [];
  const only = ids ? sql`AND p.id = ANY(${pgArray(ids)}::uuid[])` : sql``;
  const result = await db.execute(sql`
    DELETE FROM projects p
    WHERE p.deleted_at IS NOT NULL ${only}
      AND NOT EXISTS (SELECT 1 FROM kernels k WHERE k.project_id = p.id AND k.state <> ALL(${pgArray(TERMINAL_STATES)}::text[]))
    RETURNING p.id`);
  return z.array(z.object({ id: z.string() })).parse(result.rows).map((r) => r.id);
}
