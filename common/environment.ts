import { z } from 'zod';
import { ZKernelSoftware } from './software';

/**
 * Optional Spark dynamic allocation (with shuffle tracking): Spark scales between min and
 * max executors; admission reserves the max.
 */
export const ZSparkDynamicAllocation = z.object({
  minExecutors: z.number().int().min(0),
  maxExecutors: z.number().int().min(1),
});

/** Spark section of an environment template; executors are reserved together with the driver. */
export const ZSparkSpec = z.object({
  driverCores: z.number().positive(),
  driverMemoryMib: z.number().int().positive(),
  /** `spark.executor.instances` (the initial count when dynamic allocation is on). */
  executors: z.number().int().min(0),
  executorCores: z.number().positive(),
  executorMemoryMib: z.number().int().positive(),
  dynamicAllocation: ZSparkDynamicAllocation.nullish(),
});
export type TSparkSpec = z.infer<typeof ZSparkSpec>;

/** A Kubernetes toleration, as in a pod spec. */
export const ZToleration = z.object({
  key: z.string().max(253).optional(),
  operator: z.enum(['Equal', 'Exists']).default('Equal'),
  value: z.string().max(63).optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
});
export type TToleration = z.infer<typeof ZToleration>;

/** Where the `kubernetes` provisioner may place the environment's pods (ignored by `local`). */
export const ZPlacement = z.object({
  nodeSelector: z.record(z.string(), z.string()).default({}),
  tolerations: z.array(ZToleration).default([]),
});
export type TPlacement = z.infer<typeof ZPlacement>;

/**
 * What a kernel may reach besides its own sockets: `egress` = addresses outside the host (local)
 * or the cluster (Kubernetes), never the platform's services; `none` = nothing.
 */
export const ZNetworkMode = z.enum(['none', 'egress']);
export type TNetworkMode = z.infer<typeof ZNetworkMode>;

export const ZProvisionerName = z.enum(['local', 'kubernetes']);
export type TProvisionerName = z.infer<typeof ZProvisionerName>;

/**
 * What a kernel is launched with. Kernels keep a copy of this (the snapshot), so editing a
 * template never changes a running kernel. CPU in millicores, memory in MiB.
 */
export const ZEnvironmentSpec = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  language: z.string(),
  /** argv with `{connection_file}` placeholder; null = the provisioner's default ipykernel command. */
  argv: z.array(z.string()).nullable(),
  image: z.string().nullable(),
  cpuRequestM: z.number().int().positive(),
  cpuLimitM: z.number().int().positive(),
  memoryRequestMib: z.number().int().positive(),
  memoryLimitMib: z.number().int().positive(),
  gpus: z.number().int().min(0),
  spark: ZSparkSpec.nullable(),
  /** Node selector and tolerations for pods; absent (snapshots taken before it existed) = none. */
  placement: ZPlacement.optional(),
  idleTimeoutS: z.number().int().positive(),
  /** Culled after this long without any websocket client; absent (snapshots from before it existed) = 10 min. */
  noClientTimeoutS: z.number().int().positive().default(600),
  provisioner: ZProvisionerName,
  poolSize: z.number().int().min(0),
  /** Outbound network access; absent (rows and snapshots from before it existed) = `egress`. */
  network: ZNetworkMode.default('egress'),
  /** The built software the kernel runs; null/absent = the platform's default Python environment. */
  software: ZKernelSoftware.nullish(),
});
export type TEnvironmentSpec = z.infer<typeof ZEnvironmentSpec>;

/** The total a launch reserves: the kernel (the Spark driver) plus every executor. */
export interface TResourceRequest {
  cpuM: number;
  memoryMib: number;
  gpus: number;
}

/** Executors a launch reserves: the template's count, or the maximum under dynamic allocation. */
export function reservedExecutors(spark: TSparkSpec | null): number {
  if (!spark) return 0;
  return spark.dynamicAllocation ? Math.max(spark.executors, spark.dynamicAllocation.maxExecutors) : spark.executors;
}

export function totalRequest(env: Pick<TEnvironmentSpec, 'cpuLimitM' | 'memoryLimitMib' | 'gpus' | 'spark'>): TResourceRequest {
  const ex = env.spark;
  const n = reservedExecutors(ex);
  return {
    cpuM: env.cpuLimitM + (ex ? Math.round(n * ex.executorCores * 1000) : 0),
    memoryMib: env.memoryLimitMib + (ex ? n * ex.executorMemoryMib : 0),
    gpus: env.gpus,
  };
}

function formatCores(m: number): string {
  const cores = m / 1000;
  return `${Number.isInteger(cores) ? cores : cores.toFixed(2).replace(/0$/, '')} vCPU`;
}

export function formatMemory(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024} GiB` : mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${mib} MiB`;
}

/** "Python 3 · 1 vCPU · 2 GiB" — the kernelspec display name and the label in pickers. */
export function hardwareLabel(env: Pick<TEnvironmentSpec, 'name' | 'cpuLimitM' | 'memoryLimitMib' | 'gpus' | 'spark'>): string {
  const parts = [env.name, formatCores(env.cpuLimitM), formatMemory(env.memoryLimitMib)];
  if (env.gpus > 0) parts.push(`${env.gpus} GPU`);
  if (env.spark) parts.push(`${env.spark.executors} executors`);
  return parts.join(' · ');
}

/** The platform's default environment: what `default` and `python3` name on the gateway. */
export const DEFAULT_ENVIRONMENT_SLUG = 'default';
export const KERNELSPEC_ALIASES: Readonly<Record<string, string>> = { python3: DEFAULT_ENVIRONMENT_SLUG };
