import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { can } from '@/common/roles';
import type { TDb } from '@/db/client';
import { environments } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from '../projects/get-project-access';
import { parseInput } from '../validation/parse-input';
import type { TEnvironmentSummary } from './environment-summary';
import { summarizeEnvironments } from './summarize-environments';

export const ZListEnvironmentsInput = z.object({
  /** With a project: the global templates plus that project's. Without: global only. */
  projectId: z.string().uuid('Not a project id').nullish(),
  /** Archived templates too — honoured only for those the caller manages (admin: global; owner: the project's). */
  includeArchived: z.boolean().default(false),
});

/**
 * The templates a caller may pick from (or manage), global ones first, default first among
 * them. Each carries its compute-unit rate and hardware label.
 */
export async function listEnvironments(
  db: TDb,
  actor: TSignedInUser,
  input: z.input<typeof ZListEnvironmentsInput> = {},
): Promise<TEnvironmentSummary[]> {
  const { projectId, includeArchived } = parseInput(ZListEnvironmentsInput, input, 'environment list');
  const managesProject = projectId ? can((await getProjectAccess(db, actor, projectId, 'view')).access, 'manage') : false;
  const showArchivedGlobal = includeArchived && actor.role === 'admin';
  const showArchivedProject = includeArchived && managesProject;
  const globalOnes = and(isNull(environments.projectId), showArchivedGlobal ? undefined : isNull(environments.archivedAt));
  const projectOnes = projectId
    ? and(eq(environments.projectId, projectId), showArchivedProject ? undefined : isNull(environments.archivedAt))
    : undefined;
  const rows = await db
    .select()
    .from(environments)
    .where(projectOnes ? or(globalOnes, projectOnes) : globalOnes)
    .orderBy(
      sql`${environments.projectId} is not null`,
      sql`${environments.slug} <> 'default'`,
      sql`${environments.archivedAt} is not null`,
      asc(environments.name),
    );
  return summarizeEnvironments(db, rows);
}
