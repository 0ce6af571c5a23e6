/**
 * Warm-pool kernels and gateway deaths: a gateway killed with SIGKILL leaves its pool kernels
 * running with a ledger entry each; the next gateway on the same data dir stops them (they
 * were no one's) and builds its own pool. A gateway stopped with SIGTERM stops its pool even
 * when it keeps user kernels (LATTICE_KERNELS_ON_EXIT=keep).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { environments, poolKernels } from '../../db/schema';
import { makeDataDir, startGatewayProcess, type TGatewayProcess } from '../helpers/gateway-process';
import { alive, killGroup, until } from '../helpers/kernels';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';

let t: TTestDatabase;
let data: Awaited<ReturnType<typeof makeDataDir>>;
const gateways: TGatewayProcess[] = [];
const pids = new Set<number>();

before(async () => {
  t = await createTestDatabase();
  data = await makeDataDir();
  await t.db.update(environments).set({ poolSize: 1 }).where(eq(environments.slug, 'default'));
});

after(async () => {
  for (const gw of gateways) await gw.stop().catch(() => undefined);
  for (const pid of pids) killGroup(pid);
  await t?.drop();
  await data?.remove();
});

async function start(): Promise<TGatewayProcess> {
  const gw = await startGatewayProcess({
    databaseUrl: t.url,
    dataDir: data.dir,
    env: { LATTICE_POOL_REFRESH_S: '0.3', LATTICE_KERNELS_ON_EXIT: 'keep', LATTICE_KERNEL_LIMITS: 'none' },
  });
  gateways.push(gw);
  return gw;
}

/** The pool's kernels as the ledger lists them: id → pid. */
async function ledger(): Promise<Map<string, number>> {
  const dir = path.join(data.dir, 'pool');
  const out = new Map<string, number>();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const entry = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as { info: { pid: number } };
    out.set(name.replace(/\.json$/, ''), entry.info.pid);
    pids.add(entry.info.pid);
  }
  return out;
}

test('SIGKILL leaves the pool kernel running; the next gateway reaps it and starts its own', async () => {
  const first = await start();
  await until('a pool kernel in the ledger', async () => (await ledger()).size === 1, 60_000);
  const [[orphanId, orphanPid]] = [...(await ledger())];
  await until('the pool kernel is up', () => alive(orphanPid));
  await first.kill();
  assert.ok(alive(orphanPid), 'SIGKILL ran no handler: the pool kernel is still there');

  const second = await start();
  await until('the orphan is gone', () => !alive(orphanPid), 30_000);
  await until('a new pool kernel', async () => {
    const now = await ledger();
    return now.size === 1 && !now.has(orphanId);
  }, 60_000);
  assert.ok(second.logs.some((l) => l.msg === 'reaped a warm-pool kernel left by an earlier gateway' && l.kernelId === orphanId));
  // What admins see follows: the reaped orphan's row is gone, the new kernel has one.
  const rows = async () => (await t.db.select({ id: poolKernels.id }).from(poolKernels)).map((r) => r.id);
  await until('only the new pool kernel listed', async () => {
    const listed = await rows();
    return listed.length === 1 && (await ledger()).has(listed[0]);
  });

  const [[, pid]] = [...(await ledger())];
  await until('the new pool kernel is up', () => alive(pid));
  await second.stop();
  await until('SIGTERM stopped the pool kernel (pools are never kept)', () => !alive(pid), 30_000);
  assert.equal((await ledger()).size, 0);
  assert.deepEqual(await rows(), []);
});
