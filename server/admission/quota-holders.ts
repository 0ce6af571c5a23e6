import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { ACTIVE_STATES } from '../../common/kernel-states';
import type { TQuotaBlock } from '../../common/quota';
import type { TQuotaHolder } from '../../common/quota-holder';
import type { TDb } from '../../db/client';
import { kernels, notebooks, users } from '../../db/schema';
import { decideKernelAccess, projectAccess } from '../auth/access';
import type { TCaller } from '../auth/caller';

/**
 * The running kernels that hold the slots of the concurrent-kernel limits a launch broke, so
 * the refusal can name them and offer to stop them: the caller's own for a user limit, the
 * project's for a project limit, the caller's in the project for a per-member limit. Only
 * kernels the caller may see are named; none for limits a stopped kernel would not free
 * (CPU, memory and GPUs are named by the message, the monthly budget by nobody's kernel).
 */
export async function quotaHolders(db: TDb, caller: TCaller, launch: { projectId: string }, blocks: readonly TQuotaBlock[]): Promise<TQuotaHolder[]> {
  const scopes = new Set(blocks.filter((b) => b.limit === 'kernels').map((b) => b.scope));
  const holding: SQL[] = [];
  if (scopes.has('user')) holding.push(eq(kernels.userId, caller.userId));
  if (scopes.has('project')) holding.push(eq(kernels.projectId, launch.projectId));
  if (scopes.has('project_user')) holding.push(and(eq(kernels.userId, caller.userId), eq(kernels.projectId, launch.projectId))!);
  if (!holding.length) return [];
  const rows = await db
    .select({
      kernelId: kernels.id,
      projectId: kernels.projectId,
      notebookId: kernels.notebookId,
      notebookName: notebooks.name,
      environmentName: sql<string>`${kernels.environment}->>'name'`,
      userId: kernels.userId,
      userName: users.name,
      startedAt: sql<Date>`coalesce(${kernels.startedAt}, ${kernels.requestedAt})`.mapWith(kernels.requestedAt),
    })
    .from(kernels)
    .innerJoin(users, eq(users.id, kernels.userId))
    .leftJoin(notebooks, eq(notebooks.id, kernels.notebookId))
    .where(and(inArray(kernels.state, [...ACTIVE_STATES]), eq(kernels.pooled, false), or(...holding)))
    .orderBy(kernels.requestedAt);
  const access = new Map(await Promise.all([...new Set(rows.map((r) => r.projectId))].map(async (p) => [p, await projectAccess(db, caller, p)] as const)));
  return rows.flatMap(({ userId, ...row }) => {
    const projectAccessOf = access.get(row.projectId)!;
    const own = userId === caller.userId;
    if (decideKernelAccess(projectAccessOf, 'view', own) !== 'allow') return [];
    return [{ ...row, startedAt: row.startedAt.toISOString(), canStop: decideKernelAccess(projectAccessOf, 'stop', own) === 'allow' }];
  });
}
