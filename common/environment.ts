import { z } from 'zod';

/** Spark section of an environment template; executors are reserved together with the driver. */
export const ZSparkSpec = z.object({
  driverCores: z.number().positive(),
  driverMemoryMib: z.number().int().positive(),
  executors: z.number().int().min(0),
  executorCores: z.number().positive(),
  executorMemoryMib: z.number().int().positive(),
});
export type TSparkSpec = z.infer<typeof ZSparkSpec>;

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
  idleTimeoutS: z.number().int().positive(),
  provisioner: ZProvisionerName,
  poolSize: z.number().int().min(0),
});
export type TEnvironmentSpec = z.infer<typeof ZEnvironmentSpec>;

/** The total a launch reserves: the kernel (the Spark driver) plus every executor. */
export interface TResourceRequest {
  cpuM: number;
  memoryMib: number;
  gpus: number;
}

export function totalRequest(env: Pick<TEnvironmentSpec, 'cpuLimitM' | 'memoryLimitMib' | 'gpus' | 'spark'>): TResourceRequest {
  const ex = env.spark;
  return {
    cpuM: env.cpuLimitM + (ex ? Math.round(ex.executors * ex.executorCores * 1000) : 0),
    memoryMib: env.memoryLimitMib + (ex ? ex.executors * ex.executorMemoryMib : 0),
    gpus: env.gpus,
  };
}

/**
 * Compute units per hour — the one formula used everywhere a cost is shown or metered:
 *   1 CU/h per vCPU + 0.25 CU/h per GiB of memory + 10 CU/h per GPU,
 * counted on limits (what the kernel may use, hence what it holds), Spark executors included.
 */
export const CU_PER_CORE_HOUR = 1;
export const CU_PER_GIB_HOUR = 0.25;
export const CU_PER_GPU_HOUR = 10;

export function computeUnitsPerHour(env: Pick<TEnvironmentSpec, 'cpuLimitM' | 'memoryLimitMib' | 'gpus' | 'spark'>): number {
  const r = totalRequest(env);
  const cu = (r.cpuM / 1000) * CU_PER_CORE_HOUR + (r.memoryMib / 1024) * CU_PER_GIB_HOUR + r.gpus * CU_PER_GPU_HOUR;
  return Math.round(cu * 1000) / 1000;
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
