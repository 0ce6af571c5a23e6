import type { TQuotaLimits, TQuotaScope, TUsage } from '@/common/quota';
import type { TLimitSource } from '@/db/quota-usage';

/** What is left under each limit; null = unlimited. Never negative. */
export type THeadroom = { [K in keyof TQuotaLimits]: number | null };

export function headroomOf(limits: TQuotaLimits, usage: TUsage): THeadroom {
  const left = (max: number | null, used: number) => (max === null ? null : Math.max(0, max - used));
  return {
    cpuM: left(limits.cpuM, usage.cpuM),
    memoryMib: left(limits.memoryMib, usage.memoryMib),
    gpus: left(limits.gpus, usage.gpus),
    kernels: left(limits.kernels, usage.kernels),
    monthlyUnits: left(limits.monthlyUnits, usage.monthlyUnits),
  };
}

/** One subject's limits, where they come from, and what it uses now / this month. */
export interface TQuotaView {
  scope: TQuotaScope;
  limits: TQuotaLimits;
  source: TLimitSource;
  usage: TUsage;
  headroom: THeadroom;
}
