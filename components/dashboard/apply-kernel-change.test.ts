import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TActiveEnvironment } from '@/lib/dashboard/get-active-environments';
import type { TProjectDashboard } from '@/lib/dashboard/get-project-dashboard';
import { applyKernelChange } from './apply-kernel-change';

const at = '2026-03-15T12:00:00.000Z';
const waiting = { step: 'waiting' as const, message: '0/2 nodes are available: 2 Insufficient cpu.', at };

function row(kernelId: string, patch: Partial<TActiveEnvironment> = {}): TActiveEnvironment {
  return {
    kernelId,
    notebook: null,
    owner: { id: 'u1', name: 'Dana', email: 'dana@example.com' },
    environment: {
      slug: 'spark',
      name: 'Spark',
      language: 'python',
      hardwareLabel: 'Spark · 1 vCPU · 2 GiB · 2 executors',
      cpuLimitM: 1000,
      memoryLimitMib: 2048,
      gpus: 0,
      reserved: { cpuM: 3000, memoryMib: 6144, gpus: 0 },
      computeUnitsPerHour: 4.5,
      spark: { driverCores: 1, driverMemoryMib: 2048, executors: 2, executorCores: 1, executorMemoryMib: 2048, dynamicAllocation: null },
    },
    state: 'provisioning',
    reason: null,
    reasonLabel: '',
    detail: null,
    requestedAt: at,
    startedAt: null,
    lastActivityAt: at,
    stoppedAt: null,
    uptimeS: null,
    usage: null,
    progress: null,
    executors: null,
    unitsSoFar: 0,
    canStop: true,
    canRestartLarger: false,
    ...patch,
  };
}

const dashboard = (active: TActiveEnvironment[]): TProjectDashboard => ({
  at,
  projectId: 'p1',
  currentUserId: 'u1',
  canRun: true,
  canStopAny: true,
  active,
  idle: { total: { kernels: 0, cpuM: 0, memoryMib: 0, gpus: 0, unitsPerHour: 0 }, users: [] },
  daily: { days: [], users: [], total: 0 },
});

test('a launch step and its message land on the kernel’s row only', () => {
  const data = dashboard([row('k1'), row('k2')]);
  const next = applyKernelChange(data, { kernelId: 'k1', progress: waiting, detail: waiting.message });
  assert.deepEqual(next.active[0].progress, waiting);
  assert.equal(next.active[0].detail, waiting.message);
  assert.equal(next.active[1], data.active[1]);
});

test('becoming ready (or failing) ends the launch steps; a state change within the launch keeps them', () => {
  const data = dashboard([row('k1', { progress: { step: 'pulling-image', message: null, at } })]);
  assert.deepEqual(applyKernelChange(data, { kernelId: 'k1', state: 'starting' }).active[0].progress, { step: 'pulling-image', message: null, at });
  assert.equal(applyKernelChange(data, { kernelId: 'k1', state: 'idle', reason: null, detail: null }).active[0].progress, null);
  assert.equal(applyKernelChange(data, { kernelId: 'k1', state: 'failed', reason: 'unschedulable' }).active[0].progress, null);
});

test('an executors event replaces the list; unknown kernels change nothing', () => {
  const data = dashboard([row('k1', { state: 'idle' })]);
  const executors = [{ id: '1', state: 'running' as const, reason: null, host: '10.244.0.7', cores: 1, memoryMib: 2048 }];
  assert.deepEqual(applyKernelChange(data, { kernelId: 'k1', executors }).active[0].executors, executors);
  assert.equal(applyKernelChange(data, { kernelId: 'nope', executors }), data);
});
