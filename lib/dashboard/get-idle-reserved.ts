import { and, asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { totalRequest, type TEnvironmentSpec } from '@/common/environment';
import { computeUnitsPerHour } from '@/common/metering';
import type { TDb } from '@/db/client';
import { kernels, users } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from '../projects/get-project-access';
import { parseInput } from '../validation/parse-input';
import { ZDashboardInput } from './get-active-environments';
import { userDisplayName } from '../users/user-display-name';

export interface TReserved {
  kernels: number;
  cpuM: number;
  memoryMib: number;
  gpus: number;
  /** What the idle kernels cost per hour while they wait. */
  unitsPerHour: number;
}

export interface TIdleReserved {
  total: TReserved;
  /** Per user, most memory held first. */
  users: Array<TReserved & { userId: string; name: string; email: string; idleSince: string }>;
}

const zero = (): TReserved => ({ kernels: 0, cpuM: 0, memoryMib: 0, gpus: 0, unitsPerHour: 0 });

function add(into: TReserved, env: TEnvironmentSpec): void {
  const r = totalRequest(env);
  into.kernels += 1;
  into.cpuM += r.cpuM;
  into.memoryMib += r.memoryMib;
  into.gpus += r.gpus;
  into.unitsPerHour = Math.round((into.unitsPerHour + computeUnitsPerHour(env)) * 1000) / 1000;
}

/**
 * "Idle but reserved": the CPU, memory and GPUs that kernels in the `idle` state hold in a
 * project (their full limits, Spark executors included, as quotas count them), per user,
 * with the oldest last activity among each user's idle kernels.
 */
export async function getIdleReserved(db: TDb, actor: TSignedInUser, input: z.input<typeof ZDashboardInput>): Promise<TIdleReserved> {
  const { projectId } = parseInput(ZDashboardInput, input, 'dashboard request');
  await getProjectAccess(db, actor, projectId, 'view');
  const rows = await db
    .select({ userId: kernels.userId, environment: kernels.environment, lastActivityAt: kernels.lastActivityAt, name: userDisplayName, email: users.email })
    .from(kernels)
    .innerJoin(users, eq(users.id, kernels.userId))
    .where(and(eq(kernels.projectId, projectId), eq(kernels.state, 'idle'), eq(kernels.pooled, false)))
    .orderBy(asc(kernels.lastActivityAt));
  const total = zero();
  const byUser = new Map<string, TIdleReserved['users'][number]>();
  for (const r of rows) {
    let u = byUser.get(r.userId);
    if (!u) byUser.set(r.userId, (u = { ...zero(), userId: r.userId, name: r.name, email: r.email, idleSince: r.lastActivityAt.toISOString() }));
    add(u, r.environment as TEnvironmentSpec);
    add(total, r.environment as TEnvironmentSpec);
  }
  return { total, users: [...byUser.values()].sort((a, b) => b.memoryMib - a.memoryMib || b.cpuM - a.cpuM) };
}
