import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeUnitsPerHour, hardwareLabel, totalRequest } from './environment';

const python = { name: 'Python 3', cpuLimitM: 1000, memoryLimitMib: 2048, gpus: 0, spark: null };

describe('environment resources', () => {
  it('labels the default environment as the issue names it', () => {
    assert.equal(hardwareLabel(python), 'Python 3 · 1 vCPU · 2 GiB');
    assert.equal(hardwareLabel({ ...python, name: 'Small', cpuLimitM: 500, memoryLimitMib: 1024 }), 'Small · 0.5 vCPU · 1 GiB');
  });

  it('charges 1 CU/h per vCPU, 0.25 per GiB and 10 per GPU', () => {
    assert.equal(computeUnitsPerHour(python), 1.5);
    assert.equal(computeUnitsPerHour({ ...python, gpus: 1 }), 11.5);
  });

  it('counts Spark executors in both the reservation and the rate', () => {
    const spark = { ...python, spark: { driverCores: 1, driverMemoryMib: 2048, executors: 3, executorCores: 2, executorMemoryMib: 4096 } };
    assert.deepEqual(totalRequest(spark), { cpuM: 7000, memoryMib: 2048 + 3 * 4096, gpus: 0 });
    assert.equal(computeUnitsPerHour(spark), 7 + 14 * 0.25);
  });
});
