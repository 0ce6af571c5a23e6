import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseKernelEvent } from './kernel-events';

test('a kernel model (as GET /api/kernels/{id} returns it) gives state, reason and detail', () => {
  const model = { id: 'k1', name: 'default', execution_state: 'dead', lattice: { state: 'dead', reason: 'oom-killed', detail: 'limit 2 GiB', projectId: 'p' } };
  assert.deepEqual(parseKernelEvent(JSON.stringify(model)), { kernelId: 'k1', state: 'dead', reason: 'oom-killed', detail: 'limit 2 GiB' });
  assert.deepEqual(parseKernelEvent(JSON.stringify({ type: 'kernel', kernel: model })), { kernelId: 'k1', state: 'dead', reason: 'oom-killed', detail: 'limit 2 GiB' });
});

test('a flat transition and a usage sample', () => {
  assert.deepEqual(parseKernelEvent('{"kernelId":"k2","from":"idle","to":"busy"}'), { kernelId: 'k2', state: 'busy' });
  assert.deepEqual(parseKernelEvent('{"kernelId":"k2","usage":{"cpuM":250,"memoryMib":512,"sampledAt":"2026-03-15T12:00:00Z"}}'), {
    kernelId: 'k2',
    usage: { cpuM: 250, memoryMib: 512, sampledAt: '2026-03-15T12:00:00Z' },
  });
});

test('heartbeats, unknown states and junk are not kernel changes', () => {
  assert.equal(parseKernelEvent('not json'), null);
  assert.equal(parseKernelEvent('{"type":"ping"}'), null);
  assert.deepEqual(parseKernelEvent('{"kernelId":"k3","state":"exploded"}'), { kernelId: 'k3' });
});
