import type { TExecutor } from '@/common/kernel-model';

export type TExecutorCounts = Record<TExecutor['state'], number> & { total: number };

export function countExecutors(executors: readonly TExecutor[]): TExecutorCounts {
  const counts: TExecutorCounts = { pending: 0, running: 0, succeeded: 0, failed: 0, unknown: 0, total: executors.length };
  for (const e of executors) counts[e.state] += 1;
  return counts;
}

/**
 * "3 of 4 executors running · 1 pending" (the template's count as the "of"; more are listed
 * when Spark scaled up), "no executors yet" before the first one appears.
 */
export function executorsSummary(executors: readonly TExecutor[], planned: number): string {
  const c = countExecutors(executors);
  if (c.total === 0) return planned > 0 ? `0 of ${planned} executors yet` : 'no executors';
  const of = Math.max(planned, c.total);
  const parts = [`${c.running} of ${of} executor${of === 1 ? '' : 's'} running`];
  if (c.pending) parts.push(`${c.pending} pending`);
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.succeeded) parts.push(`${c.succeeded} finished`);
  if (c.unknown) parts.push(`${c.unknown} unknown`);
  return parts.join(' · ');
}
