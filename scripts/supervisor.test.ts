import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { DEFAULT_BACKOFF, describeExit, nextRestartDelay, ProcessSupervisor } from './supervisor';

test('restarts wait 0.5 s, doubling to 10 s while the child keeps dying young, and 0.5 s again after a healthy run', () => {
  const delays: number[] = [];
  let previous: number | null = null;
  for (let i = 0; i < 8; i++) delays.push((previous = nextRestartDelay(previous, 100)));
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  assert.equal(nextRestartDelay(10_000, DEFAULT_BACKOFF.healthyAfterMs), 500);
  assert.equal(nextRestartDelay(10_000, DEFAULT_BACKOFF.healthyAfterMs - 1), 10_000);
});

test('an exit reads as its signal, or else its code', () => {
  assert.equal(describeExit(null, 'SIGKILL'), 'signal SIGKILL');
  assert.equal(describeExit(1, null), 'code 1');
});

/** A child that runs until it is signalled. */
const sleeper = () => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });

async function waitForLines(lines: string[], pattern: RegExp, count = 1): Promise<void> {
  while (lines.filter((l) => pattern.test(l)).length < count) await new Promise((r) => setTimeout(r, 20));
}

test('a killed child is started again, logged; stop() during the back-off starts none and stop() stops the child', async () => {
  const lines: string[] = [];
  const started: ChildProcess[] = [];
  const supervisor = new ProcessSupervisor({
    name: 'sleeper',
    start: () => {
      const child = sleeper();
      started.push(child);
      return child;
    },
    log: (line) => lines.push(line),
    backoff: { initialMs: 20, maxMs: 200, healthyAfterMs: 60_000 },
  });
  try {
    const first = supervisor.child;
    first.kill('SIGKILL');
    await waitForLines(lines, /^sleeper restarted/);
    assert.equal(lines[0], 'sleeper exited (signal SIGKILL); restarting in 0 s');
    assert.equal(started.length, 2);
    assert.notEqual(supervisor.child.pid, first.pid);

    // The back-off doubles: the second restart is pending for 40 ms when stop() comes.
    supervisor.child.kill('SIGKILL');
    await waitForLines(lines, /exited \(signal SIGKILL\)/, 2);
    await supervisor.stop();
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(started.length, 2, 'no restart once stopping');
  } finally {
    await supervisor.stop();
  }

  const running = new ProcessSupervisor({ name: 'sleeper', start: sleeper, log: (line) => lines.push(line) });
  const child = running.child;
  const exited = once(child, 'exit');
  await running.stop();
  assert.deepEqual(await exited, [null, 'SIGTERM']);
  assert.equal(lines.some((l) => l.includes('signal SIGTERM')), false, 'a stop is not reported as a crash');
});
