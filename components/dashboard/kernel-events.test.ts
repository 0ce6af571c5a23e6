import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TKernelStateEvent } from '@/common/kernel-model';
import { parseKernelEvent } from './kernel-events';

const event: TKernelStateEvent = {
  type: 'state',
  kernelId: 'k1',
  projectId: 'p1',
  notebookId: 'n1',
  userId: 'u1',
  state: 'dead',
  reason: 'oom-killed',
  detail: 'Memory limit of 2 GiB reached',
  at: '2026-03-15T12:00:00.000Z',
  executionState: 'dead',
};

test('a state event changes the row’s state, reason and detail', () => {
  assert.deepEqual(parseKernelEvent(JSON.stringify(event)), { kernelId: 'k1', state: 'dead', reason: 'oom-killed', detail: 'Memory limit of 2 GiB reached' });
  assert.deepEqual(parseKernelEvent(JSON.stringify({ ...event, state: 'busy', reason: null, detail: null })), { kernelId: 'k1', state: 'busy', reason: null, detail: null });
});

test('junk, unknown kinds and unknown states are no change', () => {
  assert.equal(parseKernelEvent('not json'), null);
  assert.equal(parseKernelEvent('{"type":"ping"}'), null);
  assert.equal(parseKernelEvent(JSON.stringify({ ...event, state: 'exploded' })), null);
});

test('a progress event sets the launch step, and its message becomes the detail', () => {
  const progress = { step: 'waiting' as const, message: '0/2 nodes are available: 2 Insufficient cpu.', at: '2026-03-15T12:00:00.000Z' };
  const { type: _state, state: _s, reason: _r, detail: _d, executionState: _e, at: _at, ...ref } = event;
  assert.deepEqual(parseKernelEvent(JSON.stringify({ type: 'progress', ...ref, progress })), { kernelId: 'k1', progress, detail: progress.message });
  assert.deepEqual(parseKernelEvent(JSON.stringify({ type: 'progress', ...ref, progress: { ...progress, step: 'pulling-image', message: null } })), {
    kernelId: 'k1',
    progress: { ...progress, step: 'pulling-image', message: null },
  });
});

test('an executors event replaces the executor list', () => {
  const { type: _state, state: _s, reason: _r, detail: _d, executionState: _e, ...ref } = event;
  const executors = [{ id: '1', state: 'pending', reason: '0/2 nodes are available: 2 Insufficient cpu.', host: null, cores: 1, memoryMib: 1024 }];
  assert.deepEqual(parseKernelEvent(JSON.stringify({ type: 'executors', ...ref, executors })), { kernelId: 'k1', executors });
  assert.equal(parseKernelEvent(JSON.stringify({ type: 'executors', ...ref, executors: [{ id: '1', state: 'exploded' }] })), null);
});
