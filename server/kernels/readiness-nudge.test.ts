import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelStartError, type TExitInfo } from '../provisioners/provisioner';
import { awaitReadiness, type TNudgeTarget } from './readiness-nudge';

/** A kernel seen from the nudge: replies and iopub messages arrive when the test says. */
function target(opts: { exit?: () => TExitInfo | null } = {}) {
  const replies: Array<() => void> = [];
  const iopub = new Set<() => void>();
  const t: TNudgeTarget & { requests: number; reply(): void; publish(): void } = {
    requests: 0,
    requestKernelInfo() {
      t.requests++;
      return new Promise<void>((resolve) => replies.push(resolve));
    },
    onIopub(listener) {
      iopub.add(listener);
      return () => iopub.delete(listener);
    },
    poll: async () => opts.exit?.() ?? null,
    reply: () => replies.shift()?.(),
    publish: () => iopub.forEach((l) => l()),
  };
  return t;
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

test('ready only once both a reply and an iopub message have arrived', async () => {
  const k = target();
  let ready = false;
  const p = awaitReadiness(k, 5000).then(() => (ready = true));
  assert.equal(k.requests, 1, 'asks at once');
  k.reply();
  await tick();
  assert.equal(ready, false, 'a reply alone is not enough');
  k.publish();
  await p;
});

test('a reply with a silent iopub is asked again soon (a late subscription missed the status), not after the poll', async () => {
  const k = target();
  const p = awaitReadiness(k, 5000);
  k.reply();
  await tick(50);
  assert.ok(k.requests >= 2, `asked again within 50 ms (${k.requests} requests)`);
  k.publish();
  k.reply();
  await p;
});

test('a process that exits before it is ready fails the start with its exit', async () => {
  const k = target({ exit: () => ({ exitCode: 1, signal: null, reason: 'error' }) });
  await assert.rejects(awaitReadiness(k, 5000), (err: unknown) => err instanceof KernelStartError && /exit code 1/.test(err.message));
});

test('silence until the deadline is a timeout', async () => {
  const k = target();
  await assert.rejects(awaitReadiness(k, 300), (err: unknown) => err instanceof KernelStartError && err.reason === 'timeout');
});
