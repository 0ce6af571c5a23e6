import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { environmentSpec } from '../tests/helpers/environment-spec';
import { hardwareLabel, totalRequest, ZEnvironmentSpec } from './environment';

const python = { name: 'Python 3', cpuLimitM: 1000, memoryLimitMib: 2048, gpus: 0, spark: null };

describe('environment resources', () => {
  it('labels the default environment as the issue names it', () => {
    assert.equal(hardwareLabel(python), 'Python 3 · 1 vCPU · 2 GiB');
    assert.equal(hardwareLabel({ ...python, name: 'Small', cpuLimitM: 500, memoryLimitMib: 1024 }), 'Small · 0.5 vCPU · 1 GiB');
  });

  it('counts Spark executors in the reservation', () => {
    const spark = { ...python, spark: { driverCores: 1, driverMemoryMib: 2048, executors: 3, executorCores: 2, executorMemoryMib: 4096 } };
    assert.deepEqual(totalRequest(spark), { cpuM: 7000, memoryMib: 2048 + 3 * 4096, gpus: 0 });
  });
});

describe('environment snapshots', () => {
  it('give a kernel launched before the no-client timeout existed the 10-minute default', () => {
    const { noClientTimeoutS: _, ...old } = environmentSpec();
    assert.equal(ZEnvironmentSpec.parse(old).noClientTimeoutS, 600);
    assert.equal(ZEnvironmentSpec.parse({ ...old, noClientTimeoutS: 120 }).noClientTimeoutS, 120);
  });
});
