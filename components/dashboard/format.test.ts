import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAgo, formatCu, formatDuration, formatMib } from './format';

test('durations, ages and amounts read naturally', () => {
  assert.equal(formatDuration(45), '45s');
  assert.equal(formatDuration(12 * 60 + 4), '12m 04s');
  assert.equal(formatDuration(3 * 3600 + 5 * 60), '3h 05m');
  assert.equal(formatDuration(2 * 86400 + 3600), '2d 01h');
  assert.equal(formatDuration(null), '—');
  const now = Date.parse('2026-03-15T12:00:00Z');
  assert.equal(formatAgo('2026-03-15T11:59:58Z', now), 'just now');
  assert.equal(formatAgo('2026-03-15T11:56:00Z', now), '4 min ago');
  assert.equal(formatAgo('2026-03-15T09:00:00Z', now), '3 h ago');
  assert.equal(formatCu(0.0421), '0.042 CU');
  assert.equal(formatCu(2.25), '2.25 CU');
  assert.equal(formatCu(318.4), '318 CU');
  assert.equal(formatMib(900), '900 MiB');
  assert.equal(formatMib(1536), '1.5 GiB');
});
