/**
 * Admission against quotas in real Postgres (issue 4 §5): 50 simultaneous launches against
 * room for 10 start exactly 10 and refuse 40 naming the limit and the use; a spent monthly
 * budget refuses new launches while running kernels go on (and their owner is told);
 * lowering a quota below current use never stops a kernel, it only blocks new ones.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { computeUnitsPerHour } from '../../common/metering';
import { kernelEvents, kernels, quotas, usageIntervals } from '../../db/schema';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { createProject, createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { killGroup, localState, until } from '../helpers/kernels';

let t: TTestDatabase;
let gw: TTestGateway;
const pids: number[] = [];

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db, config: { budgetCheckIntervalMs: 200 } });
});

after(async () => {
  await gw?.close();
  for (const pid of pids) killGroup(pid);
  await t?.drop();
});

async function launch(token: string, projectId: string): Promise<{ status: number; body: any }> {
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: 'default', env: { KERNEL_PROJECT: projectId } } });
  if (res.status === 201) pids.push((await localState(t.db, res.body.id)).pid);
  return res;
}

async function stopAll(token: string, ids: string[]): Promise<void> {
  const codes = await Promise.all(ids.map(async (id) => (await gatewayFetch(gw, `/api/kernels/${id}`, { token, method: 'DELETE' })).status));
  assert.deepEqual(codes, ids.map(() => 204));
}

async function execute(token: string, kernelId: string, code: string): Promise<string> {
  const ch = await openChannels(gw, kernelId, { token });
  try {
    const { reply } = await ch.execute(code);
    return String(reply.content.status);
  } finally {
    await ch.close();
  }
}

describe('admission', () => {
  test('50 simultaneous launches against a quota of 10 kernels: exactly 10 start, 40 are refused naming the limit', async () => {
    const { user, token } = await createUserWithToken(t.db);
    const project = await createProject(t.db, { ownerId: user.id });
    // The project gets its own unlimited row, as an admin would give it: the limit under test is the user's alone.
    await t.db.insert(quotas).values([{ scope: 'user', userId: user.id, kernels: 10 }, { scope: 'project', projectId: project.id }]);

    const results = await Promise.all(Array.from({ length: 50 }, () => launch(token, project.id)));
    const started = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 403);
    assert.equal(started.length, 10, `statuses: ${results.map((r) => r.status).join(',')}`);
    assert.equal(refused.length, 40);
    for (const r of refused) {
      assert.equal(r.body.code, 'QUOTA_EXCEEDED');
      assert.equal(r.body.message, 'Over your concurrent kernel quota: 10 kernels of 10 kernels in use, this launch needs 1 kernel.');
      assert.deepEqual(Object.keys(r.body.fields), ['user.kernels']);
    }
    for (const r of started) assert.ok(['idle', 'busy'].includes(r.body.execution_state), 'ready');

    // Refusals are recorded for the dashboard; they hold nothing.
    const failed = await t.db.select().from(kernels).where(and(eq(kernels.userId, user.id), eq(kernels.state, 'failed')));
    assert.equal(failed.length, 40);
    assert.ok(failed.every((k) => k.reason === 'quota' && k.detail?.includes('10 kernels of 10')));
    await stopAll(token, started.map((r) => r.body.id));

    const again = await launch(token, project.id);
    assert.equal(again.status, 201, 'stopped kernels free their share');
    await stopAll(token, [again.body.id]);
  });

  test('a spent monthly budget refuses new launches; running kernels go on and their owner is told', async () => {
    const { user, token } = await createUserWithToken(t.db);
    const project = await createProject(t.db, { ownerId: user.id });
    await t.db.insert(quotas).values({ scope: 'project', projectId: project.id, monthlyUnits: 1 });
    const running = await launch(token, project.id);
    assert.equal(running.status, 201);

    // 2 CU spent earlier this month by this project.
    const now = Date.now();
    const [kernel] = await t.db.select().from(kernels).where(eq(kernels.id, running.body.id));
    const rate = computeUnitsPerHour(kernel.environment);
    await t.db.insert(usageIntervals).values({
      kernelId: running.body.id,
      projectId: project.id,
      userId: user.id,
      unitsPerHour: rate,
      startedAt: new Date(now - ((2 / rate) * 3600 + 60) * 1000),
      endedAt: new Date(now - 60_000),
    });

    const refused = await launch(token, project.id);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 'QUOTA_EXCEEDED');
    assert.match(refused.body.message, /^The project's monthly compute budget is used up: 2(\.\d+)? CU of 1 CU this month\.$/);

    await until('the owner is warned', async () => {
      const events = await t.db.select().from(kernelEvents).where(and(eq(kernelEvents.kernelId, running.body.id), eq(kernelEvents.reason, 'quota')));
      return events.length === 1;
    });
    const model = await gatewayFetch(gw, `/api/kernels/${running.body.id}`, { token });
    assert.equal(model.body.execution_state, 'idle', 'the running kernel is not stopped');
    assert.match(model.body.lattice.detail, /monthly compute budget is used up.*Running kernels may finish; new launches are refused\./);
    assert.equal(await execute(token, running.body.id, '1 + 1'), 'ok', 'and still runs code');
    await stopAll(token, [running.body.id]);
  });

  test('lowering a quota below current use keeps running kernels and blocks new ones', async () => {
    const { user, token } = await createUserWithToken(t.db);
    const project = await createProject(t.db, { ownerId: user.id });
    await t.db.insert(quotas).values({ scope: 'project_user', projectId: project.id, userId: user.id, kernels: 5 });
    const a = await launch(token, project.id);
    const b = await launch(token, project.id);
    assert.deepEqual([a.status, b.status], [201, 201]);

    await t.db.update(quotas).set({ kernels: 1 }).where(and(eq(quotas.scope, 'project_user'), eq(quotas.userId, user.id)));
    const refused = await launch(token, project.id);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.message, 'Over your in-project concurrent kernel quota: 2 kernels of 1 kernel in use, this launch needs 1 kernel.');

    await new Promise((r) => setTimeout(r, 1500));
    for (const k of [a, b]) {
      assert.equal((await gatewayFetch(gw, `/api/kernels/${k.body.id}`, { token })).body.execution_state, 'idle');
      assert.equal(await execute(token, k.body.id, 'x = 1'), 'ok');
    }
    await stopAll(token, [a.body.id, b.body.id]);
  });
});
