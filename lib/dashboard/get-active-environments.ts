import { and, desc, eq, gt, inArray, isNotNull, max, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { hardwareLabel, totalRequest, type TEnvironmentSpec, type TSparkSpec } from '@/common/environment';
import { ZExecutor, ZLaunchProgress, type TExecutor, type TLaunchProgressInfo } from '@/common/kernel-model';
import { ACTIVE_STATES, describeReason, isTerminal, ZKernelState, type TKernelState } from '@/common/kernel-states';
import { computeUnitsPerHour } from '@/common/metering';
import { can } from '@/common/roles';
import type { TDb } from '@/db/client';
import { unitsByKernel } from '@/db/metering';
import { kernels, notebooks, users } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from '../projects/get-project-access';
import { parseInput } from '../validation/parse-input';
import { userDisplayName } from '../users/user-display-name';

export const ZDashboardInput = z.object({ projectId: z.string().uuid('Not a project id') });

/** How long a kernel that died or failed stays on the dashboard (so its reason can be read). */
export const RECENTLY_ENDED_MS = 24 * 3600 * 1000;

/** One kernel as the "Active environments" table shows it. */
export interface TActiveEnvironment {
  kernelId: string;
  notebook: { id: string; name: string } | null;
  owner: { id: string; name: string; email: string };
  environment: {
    slug: string;
    name: string;
    language: string;
    /** "Python 3 · 1 vCPU · 2 GiB" */
    hardwareLabel: string;
    cpuLimitM: number;
    memoryLimitMib: number;
    gpus: number;
    /** Spark executors included. */
    reserved: { cpuM: number; memoryMib: number; gpus: number };
    computeUnitsPerHour: number;
    /** Driver and executors as launched (null without Spark). */
    spark: TSparkSpec | null;
  };
  state: TKernelState;
  reason: string | null;
  /** The reason in words ("out of memory"); empty when there is none. */
  reasonLabel: string;
  detail: string | null;
  requestedAt: string;
  startedAt: string | null;
  lastActivityAt: string;
  stoppedAt: string | null;
  /** Seconds since it became ready, up to now (or to when it stopped); null if it never started. */
  uptimeS: number | null;
  /** Latest sample from the provisioner, or null before the first one. */
  usage: { cpuM: number; memoryMib: number; sampledAt: string } | null;
  /** The latest launch step while it is being provisioned (null once ready, or never reported). */
  progress: TLaunchProgressInfo | null;
  /** A Spark kernel's executors as the gateway last read them (null without Spark or before the first read). */
  executors: TExecutor[] | null;
  /** Compute units metered so far (an open interval counted up to now). */
  unitsSoFar: number;
  /** The caller may stop it: project owners any kernel, editors their own, viewers none. */
  canStop: boolean;
  /**
   * Dead or failed, its notebook still there and no newer kernel started for it since, and
   * the caller may run kernels: offer "restart on a larger environment". Never for a launch
   * refused by a quota: a larger template needs more of it (kernel count and monthly budget
   * are not even about size).
   */
  canRestartLarger: boolean;
}

/** A jsonb column the gateway writes, as its contract says, or null if it holds anything else. */
function readJson<T>(schema: z.ZodType<T>, value: unknown): T | null {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/**
 * The project's kernels for the overview dashboard: every one holding resources (queued to
 * stopping; warm-pool kernels belong to no project member and are left out) plus those that
 * died or failed in the last 24 hours, newest first, each with its notebook, owner,
 * hardware, state and reason, launch step while it is provisioning, Spark executors, live
 * usage sample and the compute units it has used so far.
 */
export async function getActiveEnvironments(
  db: TDb,
  actor: TSignedInUser,
  input: z.input<typeof ZDashboardInput>,
  opts: { now?: Date } = {},
): Promise<TActiveEnvironment[]> {
  const { projectId } = parseInput(ZDashboardInput, input, 'dashboard request');
  const { access } = await getProjectAccess(db, actor, projectId, 'view');
  const now = opts.now ?? new Date();
  const endedSince = new Date(now.getTime() - RECENTLY_ENDED_MS);
  const rows = await db
    .select({
      kernel: kernels,
      notebookName: notebooks.name,
      ownerName: userDisplayName,
      ownerEmail: users.email,
    })
    .from(kernels)
    .innerJoin(users, eq(users.id, kernels.userId))
    .leftJoin(notebooks, eq(notebooks.id, kernels.notebookId))
    .where(
      and(
        eq(kernels.projectId, projectId),
        eq(kernels.pooled, false),
        or(
          inArray(kernels.state, [...ACTIVE_STATES]),
          and(inArray(kernels.state, ['dead', 'failed']), gt(sql`coalesce(${kernels.stoppedAt}, ${kernels.lastActivityAt})`, endedSince)),
        ),
      ),
    )
    .orderBy(desc(kernels.requestedAt));

  const units = await unitsByKernel(db, rows.map((r) => r.kernel.id), now);

  // The newest kernel of each notebook: an ended one that has been followed is not offered a restart.
  const latest = new Map(
    (
      await db
        .select({ notebookId: kernels.notebookId, at: max(kernels.requestedAt) })
        .from(kernels)
        .where(and(eq(kernels.projectId, projectId), isNotNull(kernels.notebookId)))
        .groupBy(kernels.notebookId)
    ).map((r) => [r.notebookId, r.at]),
  );

  const mayRun = can(access, 'run');
  const mayStopAny = can(access, 'stop-any');
  const list = rows.map(({ kernel: k, notebookName, ownerName, ownerEmail }): TActiveEnvironment => {
    const env = k.environment as TEnvironmentSpec;
    const state = ZKernelState.catch('failed').parse(k.state);
    const ended = isTerminal(state);
    const until = ended ? (k.stoppedAt ?? k.lastActivityAt) : now;
    return {
      kernelId: k.id,
      notebook: k.notebookId && notebookName !== null ? { id: k.notebookId, name: notebookName } : null,
      owner: { id: k.userId, name: ownerName, email: ownerEmail },
      environment: {
        slug: env.slug,
        name: env.name,
        language: env.language,
        hardwareLabel: hardwareLabel(env),
        cpuLimitM: env.cpuLimitM,
        memoryLimitMib: env.memoryLimitMib,
        gpus: env.gpus,
        reserved: totalRequest(env),
        computeUnitsPerHour: computeUnitsPerHour(env),
        spark: env.spark ?? null,
      },
      state,
      reason: k.reason,
      reasonLabel: describeReason(k.reason),
      detail: k.detail,
      requestedAt: k.requestedAt.toISOString(),
      startedAt: k.startedAt?.toISOString() ?? null,
      lastActivityAt: k.lastActivityAt.toISOString(),
      stoppedAt: k.stoppedAt?.toISOString() ?? null,
      uptimeS: k.startedAt ? Math.max(0, Math.floor((until.getTime() - k.startedAt.getTime()) / 1000)) : null,
      usage: ended ? null : (k.usage ?? null),
      progress: ended ? null : readJson(ZLaunchProgress, k.progress),
      executors: readJson(ZExecutor.array(), k.executors),
      unitsSoFar: units.get(k.id) ?? 0,
      canStop: !ended && state !== 'stopping' && (mayStopAny || (mayRun && k.userId === actor.id)),
      canRestartLarger:
        ended &&
        k.reason !== 'quota' &&
        mayRun &&
        k.notebookId !== null &&
        notebookName !== null &&
        (latest.get(k.notebookId)?.getTime() ?? 0) <= k.requestedAt.getTime(),
    };
  });
  // Running kernels first, then the ones that ended; newest first within each.
  return [...list.filter((k) => !isTerminal(k.state)), ...list.filter((k) => isTerminal(k.state))];
}
