import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TKernelModel } from '@/common/kernel-model';
import { RequestError } from '@/lib/client/request-error';
import { explainLoss, KernelLostError, lossNotice } from './kernel-loss';

function model(state: TKernelModel['lattice']['state'], reason: string | null, detail: string | null = null): TKernelModel {
  return {
    id: 'k1', name: 'small', last_activity: '', execution_state: 'dead', connections: 0,
    lattice: {
      state, reason, detail, projectId: 'p', notebookId: 'n', userId: 'u', startedAt: null, progress: null, executors: null,
      environment: { slug: 'small', name: 'Small', cpuLimitM: 500, memoryLimitMib: 1024, gpus: 0, computeUnitsPerHour: 1 },
    },
  };
}

test('each way a kernel goes away reads as a person would say it', () => {
  assert.deepEqual(lossNotice('k1', model('dead', 'oom-killed'), false), { kind: 'lost', kernelId: 'k1', offerLarger: true, text: 'Kernel died: out of memory (limit 1 GiB).' });
  assert.equal(lossNotice('k1', model('stopped', 'user-request', 'Stopped by Ada Lovelace from the dashboard'), false).text, 'Stopped by Ada Lovelace from the dashboard');
  assert.match(lossNotice('k1', model('dead', 'culled', 'Stopped after 60 min without activity'), false).text, /^Kernel dead: stopped after being idle — Stopped after 60 min/);
  assert.match(lossNotice('k1', model('idle', null), true).text, /restarted/);
  assert.match(lossNotice('k1', model('idle', null), false).text, /connection to the kernel was lost.*kept running/);
  assert.match(lossNotice('k1', null, false).text, /it is gone/);
});

test('the explanation waits for the gateway to record the stop, and a vanished kernel is said to be gone', async () => {
  const answers = [model('stopping', null), model('stopped', 'user-request', 'Stopped by Ada Lovelace from the dashboard')];
  const notice = await explainLoss(async () => answers.shift()!, new KernelLostError('k1', false, new Error('Canceled')));
  assert.equal(notice.text, 'Stopped by Ada Lovelace from the dashboard');
  const gone = await explainLoss(async () => {
    throw new RequestError({ service: 'gateway', status: 404, code: 'NOT_FOUND', message: 'No such kernel' });
  }, new KernelLostError('k1', false, new Error('Canceled')));
  assert.match(gone.text, /it is gone/);
});
