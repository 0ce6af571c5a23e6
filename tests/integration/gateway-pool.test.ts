/**
 * Warm pools: an environment with `pool_size` N keeps N kernels started ahead of demand; a
 * launch takes one (exactly one launch per kernel), the pool refills, a released kernel is
 * never handed out again, and pool sizes follow the environments table.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { loadQuotaState } from '../../db/quotas';
import { environments, kernels, users } from '../../db/schema';
import { createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { alive } from '../helpers/kernels';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';

let t: TTestDatabase;
let gw: TTestGateway;

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db, config: { poolRefreshMs: 300 } });
});

after(async () => {
  await gw?.close();
  await t?.drop();
});

async function until(what: string, f: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const pool = () => gw.app.kernels.pool!.stats().find((p) => p.environment === 'default') ?? { target: 0, ready: 0, starting: 0 };
/** Ids of the pool's kernels: each has a ledger file until a launch claims it. */
const pooledIds = async () => (await readdir(path.join(gw.dataDir, 'pool')).catch(() => [] as string[])).map((f) => f.replace(/\.json$/, ''));
const setPoolSize = (n: number) => t.db.update(environments).set({ poolSize: n }).where(eq(environments.slug, 'default'));

test('pool size set on the environment is picked up and shown in the kernelspec', async () => {
  const { token } = await createUserWithToken(t.db);
  assert.equal((await gatewayFetch(gw, '/api/kernelspecs', { token })).body.kernelspecs.default.spec.metadata.lattice.poolSize, 0);
  await setPoolSize(1);
  assert.equal((await gatewayFetch(gw, '/api/kernelspecs', { token })).body.kernelspecs.default.spec.metadata.lattice.poolSize, 1);
  await until('one ready pool kernel', () => pool().ready === 1);
  assert.equal((await pooledIds()).length, 1);
  // Pool kernels belong to no one: no row, nothing in anyone's listing or quota.
  assert.equal((await gatewayFetch(gw, '/api/kernels', { token })).body.length, 0);
  assert.equal((await t.db.select().from(kernels)).length, 0);
});

test('a launch takes the ready kernel, stamped with its owner and the launch KERNEL_* variables; the pool refills', async () => {
  const { token, user } = await createUserWithToken(t.db);
  const [pooledId] = await pooledIds();
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: 'python3', env: { KERNEL_FOO: 'bar', KERNEL_USERNAME: 'mallory' } } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.id, pooledId, 'the pooled kernel was used');
  assert.equal(res.body.execution_state, 'idle');
  assert.equal(res.body.lattice.userId, user.id);
  const [row] = await t.db.select().from(kernels).where(eq(kernels.id, pooledId));
  assert.deepEqual([row.userId, row.pooled, row.state], [user.id, false, 'idle']);
  assert.ok(row.connection, 'reattach info is in Postgres once claimed');

  const ch = await openChannels(gw, pooledId, { token });
  try {
    const { iopub } = await ch.execute('import os\n"|".join([os.environ.get("KERNEL_FOO"), os.environ["KERNEL_USERNAME"], os.environ["KERNEL_ID"]])');
    const result = iopub.find((m) => m.header.msg_type === 'execute_result');
    assert.equal((result?.content.data as Record<string, string>)['text/plain'], `'bar|${user.email}|${pooledId}'`);
    const { iopub: count } = await ch.execute('1');
    assert.equal((count.find((m) => m.header.msg_type === 'execute_result')?.content as { execution_count: number }).execution_count, 2, 'the set-up left no trace in the history');
  } finally {
    await ch.close();
  }
  await until('the pool refilled', async () => pool().ready === 1 && !(await pooledIds()).includes(pooledId));

  // Released: stopped for good, never offered again.
  const pid = (row.provisionerState as { pid: number }).pid;
  assert.equal((await gatewayFetch(gw, `/api/kernels/${pooledId}`, { token, method: 'DELETE' })).status, 204);
  assert.equal(alive(pid), false);
  await new Promise((r) => setTimeout(r, 700));
  assert.equal((await pooledIds()).includes(pooledId), false);
});

