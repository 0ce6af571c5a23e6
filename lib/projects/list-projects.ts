import { and, asc, eq, sql } from 'drizzle-orm';
import type { TDb } from '@/db/client';
import { notebooks, projectMembers, projects } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import type { TProjectSummary } from './project-summary';

/**
 * The projects the caller belongs to, by name; an admin sees every project (with their own
 * role where they are a member). Personal projects are flagged.
 */
export async function listProjects(db: TDb, actor: TSignedInUser): Promise<TProjectSummary[]> {
  const memberCount = sql<number>`(select count(*)::int from ${projectMembers} pm where pm.project_id = ${projects.id})`;
  const notebookCount = sql<number>`(select count(*)::int from ${notebooks} nb where nb.project_id = ${projects.id})`;
  const mine = and(eq(projectMembers.projectId, projects.id), eq(projectMembers.userId, actor.id));
  const query = db
    .select({ project: projects, role: projectMembers.role, memberCount, notebookCount })
    .from(projects);
  const rows = await (actor.role === 'admin' ? query.leftJoin(projectMembers, mine) : query.innerJoin(projectMembers, mine)).orderBy(
    asc(sql`lower(${projects.name})`),
    asc(projects.slug),
  );
  return rows.map(({ project, role, memberCount, notebookCount }) => ({
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
