import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitUnitsByDay } from './split-units-by-day';

const d = (s: string) => new Date(s);

test('an interval over midnight counts on both UTC days by its own seconds', () => {
  const parts = splitUnitsByDay({ unitsPerHour: 2, startedAt: d('2026-03-01T23:00:00Z'), endedAt: d('2026-03-02T01:30:00Z') }, d('2026-02-01T00:00:00Z'), d('2026-03-10T00:00:00Z'));
  assert.deepEqual(parts, [
    { day: '2026-03-01', units: 2 },
    { day: '2026-03-02', units: 3 },
  ]);
});

test('clipped to the window; an open interval runs to `until`', () => {
  const parts = splitUnitsByDay({ unitsPerHour: 1, startedAt: d('2026-03-01T12:00:00Z'), endedAt: null }, d('2026-03-02T00:00:00Z'), d('2026-03-03T06:00:00Z'));
  assert.deepEqual(parts, [
    { day: '2026-03-02', units: 24 },
    { day: '2026-03-03', units: 6 },
  ]);
});

test('an interval entirely outside the window yields nothing', () => {
  assert.deepEqual(splitUnitsByDay({ unitsPerHour: 1, startedAt: d('2026-01-01T00:00:00Z'), endedAt: d('2026-01-02T00:00:00Z') }, d('2026-03-01T00:00:00Z'), d('2026-03-02T00:00:00Z')), []);
});
