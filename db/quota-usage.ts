import { and, eq, gt, inArray, isNull, lt, or, type SQL } from 'drizzle-orm';
import type { TEnvironmentSpec, TResourceRequest } from '../common/environment';
import { totalRequest } from '../common/environment';
import { ACTIVE_STATES } from '../common/kernel-states';
import { quotaBlocks, UNLIMITED, unitsFor, type TQuotaBlock, type TQuotaLimits, type TQuotaScope, type TUsage } from '../common/quota';
import type { TDb } from './client';
import { kernels, quotas, usageIntervals } from './schema';

/**
 * Quota limits and usage, shared by the web (quota pages, environment picker) and the
 * gateway's admission, which calls `loadQuotaState` inside its launch transaction — hence
 * every function here takes a database *or* a transaction handle.
 */
export type TDbOrTx = TDb | Parameters<Parameters<TDb['transaction']>[0]>[0];

/** Where a subject's effective limits come from. */
export type TLimitSource = 'explicit' | 'default' | 'unlimited';

export interface TScopeQuota {
  scope: TQuotaScope;
  limits: TQuotaLimits;
  source: TLimitSource;
  usage: TUsage;
}

export interface TQuotaState {
  userId: string;
  projectId: string;
  /** The instant usage was measured at (open intervals are counted up to it). */
  at: Date;
  scopes: Record<TQuotaScope, TScopeQuota>;
}

export const ZERO_USAGE: Readonly<TUsage> = Object.freeze({ cpuM: 0, memoryMib: 0, gpus: 0, kernels: 0, monthlyUnits: 0 });

type TQuotaRow = typeof quotas.$inferSelect;

export function limitsOf(row: Pick<TQuotaRow, 'cpuM' | 'memoryMib' | 'gpus' | 'kernels' | 'monthlyUnits'>): TQuotaLimits {
  return { cpuM: row.cpuM, memoryMib: row.memoryMib, gpus: row.gpus, kernels: row.kernels, monthlyUnits: row.monthlyUnits };
}

/** The explicit row if there is one, else the default row (user/project only), else unlimited. */
export function effectiveLimits(explicit: TQuotaRow | undefined, fallback: TQuotaRow | undefined): { limits: TQuotaLimits; source: TLimitSource } {
  if (explicit) return { limits: limitsOf(explicit), source: 'explicit' };
  if (fallback) return { limits: limitsOf(fallback), source: 'default' };
  return { limits: { ...UNLIMITED }, source: 'unlimited' };
}

/** [start, end) of the UTC calendar month containing `now`. */
export function monthBounds(now: Date): { start: Date; end: Date } {
  return {
    start: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
    end: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
  };
}

/** One active kernel or metered interval, tagged with whose it is. */
interface TOwned {
  userId: string;
  projectId: string;
}

/**
 * Active kernels (non-terminal states; warm-pool kernels belong to no one until claimed)
 * matching `where`, with what each holds.
 */
export async function activeRequests(db: TDbOrTx, where?: SQL): Promise<Array<TOwned & { request: TResourceRequest }>> {
  const rows = await db
    .select({ userId: kernels.userId, projectId: kernels.projectId, environment: kernels.environment })
    .from(kernels)
    .where(and(inArray(kernels.state, [...ACTIVE_STATES]), eq(kernels.pooled, false), where));
  return rows.map((r) => ({ userId: r.userId, projectId: r.projectId, request: totalRequest(r.environment as TEnvironmentSpec) }));
}

/**
 * Compute units metered this UTC month, per interval: intervals overlapping the month are
 * clipped to it, open ones counted up to `now`.
 */
export async function monthlyIntervals(db: TDbOrTx, now: Date, where?: SQL): Promise<Array<TOwned & { units: number }>> {
  const month = monthBounds(now);
  const until = now < month.end ? now : month.end;
  const rows = await db
    .select({
      userId: usageIntervals.userId,
      projectId: usageIntervals.projectId,
      unitsPerHour: usageIntervals.unitsPerHour,
      startedAt: usageIntervals.startedAt,
      endedAt: usageIntervals.endedAt,
    })
    .from(usageIntervals)
    .where(and(lt(usageIntervals.startedAt, until), or(isNull(usageIntervals.endedAt), gt(usageIntervals.endedAt, month.start)), where));
  return rows.map((r) => {
    const start = r.startedAt > month.start ? r.startedAt : month.start;
    const end = r.endedAt && r.endedAt < until ? r.endedAt : until;
    return { userId: r.userId, projectId: r.projectId, units: unitsFor(r.unitsPerHour, start, end) };
  });
}

/** Adds kernels and intervals into per-key usage totals (key chosen by the caller). */
export function sumUsage(
  active: ReadonlyArray<TOwned & { request: TResourceRequest }>,
  intervals: ReadonlyArray<TOwned & { units: number }>,
  keyOf: (o: TOwned) => string | null,
): Map<string, TUsage> {
  const totals = new Map<string, TUsage>();
  const get = (key: string) => {
    let u = totals.get(key);
    if (!u) totals.set(key, (u = { ...ZERO_USAGE }));
    return u;
  };
  for (const k of active) {
    const key = keyOf(k);
    if (key === null) continue;
    const u = get(key);
    u.cpuM += k.request.cpuM;
    u.memoryMib += k.request.memoryMib;
    u.gpus += k.request.gpus;
    u.kernels += 1;
  }
  for (const i of intervals) {
    const key = keyOf(i);
    if (key !== null) get(key).monthlyUnits += i.units;
  }
  return totals;
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
  const active = await activeRequests(db, or(eq(kernels.userId, userId), eq(kernels.projectId, projectId)));
  const intervals = await monthlyIntervals(db, now, or(eq(usageIntervals.userId, userId), eq(usageIntervals.projectId, projectId)));
  const row = (scope: TQuotaRow['scope']) => rows.find((r) => r.scope === scope);
  const usage = (keyOf: (o: TOwned) => string | null) => sumUsage(active, intervals, keyOf).get('k') ?? { ...ZERO_USAGE };
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

/** Every limit a launch of `request` would break, over the user, project and in-project scopes. */
export function checkLaunch(state: TQuotaState, request: TResourceRequest): TQuotaBlock[] {
  return (['user', 'project', 'project_user'] as const).flatMap((scope) => {
    const s = state.scopes[scope];
    return quotaBlocks(scope, s.limits, s.usage, request);
  });
}
