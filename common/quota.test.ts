import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLaunch, describeBlock, effectiveLimits, headroomOf, quotaBlocks, sumUsage, UNLIMITED, type TQuotaState } from './quota';

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

describe('effectiveLimits', () => {
  it('takes the explicit row, else the default, else unlimited, and says which', () => {
    const own = { ...UNLIMITED, cpuM: 1000 };
    const fallback = { ...UNLIMITED, cpuM: 4000 };
    assert.deepEqual(effectiveLimits(own, fallback), { limits: own, source: 'explicit' });
    assert.deepEqual(effectiveLimits(undefined, fallback), { limits: fallback, source: 'default' });
    assert.deepEqual(effectiveLimits(undefined, undefined), { limits: UNLIMITED, source: 'unlimited' });
  });

  it('keeps only the limits of a row', () => {
    const row = { ...UNLIMITED, kernels: 2, id: 'q1', scope: 'user', updatedAt: new Date() };
    assert.deepEqual(effectiveLimits(row, undefined).limits, { ...UNLIMITED, kernels: 2 });
  });
});

describe('sumUsage', () => {
  const request = { cpuM: 1000, memoryMib: 2048, gpus: 1 };
  const active = [
    { userId: 'u1', projectId: 'p1', request },
    { userId: 'u1', projectId: 'p2', request },
    { userId: 'u2', projectId: 'p1', request },
  ];
  const metered = [
    { userId: 'u1', projectId: 'p1', units: 1.5 },
    { userId: 'u2', projectId: 'p2', units: 2 },
  ];

  it('adds what each kernel holds and the units metered, per key', () => {
    const byUser = sumUsage(active, metered, (o) => o.userId);
    assert.deepEqual(byUser.get('u1'), { cpuM: 2000, memoryMib: 4096, gpus: 2, kernels: 2, monthlyUnits: 1.5 });
    assert.deepEqual(byUser.get('u2'), { cpuM: 1000, memoryMib: 2048, gpus: 1, kernels: 1, monthlyUnits: 2 });
  });

  it('leaves out what the key function skips', () => {
    const pair = sumUsage(active, metered, (o) => (o.userId === 'u2' && o.projectId === 'p2' ? 'k' : null));
    assert.deepEqual([...pair.entries()], [['k', { cpuM: 0, memoryMib: 0, gpus: 0, kernels: 0, monthlyUnits: 2 }]]);
  });
});

describe('checkLaunch', () => {
  it('reports the blocks of every scope, user first', () => {
    const scope = (s: 'user' | 'project' | 'project_user', kernels: number | null) => ({ scope: s, limits: { ...UNLIMITED, kernels }, source: 'explicit' as const, usage: { ...idle, kernels: 1 } });
    const state: TQuotaState = { userId: 'u', projectId: 'p', at: new Date(), scopes: { user: scope('user', 1), project: scope('project', 5), project_user: scope('project_user', 1) } };
    assert.deepEqual(
      checkLaunch(state, { cpuM: 100, memoryMib: 100, gpus: 0 }).map((b) => b.scope),
      ['user', 'project_user'],
    );
  });
});

describe('headroomOf', () => {
  it('is what is left under each limit, never negative, null when unlimited', () => {
    assert.deepEqual(headroomOf({ ...UNLIMITED, cpuM: 2000, kernels: 1 }, { ...idle, cpuM: 500, kernels: 3 }), {
      cpuM: 1500,
      memoryMib: null,
      gpus: null,
      kernels: 0,
      monthlyUnits: null,
    });
  });
});
