import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiException, type V1ContainerState, type V1Pod } from '@kubernetes/client-node';
import { quotaRefusal } from './api-errors';
import { executorFromPod, exitInfo, launchView } from './pod-status';

function pod(status: V1Pod['status'], spec: Partial<NonNullable<V1Pod['spec']>> = {}): V1Pod {
  return { metadata: { name: 'kernel-1', namespace: 'ns', uid: 'u' }, spec: { containers: [{ name: 'kernel', image: 'img:1' }], ...spec }, status };
}
const withContainer = (state: V1ContainerState, extra: V1Pod['status'] = {}) =>
  pod({ phase: 'Pending', ...extra, containerStatuses: [{ name: 'kernel', image: 'img:1', imageID: '', ready: false, restartCount: 0, state }] });

test('launch: nothing to say before scheduling; waiting with the scheduler\'s words; scheduled; pulling; running with the pod IP', () => {
  assert.deepEqual(launchView(pod({ phase: 'Pending' })), { kind: 'pending' });
  assert.deepEqual(
    launchView(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available: 2 Insufficient cpu.' }] })),
    { kind: 'progress', step: 'waiting', message: 'waiting for capacity: 0/2 nodes are available: 2 Insufficient cpu.' },
  );
  assert.deepEqual(launchView(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] })), {
    kind: 'progress',
    step: 'scheduled',
    message: null,
  });
  assert.deepEqual(launchView(withContainer({ waiting: { reason: 'ContainerCreating' } })), { kind: 'progress', step: 'pulling-image', message: null });
  assert.deepEqual(launchView(withContainer({ running: { startedAt: new Date() } }, { phase: 'Running', podIP: '10.244.1.7' })), {
    kind: 'running',
    podIP: '10.244.1.7',
  });
});

test('launch: image pull failures give up with the image named', () => {
  for (const reason of ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName']) {
    const view = launchView(withContainer({ waiting: { reason, message: 'not found' } }));
    assert.equal(view.kind, 'failed');
    assert.equal(view.kind === 'failed' && view.reason, 'image-pull');
    assert.match(view.kind === 'failed' ? view.message : '', /img:1.*not found/);
  }
});

test('exit: OOMKilled, Evicted, exit 0, other exits; null while running', () => {
  assert.equal(exitInfo(withContainer({ running: {} }, { phase: 'Running' })), null);
  assert.deepEqual(exitInfo(withContainer({ terminated: { exitCode: 137, reason: 'OOMKilled' } }, { phase: 'Failed' })), {
    exitCode: 137,
    signal: null,
    reason: 'oom-killed',
  });
  assert.equal(exitInfo(pod({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }))?.reason, 'evicted');
  assert.equal(exitInfo(withContainer({ terminated: { exitCode: 0, reason: 'Completed' } }, { phase: 'Succeeded' }))?.reason, 'exited');
  assert.equal(exitInfo(withContainer({ terminated: { exitCode: 3, reason: 'Error' } }, { phase: 'Failed' }))?.reason, 'crashed');
  assert.equal(exitInfo(pod({ phase: 'Failed' }))?.reason, 'crashed');
});

test('executors: Spark\'s id, state, the scheduler\'s reason while pending, host, requested cores and memory', () => {
  const executor: V1Pod = {
    metadata: { name: 'kernel-1-exec-2', labels: { 'spark-exec-id': '2', 'spark-role': 'executor' } },
    spec: { containers: [{ name: 'spark-kubernetes-executor', resources: { requests: { cpu: '500m', memory: '1408Mi' } } }] },
    status: {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available: 2 Insufficient memory.' }],
    },
  };
  assert.deepEqual(executorFromPod(executor), {
    id: '2',
    state: 'pending',
    reason: '0/2 nodes are available: 2 Insufficient memory.',
    host: null,
    cores: 0.5,
    memoryMib: 1408,
  });
  const running = executorFromPod({ ...executor, spec: { containers: [{ name: 'e', resources: { requests: { cpu: '1', memory: '1Gi' } } }] }, status: { phase: 'Running', podIP: '10.244.2.3' } });
  assert.deepEqual(running, { id: '2', state: 'running', reason: null, host: '10.244.2.3', cores: 1, memoryMib: 1024 });
});

test('a ResourceQuota refusal is reduced to the API server\'s "exceeded quota: …" words; other errors are not refusals', () => {
  const message = 'pods "kernel-1" is forbidden: exceeded quota: small, requested: requests.cpu=1, used: requests.cpu=0, limited: requests.cpu=500m';
  const refused = new ApiException(403, 'Unknown API Status Code!', JSON.stringify({ kind: 'Status', message, code: 403 }), {});
  assert.equal(quotaRefusal(refused), 'exceeded quota: small, requested: requests.cpu=1, used: requests.cpu=0, limited: requests.cpu=500m');
  assert.equal(quotaRefusal(new ApiException(403, 'x', JSON.stringify({ message: 'pods is forbidden: User cannot create' }), {})), null);
  assert.equal(quotaRefusal(new Error('exceeded quota')), null);
});
