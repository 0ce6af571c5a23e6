import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { TResourceRequest } from '../common/environment';
import { totalRequest } from '../common/environment';
import { ACTIVE_STATES } from '../common/kernel-states';
import type { TOwner } from '../common/metering';
import { effectiveLimits, sumUsage, ZERO_USAGE, type TQuotaLimits, type TQuotaState, type TUsage } from '../common/quota';
import type { TDbOrTx } from './client';
import { monthlyUnits } from './metering';
import { kernels, quotas } from './schema';

/**
 * Quota queries, shared by the web (quota pages, environment picker) and the gateway's
 * admission, which calls `loadQuotaState` inside its launch transaction — hence every
 * function here takes a database *or* a transaction handle. The arithmetic is `common/quota.ts`.
 */

export type TQuotaRow = typeof quotas.$inferSelect;

/** Who a quota row limits: one of the five scopes with the ids it needs (others null). */
export interface TQuotaSubject {
  scope: TQuotaRow['scope'];
  userId: string | null;
  projectId: string | null;
}

/**
 * Active kernels (non-terminal states; warm-pool kernels belong to no one until claimed),
 * with what each holds. With `of`, only kernels of that user or of that project (either).
 */
async function activeRequests(db: TDbOrTx, of?: Partial<TOwner>): Promise<Array<TOwner & { request: TResourceRequest }>> {
  const owner = of && or(of.userId ? eq(kernels.userId, of.userId) : undefined, of.projectId ? eq(kernels.projectId, of.projectId) : undefined);
  // Only the fields a request is made of: a whole snapshot (argv, image, env…) per active
  // kernel made each admission read ~1.5 MB at 1,000 kernels (bench:kubernetes).
  const rows = await db
    .select({
      userId: kernels.userId,
      projectId: kernels.projectId,
      environment: sql<unknown>`jsonb_build_object('cpuLimitM', ${kernels.environment}->'cpuLimitM', 'memoryLimitMib', ${kernels.environment}->'memoryLimitMib', 'gpus', ${kernels.environment}->'gpus', 'spark', ${kernels.environment}->'spark')`,
    })
    .from(kernels)
    .where(and(inArray(kernels.state, [...ACTIVE_STATES]), eq(kernels.pooled, false), owner));
  return rows.map((r) => ({ userId: r.userId, projectId: r.projectId, request: totalRequest(r.environment as Parameters<typeof totalRequest>[0]) }));
}

/**
 * Limits and usage of the three subjects a launch by `userId` in `projectId` counts against:
 * the user (across all their projects), the project (across all its users) and the user
 * inside the project. Limits: the explicit row, else for user/project the `default_user` /
 * `default_project` row, else unlimited (project_user: its row or unlimited).
 */
export async function loadQuotaState(db: TDbOrTx, opts: { userId: string; projectId: string; now?: Date }): Promise<TQuotaState> {
  const { userId, projectId } = opts;
  const now = opts.now ?? new Date();
  // Sequential on purpose: a transaction handle is one connection.
  const rows = await db
    .select()
    .from(quotas)
    .where(
      or(
        and(eq(quotas.scope, 'user'), eq(quotas.userId, userId)),
        and(eq(quotas.scope, 'project'), eq(quotas.projectId, projectId)),
        and(eq(quotas.scope, 'project_user'), eq(quotas.projectId, projectId), eq(quotas.userId, userId)),
        inArray(quotas.scope, ['default_user', 'default_project']),
      ),
    );
  const active = await activeRequests(db, { userId, projectId });
  const metered = await monthlyUnits(db, now, { userId, projectId });
  const row = (scope: TQuotaRow['scope']) => rows.find((r) => r.scope === scope);
  const usage = (keyOf: (o: TOwner) => string | null) => sumUsage(active, metered, keyOf).get('k') ?? { ...ZERO_USAGE };
  return {
    userId,
    projectId,
    at: now,
    scopes: {
      user: { scope: 'user', ...effectiveLimits(row('user'), row('default_user')), usage: usage((o) => (o.userId === userId ? 'k' : null)) },
      project: {
        scope: 'project',
        ...effectiveLimits(row('project'), row('default_project')),
        usage: usage((o) => (o.projectId === projectId ? 'k' : null)),
      },
      project_user: {
        scope: 'project_user',
        ...effectiveLimits(row('project_user'), undefined),
        usage: usage((o) => (o.userId === userId && o.projectId === projectId ? 'k' : null)),
      },
    },
  };
}

/** A project's effective limits: its own quota row, else the default project row, else unlimited. */
export async function loadProjectLimits(db: TDbOrTx, projectId: string): Promise<TQuotaLimits> {
  const rows = await db
    .select()
    .from(quotas)
    .where(or(and(eq(quotas.scope, 'project'), eq(quotas.projectId, projectId)), inArray(quotas.scope, ['default_project'])));
  return effectiveLimits(
    rows.find((r) => r.scope === 'project'),
    rows.find((r) => r.scope === 'default_project'),
  ).limits;
}

/** Usage of every user, every project and every user inside each project (`projectId:userId`), at `now`. */
export async function loadAllUsage(db: TDbOrTx, now: Date): Promise<Record<'byUser' | 'byProject' | 'byPair', Map<string, TUsage>>> {
  const active = await activeRequests(db);
  const metered = await monthlyUnits(db, now);
  return {
    byUser: sumUsage(active, metered, (o) => o.userId),
    byProject: sumUsage(active, metered, (o) => o.projectId),
    byPair: sumUsage(active, metered, (o) => `${o.projectId}:${o.userId}`),
  };
}

/** Sets one subject's limits, or with null removes its row (users and projects then fall back to the default). */
export async function writeQuota(db: TDbOrTx, subject: TQuotaSubject, limits: TQuotaLimits | null): Promise<void> {
  const { scope, userId, projectId } = subject;
  const where = and(
    eq(quotas.scope, scope),
    userId ? eq(quotas.userId, userId) : isNull(quotas.userId),
    projectId ? eq(quotas.projectId, projectId) : isNull(quotas.projectId),
  );
  if (limits === null) {
    await db.delete(quotas).where(where);
    return;
  }
  await db
    .insert(quotas)
    .values({ scope, userId, projectId, ...limits })
    .onConflictDoUpdate({ target: [quotas.scope, quotas.userId, quotas.projectId], set: { ...limits, updatedAt: new Date() } });
}
