import { CU_PER_CORE_HOUR, CU_PER_GIB_HOUR, CU_PER_GPU_HOUR } from '@/common/metering';

/** "1.5 CU/h" — the compute-unit rate shown wherever a template is. */
export function formatRate(cuPerHour: number): string {
  return `${Math.round(cuPerHour * 100) / 100} CU/h`;
}

/** The formula in words, for tooltips and page descriptions. */
export const RATE_FORMULA = `${CU_PER_CORE_HOUR} CU/h per vCPU + ${CU_PER_GIB_HOUR} CU/h per GiB + ${CU_PER_GPU_HOUR} CU/h per GPU, on limits, Spark executors included`;
