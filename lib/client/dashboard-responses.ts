import { z } from 'zod';
import { ZSparkSpec } from '@/common/environment';
import { ZExecutor, ZLaunchProgress } from '@/common/kernel-model';
import { ZKernelState } from '@/common/kernel-states';
import type { TLargerChoiceResult, TLargerEnvironment } from '@/lib/dashboard/attach-larger-environment';
import type { TProjectDashboard } from '@/lib/dashboard/get-project-dashboard';
import { ZAttachResult, ZEnvironmentFits } from './environment-responses';

const ZReserved = z.object({ kernels: z.number(), cpuM: z.number(), memoryMib: z.number(), gpus: z.number(), unitsPerHour: z.number() });

const ZActiveEnvironment = z.object({
  kernelId: z.string(),
  notebook: z.object({ id: z.string(), name: z.string() }).nullable(),
  owner: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  environment: z.object({
    slug: z.string(),
    name: z.string(),
    language: z.string(),
    hardwareLabel: z.string(),
    cpuLimitM: z.number(),
    memoryLimitMib: z.number(),
    gpus: z.number(),
    reserved: z.object({ cpuM: z.number(), memoryMib: z.number(), gpus: z.number() }),
    computeUnitsPerHour: z.number(),
    spark: ZSparkSpec.nullable(),
  }),
  state: ZKernelState,
  reason: z.string().nullable(),
  reasonLabel: z.string(),
  detail: z.string().nullable(),
  requestedAt: z.string(),
  startedAt: z.string().nullable(),
  lastActivityAt: z.string(),
  stoppedAt: z.string().nullable(),
  uptimeS: z.number().nullable(),
  usage: z.object({ cpuM: z.number(), memoryMib: z.number(), sampledAt: z.string() }).nullable(),
  progress: ZLaunchProgress.nullable(),
  executors: z.array(ZExecutor).nullable(),
  unitsSoFar: z.number(),
  canStop: z.boolean(),
  canRestartLarger: z.boolean(),
});

/**
 * `GET /api/projects/{id}/dashboard` as the dashboard's refresh reads it. Typed against
 * `TProjectDashboard` (what the route returns), so a field added or changed there fails the
 * type check here until the browser reads it too.
 */
export const ZProjectDashboard: z.ZodType<TProjectDashboard> = z.object({
  at: z.string(),
  projectId: z.string(),
  currentUserId: z.string(),
  canRun: z.boolean(),
  canStopAny: z.boolean(),
  active: z.array(ZActiveEnvironment),
  idle: z.object({
    total: ZReserved,
    users: z.array(ZReserved.extend({ userId: z.string(), name: z.string(), email: z.string(), idleSince: z.string() })),
  }),
  daily: z.object({
    days: z.array(z.object({ day: z.string(), total: z.number(), byUser: z.record(z.string(), z.number()) })),
    users: z.array(z.object({ userId: z.string(), name: z.string(), total: z.number() })),
    total: z.number(),
  }),
});

/** `POST /api/projects/{id}/dashboard/kernels/{kernelId}/larger-environment`: the template now attached to the kernel's notebook. */
export const ZLargerEnvironment = ZAttachResult.extend({ notebookId: z.string(), dimension: z.enum(['memory', 'cpu']) }) satisfies z.ZodType<TLargerEnvironment>;

/** `GET …/dashboard/kernels/{id}/larger-environment`: what a restart on a larger environment would pick. */
export const ZLargerChoice = z.object({ fit: ZEnvironmentFits.element, notebookId: z.string(), dimension: z.enum(['memory', 'cpu']) }) satisfies z.ZodType<TLargerChoiceResult>;
