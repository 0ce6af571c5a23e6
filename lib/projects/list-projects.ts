import { and, eq, ilike, isNotNull, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { TDb } from '@/db/client';
import { notebooks, projectMembers, projects } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { containsPattern, keysetPage, toListPage } from '../paging/keyset-page';
import { ZListQuery, type TListPage } from '../paging/list-query';
import { parseInput } from '../validation/parse-input';
import type { TProjectSummary } from './project-summary';

/** `GET /api/projects` and `/projects`: the shared list query plus the Archived filter (`?archived=true`). */
export const ZProjectListQuery = ZListQuery.extend({
  archived: z.enum(['true', 'false'], { message: 'archived is true or false' }).default('false').transform((v) => v === 'true'),
});
export type TProjectListQuery = z.output<typeof ZProjectListQuery>;

/**
 * One page of the projects the caller belongs to; an admin sees every project (with their own
 * role where they are a member). Search matches name or slug (case-insensitive substring).
 * Deleted projects never show; archived ones only, and all of them, under the Archived filter.
 */
export async function listProjects(db: TDb, actor: TSignedInUser, input: z.input<typeof ZProjectListQuery> = {}): Promise<TListPage<TProjectSummary>> {
  const query = parseInput(ZProjectListQuery, input, 'list query');
  const page = keysetPage({ name: projects.name, created: projects.createdAt, id: projects.id }, query);
  const memberCount = sql<number>`(select count(*)::int from ${projectMembers} pm where pm.project_id = ${projects.id})`;
  const notebookCount = sql<number>`(select count(*)::int from ${notebooks} nb where nb.project_id = ${projects.id})`;
  const mine = and(eq(projectMembers.projectId, projects.id), eq(projectMembers.userId, actor.id));
  const select = db
    .select({ project: projects, role: projectMembers.role, memberCount, notebookCount, sortKey: page.sortKey, id: projects.id })
    .from(projects);
  const joined = actor.role === 'admin' ? select.leftJoin(projectMembers, mine) : select.innerJoin(projectMembers, mine);
  const pattern = query.q ? containsPattern(query.q) : null;
  const rows = await joined
    .where(
      and(
        isNull(projects.deletedAt),
        query.archived ? isNotNull(projects.archivedAt) : isNull(projects.archivedAt),
        pattern ? or(ilike(projects.name, pattern), ilike(projects.slug, pattern)) : undefined,
        page.after,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(page.limit);
  return toListPage(rows, query, ({ project, role, memberCount, notebookCount }) => ({
    id: project.id,
    name: project.name,
    slug: project.slug,
    description: project.description,
    personal: project.personalOwnerId !== null,
    role: role ?? null,
    memberCount,
    notebookCount,
    createdAt: project.createdAt.toISOString(),
  }));
}
