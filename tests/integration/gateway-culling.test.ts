/**
 * Idle culling (issue 3): each environment has an idle timeout (here 2 s); a kernel with no
 * activity for that long becomes `dead: culled`, its connected client is told, its process
 * is gone, and its notebook is untouched. A busy kernel is not culled, nor one whose
 * environment has a longer timeout. Open connections do not keep a kernel alive.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { notebooks } from '../../db/schema';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { createProject, createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { alive, createEnvironment, kernelRow, kernelStates, killGroup, localState, until } from '../helpers/kernels';

let t: TTestDatabase;
let gw: TTestGateway;
let token: string;
let projectId: string;
const pids: number[] = [];

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db, config: { cullIntervalMs: 250 } });
  const { user, token: tk } = await createUserWithToken(t.db);
  token = tk;
  projectId = (await createProject(t.db, { ownerId: user.id })).id;
  await createEnvironment(t.db, { slug: 'brief', name: 'Brief', idleTimeoutS: 2 });
});

after(async () => {
  await gw?.close();
  for (const pid of pids) killGroup(pid);
  await t?.drop();
});

async function launch(name: string, notebookId?: string): Promise<string> {
  const env: Record<string, string> = { KERNEL_PROJECT: projectId, ...(notebookId ? { KERNEL_NOTEBOOK: notebookId } : {}) };
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name, env } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  pids.push((await localState(t.db, res.body.id)).pid);
  return res.body.id;
}

describe('idle culling', () => {
  test('a kernel idle past its environment timeout is dead: culled, its client told, its notebook untouched', async () => {
    const content = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', id: 'a', source: 'x = 1', metadata: {}, outputs: [], execution_count: null }] };
    const [nb] = await t.db.insert(notebooks).values({ projectId, name: 'culled.ipynb', content }).returning();
    const patient = await launch('default');
    const kernelId = await launch('brief', nb.id);
    const { pid } = await localState(t.db, kernelId);

    const ch = await openChannels(gw, kernelId, { token });
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ch.ws.once('close', (c, r) => resolve({ code: c, reason: r.toString() })));
    // Busy for longer than the timeout: not culled meanwhile.
    const { reply } = await ch.execute('import time; time.sleep(3); x = 1');
    assert.equal(reply.content.status, 'ok', 'a busy kernel is not culled');

    // Connected but silent: culled about 2 s after the last message.
    const lastActivity = Date.now();
    const told = await closed;
    const idleFor = Date.now() - lastActivity;
    assert.ok(idleFor >= 1500 && idleFor < 5000, `culled after ${idleFor} ms of silence`);
    assert.deepEqual(told, { code: 1000, reason: 'kernel dead: culled' });

    await until('dead in Postgres', async () => (await kernelRow(t.db, kernelId)).state === 'dead');
    const row = await kernelRow(t.db, kernelId);
    assert.deepEqual([row.state, row.reason], ['dead', 'culled']);
    assert.match(row.detail ?? '', /2 s without activity/);
    assert.deepEqual((await kernelStates(t.db, kernelId)).slice(-2), ['stopping', 'dead']);
    await until('the process is gone', () => !alive(pid));
    const model = await gatewayFetch(gw, `/api/lattice/kernels/${kernelId}`, { token });
    assert.deepEqual([model.body.execution_state, model.body.reason], ['dead', 'culled']);
    assert.equal((await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token })).status, 404, 'gone for Jupyter clients');

    const [after] = await t.db.select().from(notebooks).where(eq(notebooks.id, nb.id));
    assert.deepEqual([after.content, after.version], [content, nb.version], 'the notebook is as saved');

    assert.equal((await gatewayFetch(gw, `/api/kernels/${patient}`, { token })).body.execution_state, 'idle', 'a 60-min environment is not culled');
    assert.equal((await gatewayFetch(gw, `/api/kernels/${patient}`, { token, method: 'DELETE' })).status, 204);
  });
});
