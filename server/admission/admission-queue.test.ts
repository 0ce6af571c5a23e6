import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdmissionQueue } from './admission-queue';

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('runs sharing a key take turns in arrival order; others run at once', async () => {
  const queue = new AdmissionQueue();
  const log: string[] = [];
  const job = (name: string, ms: number) => async () => {
    log.push(`${name} start`);
    await later(ms);
    log.push(`${name} end`);
  };
  await Promise.all([
    queue.run(['user:a', 'project:p'], job('a1', 30)),
    queue.run(['user:b', 'project:q'], job('b1', 5)),
    queue.run(['user:c', 'project:p'], job('c1', 5)),
    queue.run(['user:a', 'project:r'], job('a2', 5)),
  ]);
  assert.ok(log.indexOf('b1 start') < log.indexOf('a1 end'), 'an unrelated launch does not wait');
  assert.ok(log.indexOf('c1 start') > log.indexOf('a1 end'), 'the same project waits for the earlier run');
  assert.ok(log.indexOf('a2 start') > log.indexOf('a1 end'), 'the same user waits for the earlier run');
});

test('a run that fails lets the next one go, and the failure reaches its caller', async () => {
  const queue = new AdmissionQueue();
  const failed = queue.run(['user:a'], async () => {
    throw new Error('refused');
  });
  const next = queue.run(['user:a'], async () => 'admitted');
  await assert.rejects(failed, /refused/);
  assert.equal(await next, 'admitted');
});
