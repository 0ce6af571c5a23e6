import type { TQuotaLimitName } from '@/common/quota';

/** "1.5 vCPU" from millicores. */
export function formatCpu(m: number): string {
  return `${Math.round(m / 10) / 100} vCPU`;
}

/** Quota memory always in GiB ("0.5 GiB", "16 GiB"), so used and limit read alike. */
export function formatGib(mib: number): string {
  return `${Math.round((mib / 1024) * 100) / 100} GiB`;
}

/** "12.3 CU" */
export function formatUnits(units: number): string {
  return `${units >= 100 ? Math.round(units) : Math.round(units * 10) / 10} CU`;
}

/** One amount of one limit, in the unit people read it in. */
export function formatLimitValue(limit: TQuotaLimitName, value: number): string {
  switch (limit) {
    case 'cpuM':
      return formatCpu(value);
    case 'memoryMib':
      return formatGib(value);
    case 'gpus':
      return `${value} GPU`;
    case 'kernels':
      return `${value}`;
    case 'monthlyUnits':
      return formatUnits(value);
  }
}

/** Column order and headings used by every quota view. */
export const LIMIT_COLUMNS: ReadonlyArray<{ limit: TQuotaLimitName; label: string }> = [
  { limit: 'cpuM', label: 'CPU' },
  { limit: 'memoryMib', label: 'Memory' },
  { limit: 'gpus', label: 'GPUs' },
  { limit: 'kernels', label: 'Kernels' },
  { limit: 'monthlyUnits', label: 'Monthly CU' },
];
