import { formatMemory, type TEnvironmentSpec } from '@/common/environment';
import type { TEnvironmentSummary } from '../environments/environment-summary';

/** A candidate as the environment picker has it: a template and whether it fits the quota now. */
export interface TCandidate {
  environment: Pick<TEnvironmentSummary, 'id' | 'slug' | 'name' | 'language' | 'cpuLimitM' | 'memoryLimitMib' | 'gpus' | 'computeUnitsPerHour' | 'archivedAt' | 'hardwareLabel'>;
  fits: boolean;
  blocks: Array<{ message: string }>;
}

export type TLargerChoice<C extends TCandidate> =
  | { ok: true; candidate: C; dimension: 'memory' | 'cpu' }
  | { ok: false; dimension: 'memory' | 'cpu'; message: string };

const cores = (m: number) => `${Math.round((m / 1000) * 100) / 100} vCPU`;

/**
 * The environment to restart a dead kernel on: for an out-of-memory kill the next one up
 * in memory, otherwise the next one up in CPU — same language, not smaller in the other
 * dimension, not archived — choosing the smallest such step (then the cheapest) that fits
 * the caller's quota now. When none is larger, or none of the larger ones fits, says so.
 */
export function pickLargerEnvironment<C extends TCandidate>(
  current: Pick<TEnvironmentSpec, 'slug' | 'language' | 'cpuLimitM' | 'memoryLimitMib'>,
  reason: string | null,
  candidates: readonly C[],
): TLargerChoice<C> {
  const dimension = reason === 'oom-killed' ? 'memory' : 'cpu';
  const key = (e: Pick<TCandidate['environment'], 'cpuLimitM' | 'memoryLimitMib'>) => (dimension === 'memory' ? e.memoryLimitMib : e.cpuLimitM);
  const other = (e: Pick<TCandidate['environment'], 'cpuLimitM' | 'memoryLimitMib'>) => (dimension === 'memory' ? e.cpuLimitM : e.memoryLimitMib);
  const larger = candidates
    .filter((c) => !c.environment.archivedAt && c.environment.slug !== current.slug && c.environment.language === current.language)
    .filter((c) => key(c.environment) > key(current) && other(c.environment) >= other(current))
    .sort((a, b) => key(a.environment) - key(b.environment) || a.environment.computeUnitsPerHour - b.environment.computeUnitsPerHour);
  const now = dimension === 'memory' ? formatMemory(current.memoryLimitMib) : cores(current.cpuLimitM);
  if (!larger.length) {
    return {
      ok: false,
      dimension,
      message: `No environment in this project has more ${dimension === 'memory' ? 'memory' : 'CPU'} than ${now}. Ask a project owner or an administrator to add a larger template.`,
    };
  }
  const fitting = larger.find((c) => c.fits);
  if (fitting) return { ok: true, candidate: fitting, dimension };
  const first = larger[0];
  return {
    ok: false,
    dimension,
    message: `${first.environment.name} (${first.environment.hardwareLabel.split(' · ').slice(1).join(' · ')}) is larger but does not fit your quota now: ${first.blocks[0]?.message ?? 'over quota.'}`,
  };
}
