import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { checkLaunch, describeBlock } from '../../common/quota';
import type { TEnvironmentSpec } from '../../common/environment';
import { loadQuotaState } from '../../db/quotas';
import { kernels, projects, quotas, usageIntervals, users } from '../../db/schema';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';

let t: TTestDatabase;
let alice: string;
let bob: string;
let p1: string;
let p2: string;

const env = (over: Partial<TEnvironmentSpec> = {}): TEnvironmentSpec => ({
  id: randomUUID(),
  slug: 'small',
  name: 'Small',
  language: 'python',
  argv: null,
  image: null,
  cpuRequestM: 500,
  cpuLimitM: 1000,
  memoryRequestMib: 1024,
  memoryLimitMib: 2048,
  gpus: 0,
  spark: null,
  idleTimeoutS: 3600,
  noClientTimeoutS: 600,
  provisioner: 'local',
  poolSize: 0,
  network: 'egress',
  ...over,
});

async function kernel(userId: string, projectId: string, state: string, environment = env(), pooled = false): Promise<string> {
  const id = randomUUID();
  await t.db.insert(kernels).values({ id, userId, projectId, environment, kernelspecName: environment.slug, provisioner: 'local', state, pooled });
  return id;
}

async function interval(kernelId: string, userId: string, projectId: string, unitsPerHour: number, startedAt: string, endedAt: string | null) {
  await t.db.insert(usageIntervals).values({ kernelId, userId, projectId, unitsPerHour, startedAt: new Date(startedAt), endedAt: endedAt ? new Date(endedAt) : null });
}

const NOW = new Date('2026-03-15T12:00:00Z');

before(async () => {
  t = await createTestDatabase();
  const [a, b] = await t.db
    .insert(users)
    .values([
      { email: 'alice@example.com', name: 'Alice', passwordHash: 'x' },
      { email: 'bob@example.com', name: 'Bob', passwordHash: 'x' },
    ])
    .returning();
  alice = a.id;
  bob = b.id;
  // These tests start from no quota rows at all: an admin has cleared the finite defaults that migration 0008 installs.
  await t.db.delete(quotas);
  const [x, y] = await t.db.insert(projects).values([{ name: 'One', slug: 'one' }, { name: 'Two', slug: 'two' }]).returning();
  p1 = x.id;
  p2 = y.id;

  // Alice: two active kernels in p1 (one Spark), one in p2, one stopped, one pooled (nobody's).
  await kernel(alice, p1, 'idle');
  await kernel(alice, p1, 'busy', env({ cpuLimitM: 2000, memoryLimitMib: 4096, gpus: 1, spark: { driverCores: 1, driverMemoryMib: 1024, executors: 2, executorCores: 1.5, executorMemoryMib: 1024 } }));
  await kernel(alice, p2, 'starting');
  const stopped = await kernel(alice, p1, 'stopped');
  await kernel(alice, p1, 'idle', env(), true);
  // Bob: one active kernel in p1.
  const bobs = await kernel(bob, p1, 'queued');

  // Metering: Alice in p1 — a closed interval straddling the month start (only March counts),
  // an interval from last month (ignored), an open one counted up to NOW.
  await interval(stopped, alice, p1, 2, '2026-02-28T23:00:00Z', '2026-03-01T01:00:00Z'); // 1 h in March → 2 CU
  await interval(stopped, alice, p1, 5, '2026-02-10T00:00:00Z', '2026-02-11T00:00:00Z'); // February only → 0
  await interval(stopped, alice, p2, 1, '2026-03-15T09:00:00Z', null); // open, 3 h → 3 CU
  await interval(bobs, bob, p1, 4, '2026-03-02T00:00:00Z', '2026-03-02T00:30:00Z'); // 2 CU
});
after(() => t.drop());

