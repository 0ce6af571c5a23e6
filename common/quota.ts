import { z } from 'zod';
import { formatMemory, type TResourceRequest } from './environment';
import type { TOwner } from './metering';

/*
 * Quota arithmetic, shared by the gateway's admission and the web's quota pages and
 * environment picker: limits, usage against them, and which limits a launch would break.
 * The queries that measure usage and read limits are `db/quotas.ts`.
 */

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

/** The five limits of anything that carries them (a `quotas` row), and nothing else. */
export function limitsOf(row: TQuotaLimits): TQuotaLimits {
  return { cpuM: row.cpuM, memoryMib: row.memoryMib, gpus: row.gpus, kernels: row.kernels, monthlyUnits: row.monthlyUnits };
}

/** Where a subject's effective limits come from. */
export type TLimitSource = 'explicit' | 'default' | 'unlimited';

/** The explicit limits if there are any, else the default ones (user/project only), else unlimited. */
export function effectiveLimits(explicit: TQuotaLimits | undefined, fallback: TQuotaLimits | undefined): { limits: TQuotaLimits; source: TLimitSource } {
  if (explicit) return { limits: limitsOf(explicit), source: 'explicit' };
  if (fallback) return { limits: limitsOf(fallback), source: 'default' };
  return { limits: { ...UNLIMITED }, source: 'unlimited' };
}

/** What a subject holds right now (active kernels) and has spent this month. */
export interface TUsage {
  cpuM: number;
  memoryMib: number;
  gpus: number;
  kernels: number;
  monthlyUnits: number;
}

export const ZERO_USAGE: Readonly<TUsage> = Object.freeze({ cpuM: 0, memoryMib: 0, gpus: 0, kernels: 0, monthlyUnits: 0 });

/**
 * Adds active kernels (what each holds) and metered units into per-key usage totals; the
 * caller's `keyOf` says which subject each counts for (null: none).
 */
export function sumUsage(
  active: ReadonlyArray<TOwner & { request: TResourceRequest }>,
  metered: ReadonlyArray<TOwner & { units: number }>,
  keyOf: (o: TOwner) => string | null,
): Map<string, TUsage> {
  const totals = new Map<string, TUsage>();
  const get = (key: string) => {
    let u = totals.get(key);
    if (!u) totals.set(key, (u = { ...ZERO_USAGE }));
    return u;
  };
  for (const k of active) {
    const key = keyOf(k);
    if (key === null) continue;
    const u = get(key);
    u.cpuM += k.request.cpuM;
    u.memoryMib += k.request.memoryMib;
    u.gpus += k.request.gpus;
    u.kernels += 1;
  }
  for (const i of metered) {
    const key = keyOf(i);
    if (key !== null) get(key).monthlyUnits += i.units;
  }
  return totals;
}

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

export const ZQuotaScope = z.enum(['user', 'project', 'project_user']);
export type TQuotaScope = z.infer<typeof ZQuotaScope>;

export type TQuotaLimitName = keyof TQuotaLimits;

export interface TScopeQuota {
  scope: TQuotaScope;
  limits: TQuotaLimits;
  source: TLimitSource;
  usage: TUsage;
}

/** The three subjects a launch by `userId` in `projectId` counts against, measured at `at`. */
export interface TQuotaState {
  userId: string;
  projectId: string;
  /** The instant usage was measured at (open intervals are counted up to it). */
  at: Date;
  scopes: Record<TQuotaScope, TScopeQuota>;
}

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

/** Every limit a launch of `request` would break, over the user, project and in-project scopes. */
export function checkLaunch(state: TQuotaState, request: TResourceRequest): TQuotaBlock[] {
  return (['user', 'project', 'project_user'] as const).flatMap((scope) => {
    const s = state.scopes[scope];
    return quotaBlocks(scope, s.limits, s.usage, request);
  });
}
