import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TExecutor } from '@/common/kernel-model';
import { countExecutors, executorsSummary } from './executor-counts';

const executor = (id: string, state: TExecutor['state'], reason: string | null = null): TExecutor => ({ id, state, reason, host: null, cores: 1, memoryMib: 1024 });

test('executors are counted by state', () => {
  const list = [executor('1', 'running'), executor('2', 'running'), executor('3', 'pending', '0/2 nodes are available: 2 Insufficient cpu.'), executor('4', 'failed', 'OOMKilled')];
  assert.deepEqual(countExecutors(list), { pending: 1, running: 2, succeeded: 0, failed: 1, unknown: 0, total: 4 });
  assert.equal(executorsSummary(list, 4), '2 of 4 executors running · 1 pending · 1 failed');
});

test('the summary counts against the template’s executors, or more when Spark scaled up', () => {
  assert.equal(executorsSummary([], 3), '0 of 3 executors yet');
  assert.equal(executorsSummary([], 0), 'no executors');
  assert.equal(executorsSummary([executor('1', 'running')], 1), '1 of 1 executor running');
  assert.equal(executorsSummary([executor('1', 'running'), executor('2', 'running'), executor('3', 'pending')], 2), '2 of 3 executors running · 1 pending');
});
