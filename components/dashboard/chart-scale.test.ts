import assert from 'node:assert/strict';
import { test } from 'node:test';
import { niceTicks } from './chart-scale';

test('ticks are round numbers from 0 past the maximum', () => {
  assert.deepEqual(niceTicks(9), [0, 2.5, 5, 7.5, 10]);
  assert.deepEqual(niceTicks(37), [0, 10, 20, 30, 40]);
  assert.deepEqual(niceTicks(0.3), [0, 0.1, 0.2, 0.3]);
  assert.deepEqual(niceTicks(0), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(niceTicks(100), [0, 25, 50, 75, 100]);
});
