import { z } from 'zod';
import { formatMemory, type TResourceRequest } from './environment';

/** Limits of one quota row; null = unlimited. CPU in millicores, memory in MiB. */
export const ZQuotaLimits = z.object({
  cpuM: z.number().int().min(0).nullable(),
  memoryMib: z.number().int().min(0).nullable(),
  gpus: z.number().int().min(0).nullable(),
  kernels: z.number().int().min(0).nullable(),
  monthlyUnits: z.number().min(0).nullable(),
});
export type TQuotaLimits = z.infer<typeof ZQuotaLimits>;

export const UNLIMITED: TQuotaLimits = { cpuM: null, memoryMib: null, gpus: null, kernels: null, monthlyUnits: null };

/** What a subject holds right now (active kernels) and has spent this month. */
export interface TUsage {
  cpuM: number;
  memoryMib: number;
  gpus: number;
  kernels: number;
  monthlyUnits: number;
}

export const ZQuotaScope = z.enum(['user', 'project', 'project_user']);
export type TQuotaScope = z.infer<typeof ZQuotaScope>;

export type TQuotaLimitName = keyof TQuotaLimits;

/** One limit a launch would break, with the numbers a person needs to act on it. */
export interface TQuotaBlock {
  scope: TQuotaScope;
  limit: TQuotaLimitName;
  max: number;
  used: number;
  requested: number;
}

const SCOPE_WORDS: Record<TQuotaScope, string> = {
  user: 'your',
  project: "the project's",
  project_user: 'your in-project',
};

function amount(limit: TQuotaLimitName, value: number): string {
  switch (limit) {
    case 'cpuM':
      return `${Math.round((value / 1000) * 100) / 100} vCPU`;
    case 'memoryMib':
      return formatMemory(value);
    case 'gpus':
      return `${value} GPU`;
    case 'kernels':
      return `${value} kernel${value === 1 ? '' : 's'}`;
    case 'monthlyUnits':
      return `${Math.round(value * 100) / 100} CU`;
  }
}

const LIMIT_WORDS: Record<TQuotaLimitName, string> = {
  cpuM: 'CPU',
  memoryMib: 'memory',
  gpus: 'GPU',
  kernels: 'concurrent kernel',
  monthlyUnits: 'monthly compute budget',
};

/** "Over your CPU quota: 1.5 vCPU of 2 vCPU in use, this launch needs 1 vCPU." */
export function describeBlock(b: TQuotaBlock): string {
  if (b.limit === 'monthlyUnits') {
    return `${capitalise(SCOPE_WORDS[b.scope])} monthly compute budget is used up: ${amount(b.limit, b.used)} of ${amount(b.limit, b.max)} this month.`;
  }
  return `Over ${SCOPE_WORDS[b.scope]} ${LIMIT_WORDS[b.limit]} quota: ${amount(b.limit, b.used)} of ${amount(b.limit, b.max)} in use, this launch needs ${amount(b.limit, b.requested)}.`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Which limits a launch of `request` would break for one subject. The monthly budget
 * blocks once it is spent (a running kernel may finish; a new one may not start).
 */
export function quotaBlocks(scope: TQuotaScope, limits: TQuotaLimits, usage: TUsage, request: TResourceRequest): TQuotaBlock[] {
  const blocks: TQuotaBlock[] = [];
  const check = (limit: 'cpuM' | 'memoryMib' | 'gpus' | 'kernels', requested: number) => {
    const max = limits[limit];
    if (max !== null && requested > 0 && usage[limit] + requested > max) blocks.push({ scope, limit, max, used: usage[limit], requested });
  };
  check('kernels', 1);
  check('cpuM', request.cpuM);
  check('memoryMib', request.memoryMib);
  check('gpus', request.gpus);
  if (limits.monthlyUnits !== null && usage.monthlyUnits >= limits.monthlyUnits) {
    blocks.push({ scope, limit: 'monthlyUnits', max: limits.monthlyUnits, used: usage.monthlyUnits, requested: 0 });
  }
  return blocks;
}

/** Compute units for a running interval, to the second. */
export function unitsFor(unitsPerHour: number, startedAt: Date, endedAt: Date): number {
  const seconds = Math.max(0, Math.floor((endedAt.getTime() - startedAt.getTime()) / 1000));
  return (unitsPerHour * seconds) / 3600;
}
