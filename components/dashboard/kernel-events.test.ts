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
