import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AUTOSAVE_MAX_WAIT_MS, AUTOSAVE_MS, autosaveDelay } from './autosave-delay';

/** Changes at the given times (ms); the saver arms a timer per change as the hook does. Returns when saves happened. */
function simulate(changes: number[], until: number): number[] {
  const saves: number[] = [];
  let unsavedSince: number | null = null;
  let due: number | null = null;
  let i = 0;
  for (let now = 0; now <= until; now += 100) {
    if (due !== null && now >= due) {
      saves.push(now);
      unsavedSince = null;
      due = null;
    }
    while (i < changes.length && changes[i]! <= now) {
      unsavedSince ??= now;
      due = now + autosaveDelay(now, unsavedSince);
      i++;
    }
  }
  return saves;
}

describe('autosave delay', () => {
  test('a single change saves after the debounce', () => {
    assert.deepEqual(simulate([1000], 20_000), [1000 + AUTOSAVE_MS]);
  });

  test('a cell printing every second for 60 s is saved at least every 30 s while it runs', () => {
    const changes = Array.from({ length: 60 }, (_, i) => i * 1000);
    const saves = simulate(changes, 70_000);
    // The last change (59 s) is 29 s into the second wait: it is saved when that wait ends.
    assert.deepEqual(saves, [AUTOSAVE_MAX_WAIT_MS, AUTOSAVE_MAX_WAIT_MS * 2]);
  });

  test('the delay is the debounce, shortened to what is left of the maximum wait', () => {
    assert.equal(autosaveDelay(10_000, 10_000), AUTOSAVE_MS);
    assert.equal(autosaveDelay(28_000, 0), 2_000);
    assert.equal(autosaveDelay(40_000, 0), 0);
  });
});
