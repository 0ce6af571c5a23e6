import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, percentile } from './stats';

test('percentile is nearest-rank: always a sample that was observed', () => {
  const samples = [9, 1, 8, 2, 7, 3, 6, 4, 5, 10];
  assert.equal(percentile(samples, 50), 5);
  assert.equal(percentile(samples, 95), 10);
  assert.equal(percentile(samples, 0), 1);
  assert.equal(percentile([4.5], 99), 4.5);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('median averages the middle two of an even count and leaves its input unsorted', () => {
  const samples = [3, 1, 4, 2];
  assert.equal(median(samples), 2.5);
  assert.deepEqual(samples, [3, 1, 4, 2]);
  assert.equal(median([7, 1, 5]), 5);
  assert.ok(Number.isNaN(median([])));
});
