/**
 * Metering (issue 4 §5): each kernel's running time is one usage interval, opened when it is
 * first ready and closed when it ends, at the environment's compute-unit rate, to the second.
 * A gateway killed with SIGKILL and started again neither loses nor double-counts time: a
 * reattached kernel keeps its one open interval, one that died meanwhile is closed when it
 * was last seen alive. The provisioner's CPU/memory samples land in `kernels.usage`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { computeUnitsPerHour, unitsFor } from '../../common/metering';
import { loadQuotaState } from '../../db/quotas';
import { usageIntervals } from '../../db/schema';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { createUserWithToken, gatewayFetch } from '../helpers/gateway';
import { cleanUpGatewayProcesses, makeDataDir, startGatewayProcess, type TGatewayProcess } from '../helpers/gateway-process';
import { kernelRow, killGroup, localState, until } from '../helpers/kernels';

let t: TTestDatabase;
let data: Awaited<ReturnType<typeof makeDataDir>>;
let token: string;
let userId: string;
const gateways: TGatewayProcess[] = [];
const pids: number[] = [];

before(async () => {
  t = await createTestDatabase();
  data = await makeDataDir();
  ({ token, user: { id: userId } } = await createUserWithToken(t.db));
});

after(async () => {
  await cleanUpGatewayProcesses({ gateways, pids, databaseUrl: t.url, data });
  await t?.drop();
});

async function start(): Promise<TGatewayProcess> {
  const gw = await startGatewayProcess({ databaseUrl: t.url, dataDir: data.dir, env: { LATTICE_KERNEL_SAMPLE_INTERVAL_S: '1' } });
  gateways.push(gw);
  return gw;
}

async function intervals(kernelId: string) {
  return t.db.select().from(usageIntervals).where(eq(usageIntervals.kernelId, kernelId));
}

describe('metering across a gateway SIGKILL', () => {
  let first: TGatewayProcess;
  let second: TGatewayProcess;
  let kept: string;
  let lost: string;
  let projectId: string;
  let killedAt: number;
  let secondUpAt: number;

  test('a ready kernel has one open interval at its environment rate, and usage samples', async () => {
    first = await start();
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await gatewayFetch(first, '/api/kernels', { token, method: 'POST', body: {} });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      ids.push(res.body.id);
      pids.push((await localState(t.db, res.body.id)).pid);
    }
    [kept, lost] = ids;
    const row = await kernelRow(t.db, kept);
    projectId = row.projectId;
    const [interval] = await intervals(kept);
    assert.equal(interval.endedAt, null);
    assert.equal(interval.startedAt.getTime(), row.startedAt?.getTime());
    assert.equal(interval.unitsPerHour, computeUnitsPerHour(row.environment));
    assert.deepEqual([interval.projectId, interval.userId], [row.projectId, userId]);

    await until('a usage sample', async () => (await kernelRow(t.db, kept)).usage !== null);
    await until('a CPU reading after the priming sample', async () => {
      const usage = (await kernelRow(t.db, kept)).usage;
      return usage !== null && Date.now() - Date.parse(usage.sampledAt) < 3000;
    });
    const { usage, lastSeenAt } = await kernelRow(t.db, kept);
    assert.ok(usage && usage.memoryMib > 10 && usage.memoryMib < 1024, `memory ${usage?.memoryMib} MiB`);
    assert.ok(Number.isInteger(usage.cpuM) && usage.cpuM >= 0);
    assert.ok(lastSeenAt && Date.now() - lastSeenAt.getTime() < 3000);
  });

  test('SIGKILL, one kernel dies while down, a new gateway starts: no gap, no double count', async () => {
    killedAt = Date.now();
    await first.kill();
    const lostSeen = (await kernelRow(t.db, lost)).lastSeenAt!;
    killGroup((await localState(t.db, lost)).pid);
    await new Promise((r) => setTimeout(r, 2500));
    second = await start();
    secondUpAt = Date.now();

    const keptIntervals = await intervals(kept);
    assert.equal(keptIntervals.length, 1, 'still one interval');
    assert.equal(keptIntervals[0].endedAt, null, 'still open: the downtime is metered, the kernel ran');
    assert.equal(keptIntervals[0].startedAt.getTime(), (await kernelRow(t.db, kept)).startedAt?.getTime());

    const lostIntervals = await intervals(lost);
    assert.equal(lostIntervals.length, 1);
    const lostRow = await kernelRow(t.db, lost);
    assert.equal(lostRow.state, 'dead');
    assert.ok(lostIntervals[0].endedAt, 'closed');
    assert.ok(lostIntervals[0].endedAt.getTime() >= lostSeen.getTime(), 'at the last time it was seen alive');
    assert.ok(lostIntervals[0].endedAt.getTime() < lostSeen.getTime() + 1500, 'not when the new gateway noticed');
    assert.equal(lostRow.stoppedAt?.getTime(), lostIntervals[0].endedAt.getTime());
  });

  test('stopping closes the interval; units = rate × whole seconds, per project and user this month', async () => {
    assert.equal((await gatewayFetch(second, `/api/kernels/${kept}`, { token, method: 'DELETE' })).status, 204);
    const [interval] = await intervals(kept);
    const row = await kernelRow(t.db, kept);
    assert.ok(interval.endedAt);
    assert.ok(Math.abs(interval.endedAt.getTime() - row.stoppedAt!.getTime()) < 1000);
    const seconds = Math.floor((interval.endedAt.getTime() - interval.startedAt.getTime()) / 1000);
    // One interval covers the whole run, the gateway's downtime included: no gap at the restart.
    assert.ok(interval.startedAt.getTime() < killedAt, 'opened before the first gateway was killed');
    assert.ok(interval.endedAt.getTime() >= secondUpAt, 'closed only after the second gateway took over');

    const all = await t.db.select().from(usageIntervals).where(eq(usageIntervals.projectId, projectId));
    assert.equal(all.length, 2, 'one interval per kernel');
    const expected = all.reduce((sum, i) => sum + unitsFor(i.unitsPerHour, i.startedAt, i.endedAt!), 0);
    assert.ok(Math.abs(unitsFor(interval.unitsPerHour, interval.startedAt, interval.endedAt) - (interval.unitsPerHour * seconds) / 3600) < 1e-9);
    const state = await loadQuotaState(t.db, { userId, projectId });
    assert.ok(Math.abs(state.scopes.project.usage.monthlyUnits - expected) < 1e-9);
    assert.ok(Math.abs(state.scopes.user.usage.monthlyUnits - expected) < 1e-9);
    await second.stop();
  });
});
