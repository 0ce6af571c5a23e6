import { and, asc, desc, eq, ilike, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { hardwareLabel } from '@/common/environment';
import { ACTIVE_STATES } from '@/common/kernel-states';
import { zSingleLineText } from '@/common/plain-text';
import type { TDb } from '@/db/client';
import { environments, kernels, notebooks, users } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from '../projects/get-project-access';
import { parseInput } from '../validation/parse-input';
import { toSummary, type TNotebookSummary } from './notebook-summary';
import { userDisplayName } from '../users/user-display-name';

/** A notebook row of the list: the summary plus the environment it runs on (null: none attached). */
export interface TNotebookListItem extends TNotebookSummary {
  environment: { id: string; slug: string; name: string; hardwareLabel: string; archived: boolean } | null;
  /** Some kernel of this notebook (anyone's) is live: queued up to stopping. */
  running: boolean;
}

export const NOTEBOOK_SORTS = ['name', 'updated'] as const;
export type TNotebookSort = (typeof NOTEBOOK_SORTS)[number];

export const ZListNotebooksInput = z.object({
  projectId: z.string(),
  /** Part of the name, any case. */
  q: zSingleLineText().trim().max(120, 'Use at most 120 characters').optional(),
  /** `name` A→Z, or `updated`: last saved first. */
  sort: z.enum(NOTEBOOK_SORTS).default('name'),
});

/** `%` and `_` typed in a search are letters, not wildcards. */
function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * A project's notebooks, searched and sorted by the database, for anyone who may view the
 * project. `sort` is checked here (a 400 naming it), so a route passes its query string as is.
 */
export async function listNotebooks(
  db: TDb,
  actor: TSignedInUser,
  input: { projectId: string; q?: string; sort?: string },
): Promise<TNotebookListItem[]> {
  const { q, sort, projectId } = parseInput(ZListNotebooksInput, input, 'notebook list');
  const { project } = await getProjectAccess(db, actor, projectId, 'view');
  const running = sql<boolean>`exists (select 1 from ${kernels} where ${and(eq(kernels.notebookId, notebooks.id), inArray(kernels.state, [...ACTIVE_STATES]))})`;
  const rows = await db
    .select({
      id: notebooks.id,
      projectId: notebooks.projectId,
      name: notebooks.name,
      version: notebooks.version,
      createdAt: notebooks.createdAt,
      updatedAt: notebooks.updatedAt,
      updatedBy: notebooks.updatedBy,
      updatedByName: userDisplayName,
      environment: environments,
      running,
    })
    .from(notebooks)
    .leftJoin(users, eq(users.id, notebooks.updatedBy))
    .leftJoin(environments, eq(environments.id, notebooks.environmentId))
    .where(and(eq(notebooks.projectId, project.id), q ? ilike(notebooks.name, containsPattern(q)) : undefined))
    .orderBy(...(sort === 'updated' ? [desc(notebooks.updatedAt), asc(notebooks.id)] : [asc(sql`lower(${notebooks.name})`), asc(notebooks.id)]));
  return rows.map(({ environment: env, running: live, ...r }) => ({
    ...toSummary({ ...r, content: null, environmentId: null, createdBy: null }, r.updatedByName),
    environment: env ? { id: env.id, slug: env.slug, name: env.name, hardwareLabel: hardwareLabel(env), archived: env.archivedAt !== null } : null,
    running: live,
  }));
}
