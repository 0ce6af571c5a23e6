import assert from 'node:assert/strict';
import { test } from 'node:test';
import { currentStepLabel, isLaunching, launchSteps, waitingReason } from './launch-progress';

const at = '2026-03-15T12:00:00.000Z';
const statuses = (p: Parameters<typeof launchSteps>[0]) => launchSteps(p).map((s) => `${s.label}:${s.status}`);

test('steps before the current one are done, the rest to do', () => {
  assert.deepEqual(statuses(null), ['Scheduled:current', 'Pulling image:todo', 'Starting:todo', 'Ready:todo']);
  assert.deepEqual(statuses({ step: 'pulling-image', message: null, at }), ['Scheduled:done', 'Pulling image:current', 'Starting:todo', 'Ready:todo']);
  assert.deepEqual(statuses({ step: 'starting', message: null, at }), ['Scheduled:done', 'Pulling image:done', 'Starting:current', 'Ready:todo']);
});

test('waiting for capacity sits at "Scheduled" and says the scheduler’s reason', () => {
  const waiting = { step: 'waiting' as const, message: '0/2 nodes are available: 2 Insufficient cpu.', at };
  assert.deepEqual(statuses(waiting), ['Scheduled:current', 'Pulling image:todo', 'Starting:todo', 'Ready:todo']);
  assert.equal(currentStepLabel(waiting), 'Waiting for capacity');
  assert.equal(waitingReason(waiting), '0/2 nodes are available: 2 Insufficient cpu.');
  // The gateway may word its message for people already; it is not said twice.
  assert.equal(waitingReason({ ...waiting, message: 'waiting for capacity: 0/2 nodes are available: 2 Insufficient cpu.' }), '0/2 nodes are available: 2 Insufficient cpu.');
  assert.equal(waitingReason({ ...waiting, message: null }), '');
  assert.equal(waitingReason({ step: 'scheduled', message: 'on node-1', at }), null);
  assert.equal(waitingReason(null), null);
});

test('only queued, provisioning, starting and restarting kernels are launching', () => {
  assert.ok(['queued', 'provisioning', 'starting', 'restarting'].every((s) => isLaunching(s as never)));
  assert.ok(!['idle', 'busy', 'stopping', 'stopped', 'failed', 'dead'].some((s) => isLaunching(s as never)));
});