describe('loadQuotaState', () => {
  test('with no quota rows every scope is unlimited', async () => {
    const s = await loadQuotaState(t.db, { userId: alice, projectId: p1, now: NOW });
    for (const scope of ['user', 'project', 'project_user'] as const) {
      assert.equal(s.scopes[scope].source, 'unlimited');
      assert.deepEqual(s.scopes[scope].limits, { cpuM: null, memoryMib: null, gpus: null, kernels: null, monthlyUnits: null });
    }
    assert.deepEqual(checkLaunch(s, { cpuM: 64000, memoryMib: 1 << 20, gpus: 8 }), []);
  });

  test('sums active kernels (Spark executors included) per user across projects, per project across users', async () => {
    const s = await loadQuotaState(t.db, { userId: alice, projectId: p1, now: NOW });
    // Alice: 1000 + (2000 + 2×1500) + 1000 m; 2048 + (4096 + 2×1024) + 2048 MiB; 1 GPU; 3 kernels.
    assert.deepEqual(s.scopes.user.usage, { cpuM: 7000, memoryMib: 10240, gpus: 1, kernels: 3, monthlyUnits: 5 });
    // Project 1: Alice's two + Bob's one.
    assert.deepEqual(s.scopes.project.usage, { cpuM: 7000, memoryMib: 10240, gpus: 1, kernels: 3, monthlyUnits: 4 });
    // Alice inside project 1 only.
    assert.deepEqual(s.scopes.project_user.usage, { cpuM: 6000, memoryMib: 8192, gpus: 1, kernels: 2, monthlyUnits: 2 });
  });

  test('the month is the UTC calendar month of `now`', async () => {
    const s = await loadQuotaState(t.db, { userId: alice, projectId: p1, now: new Date('2026-02-28T23:30:00Z') });
    // February: the 24 h interval at 5 CU/h, plus the straddling one's first half hour at 2 CU/h.
    assert.equal(s.scopes.user.usage.monthlyUnits, 120 + 1);
  });

  test('defaults apply to subjects without a row; explicit rows win; project_user has no default', async () => {
    await t.db.insert(quotas).values([
      { scope: 'default_user', cpuM: 8000, kernels: 3 },
      { scope: 'default_project', memoryMib: 65536 },
      { scope: 'project', projectId: p1, cpuM: 7500, monthlyUnits: 100 },
      { scope: 'project_user', projectId: p1, userId: alice, gpus: 1 },
    ]);
    const s = await loadQuotaState(t.db, { userId: alice, projectId: p1, now: NOW });
    assert.equal(s.scopes.user.source, 'default');
    assert.deepEqual(s.scopes.user.limits, { cpuM: 8000, memoryMib: null, gpus: null, kernels: 3, monthlyUnits: null });
    assert.equal(s.scopes.project.source, 'explicit');
    assert.deepEqual(s.scopes.project.limits, { cpuM: 7500, memoryMib: null, gpus: null, kernels: null, monthlyUnits: 100 });
    assert.equal(s.scopes.project_user.source, 'explicit');
    const other = await loadQuotaState(t.db, { userId: bob, projectId: p2, now: NOW });
    assert.equal(other.scopes.project.source, 'default');
    assert.equal(other.scopes.project.limits.memoryMib, 65536);
    assert.equal(other.scopes.project_user.source, 'unlimited');
  });

  test('checkLaunch names every limit a launch would break, in every scope', async () => {
    const s = await loadQuotaState(t.db, { userId: alice, projectId: p1, now: NOW });
    const blocks = checkLaunch(s, { cpuM: 1000, memoryMib: 2048, gpus: 1 });
    assert.deepEqual(
      blocks.map((b) => `${b.scope}:${b.limit}`),
      // The user's CPU (7 + 1 of 8 vCPU) is exactly filled, which is allowed.
      ['user:kernels', 'project:cpuM', 'project_user:gpus'],
    );
    assert.equal(describeBlock(blocks[0]), 'Over your concurrent kernel quota: 3 kernels of 3 kernels in use, this launch needs 1 kernel.');
    assert.equal(describeBlock(blocks[1]), "Over the project's CPU quota: 7 vCPU of 7.5 vCPU in use, this launch needs 1 vCPU.");
  });

  test('works inside a transaction (as the gateway admission calls it)', async () => {
    const blocks = await t.db.transaction(async (tx) => checkLaunch(await loadQuotaState(tx, { userId: bob, projectId: p2, now: NOW }), { cpuM: 100, memoryMib: 100, gpus: 0 }));
    assert.deepEqual(blocks, []);
  });
});
