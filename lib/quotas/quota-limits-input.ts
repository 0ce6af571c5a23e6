import { z } from 'zod';
import type { TQuotaLimits } from '@/common/quota';

/**
 * Quota limits as an admin types them: CPU in vCPU (fractional allowed, stored in
 * millicores), memory in GiB (fractional allowed, stored in MiB), GPUs and kernels as
 * whole numbers, the monthly budget in compute units. null (or an empty field) = unlimited.
 * Shared by the quota editor in the browser and `setQuota`.
 */
const limit = (label: string, unit: string, opts: { int?: boolean } = {}) =>
  z
    .number({ error: `Enter ${label} as a number${unit ? ` of ${unit}` : ''}, or leave empty for unlimited` })
    .refine(Number.isFinite, `Enter ${label} as a number, or leave empty for unlimited`)
    .refine((v) => v >= 0, `${label[0].toUpperCase()}${label.slice(1)} must not be negative`)
    .refine((v) => !opts.int || Number.isInteger(v), `Enter ${label} as a whole number`)
    .refine((v) => v <= 1_000_000, `${label[0].toUpperCase()}${label.slice(1)} must be at most 1,000,000${unit ? ` ${unit}` : ''}`)
    .nullable();

export const ZQuotaLimitsInput = z.object({
  cpu: limit('the CPU limit', 'vCPU'),
  memoryGib: limit('the memory limit', 'GiB'),
  gpus: limit('the GPU limit', '', { int: true }),
  kernels: limit('the concurrent-kernel limit', '', { int: true }),
  monthlyUnits: limit('the monthly budget', 'CU'),
});
export type TQuotaLimitsInput = z.infer<typeof ZQuotaLimitsInput>;

export function toQuotaLimits(input: TQuotaLimitsInput): TQuotaLimits {
  return {
    cpuM: input.cpu === null ? null : Math.round(input.cpu * 1000),
    memoryMib: input.memoryGib === null ? null : Math.round(input.memoryGib * 1024),
    gpus: input.gpus,
    kernels: input.kernels,
    monthlyUnits: input.monthlyUnits,
  };
}

export function toQuotaLimitsInput(l: TQuotaLimits): TQuotaLimitsInput {
  return {
    cpu: l.cpuM === null ? null : l.cpuM / 1000,
    memoryGib: l.memoryMib === null ? null : Math.round((l.memoryMib / 1024) * 1000) / 1000,
    gpus: l.gpus,
    kernels: l.kernels,
    monthlyUnits: l.monthlyUnits,
  };
}
