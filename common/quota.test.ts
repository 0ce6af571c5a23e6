import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeBlock, quotaBlocks, UNLIMITED, unitsFor } from './quota';

const idle = { cpuM: 0, memoryMib: 0, gpus: 0, kernels: 0, monthlyUnits: 0 };

describe('quotaBlocks', () => {
  it('lets everything through when unlimited', () => {
    assert.deepEqual(quotaBlocks('user', UNLIMITED, { ...idle, kernels: 99 }, { cpuM: 64000, memoryMib: 1 << 20, gpus: 8 }), []);
  });

  it('names the concurrent-kernel limit with the current use', () => {
    const blocks = quotaBlocks('user', { ...UNLIMITED, kernels: 1 }, { ...idle, kernels: 1 }, { cpuM: 500, memoryMib: 1024, gpus: 0 });
    assert.equal(blocks.length, 1);
    assert.equal(describeBlock(blocks[0]), 'Over your concurrent kernel quota: 1 kernel of 1 kernel in use, this launch needs 1 kernel.');
  });

  it('allows a launch that exactly fills a limit and refuses one past it', () => {
    const limits = { ...UNLIMITED, cpuM: 2000, memoryMib: 4096 };
    assert.deepEqual(quotaBlocks('project', limits, { ...idle, cpuM: 1000, memoryMib: 2048 }, { cpuM: 1000, memoryMib: 2048, gpus: 0 }), []);
    const blocks = quotaBlocks('project', limits, { ...idle, cpuM: 1500, memoryMib: 2048 }, { cpuM: 1000, memoryMib: 2048, gpus: 0 });
    assert.deepEqual(blocks.map((b) => b.limit), ['cpuM']);
    assert.match(describeBlock(blocks[0]), /^Over the project's CPU quota: 1\.5 vCPU of 2 vCPU in use, this launch needs 1 vCPU\.$/);
  });

  it('blocks new launches once the monthly budget is spent', () => {
    const blocks = quotaBlocks('user', { ...UNLIMITED, monthlyUnits: 10 }, { ...idle, monthlyUnits: 10.2 }, { cpuM: 100, memoryMib: 100, gpus: 0 });
    assert.equal(blocks[0].limit, 'monthlyUnits');
    assert.match(describeBlock(blocks[0]), /monthly compute budget is used up/);
  });
});

describe('unitsFor', () => {
  it('integrates to the whole second', () => {
    const start = new Date('2026-01-01T00:00:00.000Z');
    assert.equal(unitsFor(3.6, start, new Date('2026-01-01T00:00:10.999Z')), 0.01);
    assert.equal(unitsFor(1, start, new Date('2026-01-01T01:00:00Z')), 1);
    assert.equal(unitsFor(1, start, new Date('2025-12-31T00:00:00Z')), 0);
  });
});
