import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeUnitsPerHour, lastUtcDays, monthBounds, splitUnitsByDay, unitsFor, unitsWithin } from './metering';

const d = (s: string) => new Date(s);
const python = { cpuLimitM: 1000, memoryLimitMib: 2048, gpus: 0, spark: null };

describe('computeUnitsPerHour', () => {
  it('charges 1 CU/h per vCPU, 0.25 per GiB and 10 per GPU', () => {
    assert.equal(computeUnitsPerHour(python), 1.5);
    assert.equal(computeUnitsPerHour({ ...python, gpus: 1 }), 11.5);
  });

  it('counts Spark executors in the rate', () => {
    const spark = { ...python, spark: { driverCores: 1, driverMemoryMib: 2048, executors: 3, executorCores: 2, executorMemoryMib: 4096 } };
    assert.equal(computeUnitsPerHour(spark), 7 + 14 * 0.25);
  });
});

describe('unitsFor', () => {
  it('integrates to the whole second', () => {
    const start = d('2026-01-01T00:00:00.000Z');
    assert.equal(unitsFor(3.6, start, d('2026-01-01T00:00:10.999Z')), 0.01);
    assert.equal(unitsFor(1, start, d('2026-01-01T01:00:00Z')), 1);
    assert.equal(unitsFor(1, start, d('2025-12-31T00:00:00Z')), 0);
  });
});

describe('unitsWithin', () => {
  const from = d('2026-03-01T00:00:00Z');
  const until = d('2026-03-15T12:00:00Z');

  it('clips an interval to the window at both ends', () => {
    assert.equal(unitsWithin({ unitsPerHour: 2, startedAt: d('2026-02-28T23:00:00Z'), endedAt: d('2026-03-01T01:00:00Z') }, from, until), 2);
    assert.equal(unitsWithin({ unitsPerHour: 2, startedAt: d('2026-03-15T11:00:00Z'), endedAt: d('2026-03-15T13:00:00Z') }, from, until), 2);
  });

  it('counts an open interval up to the end of the window, and one outside it as nothing', () => {
    assert.equal(unitsWithin({ unitsPerHour: 1, startedAt: d('2026-03-15T09:00:00Z'), endedAt: null }, from, until), 3);
    assert.equal(unitsWithin({ unitsPerHour: 1, startedAt: d('2026-02-01T00:00:00Z'), endedAt: d('2026-02-02T00:00:00Z') }, from, until), 0);
  });
});

describe('monthBounds', () => {
  it('is the UTC calendar month, across a year end', () => {
    assert.deepEqual(monthBounds(d('2026-03-15T12:00:00Z')), { start: d('2026-03-01T00:00:00Z'), end: d('2026-04-01T00:00:00Z') });
    assert.deepEqual(monthBounds(d('2026-12-31T23:59:59Z')), { start: d('2026-12-01T00:00:00Z'), end: d('2027-01-01T00:00:00Z') });
  });
});

describe('lastUtcDays', () => {
  it('ends with today and starts at midnight of the first day', () => {
    assert.deepEqual(lastUtcDays(d('2026-03-02T06:00:00Z'), 3), { from: d('2026-02-28T00:00:00Z'), keys: ['2026-02-28', '2026-03-01', '2026-03-02'] });
  });
});

describe('splitUnitsByDay', () => {
  it('counts an interval over midnight on both UTC days by its own seconds', () => {
    const parts = splitUnitsByDay({ unitsPerHour: 2, startedAt: d('2026-03-01T23:00:00Z'), endedAt: d('2026-03-02T01:30:00Z') }, d('2026-02-01T00:00:00Z'), d('2026-03-10T00:00:00Z'));
    assert.deepEqual(parts, [
      { day: '2026-03-01', units: 2 },
      { day: '2026-03-02', units: 3 },
    ]);
  });

  it('clips to the window; an open interval runs to `until`', () => {
    const parts = splitUnitsByDay({ unitsPerHour: 1, startedAt: d('2026-03-01T12:00:00Z'), endedAt: null }, d('2026-03-02T00:00:00Z'), d('2026-03-03T06:00:00Z'));
    assert.deepEqual(parts, [
      { day: '2026-03-02', units: 24 },
      { day: '2026-03-03', units: 6 },
    ]);
  });

  it('yields nothing for an interval entirely outside the window', () => {
    assert.deepEqual(splitUnitsByDay({ unitsPerHour: 1, startedAt: d('2026-01-01T00:00:00Z'), endedAt: d('2026-01-02T00:00:00Z') }, d('2026-03-01T00:00:00Z'), d('2026-03-02T00:00:00Z')), []);
  });
});