test('two launches racing for one pooled kernel: exactly one gets it, both get a kernel', async () => {
  await until('one ready pool kernel', () => pool().ready === 1);
  const [pooledId] = await pooledIds();
  const a = await createUserWithToken(t.db);
  const b = await createUserWithToken(t.db);
  const [ra, rb] = await Promise.all(
    [a, b].map(({ token }) => gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: 'python3' } })),
  );
  assert.equal(ra.status, 201, JSON.stringify(ra.body));
  assert.equal(rb.status, 201, JSON.stringify(rb.body));
  assert.notEqual(ra.body.id, rb.body.id);
  assert.equal([ra.body.id, rb.body.id].filter((id) => id === pooledId).length, 1);
  const rows = await t.db.select().from(kernels).where(eq(kernels.id, pooledId));
  assert.equal(rows.length, 1);
  for (const [r, who] of [[ra, a], [rb, b]] as const) {
    assert.equal((await gatewayFetch(gw, `/api/kernels/${r.body.id}`, { token: who.token, method: 'DELETE' })).status, 204);
  }
});

test('pooled kernels count against no quota until claimed', async () => {
  await until('one ready pool kernel', () => pool().ready === 1);
  const { user, token } = await createUserWithToken(t.db);
  const personal = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: {} });
  assert.equal(personal.status, 201);
  const state = await loadQuotaState(t.db, { userId: user.id, projectId: personal.body.lattice.projectId });
  assert.equal(state.scopes.user.usage.kernels, 1, 'only the claimed kernel counts');
  assert.equal((await gatewayFetch(gw, `/api/kernels/${personal.body.id}`, { token, method: 'DELETE' })).status, 204);
});

test('a claimed pool kernel runs as the pool uid in a scratch home; from its first restart on, as its owner, in its project\'s files (its home is ~)', async () => {
  await until('one ready pool kernel', () => pool().ready === 1);
  const { user, token } = await createUserWithToken(t.db);
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: {} });
  assert.equal(res.status, 201);
  const id = res.body.id as string;
  // Files the user made (IPython's own ~/.ipython aside).
  const whoAmI = 'import os\nf"{os.getuid()}|{os.getcwd()}|{\',\'.join(sorted(f for f in os.listdir() if not f.startswith(\'.\')))}"';
  const run = async (code: string) => {
    const ch = await openChannels(gw, id, { token });
    try {
      const { iopub } = await ch.execute(code);
      return (iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data as Record<string, string>)['text/plain'];
    } finally {
      await ch.close();
    }
  };
  assert.equal(await run(whoAmI), `'200000|/home/lattice|'`, 'the pool uid, a scratch home');
  await run('open("notes.txt", "w").write("scratch")');
  assert.equal((await gatewayFetch(gw, `/api/kernels/${id}/restart`, { token, method: 'POST' })).status, 200);
  const [owner] = await t.db.select().from(users).where(eq(users.id, user.id));
  assert.ok(owner.sandboxUid && owner.sandboxUid > 200000, 'the owner got a uid of their own');
  assert.equal(await run(whoAmI), `'${owner.sandboxUid}|/project|'`, "the owner's uid, in its project's files (the scratch file stayed behind)");
  await run('open(os.path.expanduser("~/notes.txt"), "w").write("mine")');
  const home = path.join(gw.dataDir, 'homes', user.id, res.body.lattice.projectId);
  assert.equal(await readFile(path.join(home, 'notes.txt'), 'utf8'), 'mine');
  assert.equal((await stat(home)).uid, owner.sandboxUid);
  assert.equal((await gatewayFetch(gw, `/api/kernels/${id}`, { token, method: 'DELETE' })).status, 204);
});

test('pool size 0 stops the pool kernels', async () => {
  await until('a ready pool kernel', () => pool().ready >= 1);
  const ids = await pooledIds();
  await setPoolSize(0);
  await until('pool drained', async () => pool().ready === 0 && pool().starting === 0 && (await pooledIds()).length === 0);
  assert.ok(ids.length >= 1);
  const { token } = await createUserWithToken(t.db);
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: {} });
  assert.equal(res.status, 201);
  assert.equal(ids.includes(res.body.id), false);
  assert.equal((await gatewayFetch(gw, `/api/kernels/${res.body.id}`, { token, method: 'DELETE' })).status, 204);
});
