/**
 * Kernel lifecycle against a real ipykernel and a real Postgres: start, execute, interrupt,
 * restart, delete, a crash, a start timeout, and what each leaves in the database.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { ZKernelModel } from '../../common/kernel-model';
import { environments, kernelEvents, kernels, notebooks, projectMembers, projects } from '../../db/schema';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { testPython } from '../helpers/python';
import { alive } from '../helpers/kernels';
import {
  createProject,
  createUserWithToken,
  gatewayFetch,
  openChannels,
  startTestGateway,
  type TTestGateway,
} from '../helpers/gateway';

let t: TTestDatabase;
let gw: TTestGateway;
let token: string;
let userId: string;

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db });
  ({ token, user: { id: userId } } = await createUserWithToken(t.db));
});

after(async () => {
  await gw?.close();
  await t?.drop();
});

async function events(kernelId: string): Promise<string[]> {
  const rows = await t.db.select().from(kernelEvents).where(eq(kernelEvents.kernelId, kernelId)).orderBy(asc(kernelEvents.id));
  return rows.map((r) => r.toState);
}

async function pidOf(kernelId: string): Promise<number> {
  const [row] = await t.db.select({ state: kernels.provisionerState }).from(kernels).where(eq(kernels.id, kernelId));
  return (row.state as { pid: number }).pid;
}

async function until(what: string, f: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a kernel from start to stop', () => {
  let kernelId: string;

  test('GET /api answers with a jupyter_server-style version', async () => {
    const res = await gatewayFetch(gw, '/api');
    assert.equal(res.status, 200);
    assert.match(res.body.version, /^2\.\d+\.\d+$/);
  });

  test('POST /api/kernels with no project starts an idle kernel in the personal project', async () => {
    const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: 'python3' } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const model = ZKernelModel.parse(res.body);
    kernelId = model.id;
    assert.equal(model.name, 'python3');
    assert.equal(model.execution_state, 'idle');
    assert.equal(model.lattice.state, 'idle');
    assert.equal(model.lattice.environment.slug, 'default');
    assert.match(model.last_activity, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(res.headers.get('location'), `/api/kernels/${kernelId}`);

    const [project] = await t.db.select().from(projects).where(eq(projects.personalOwnerId, userId));
    assert.equal(model.lattice.projectId, project.id);
    const [member] = await t.db.select().from(projectMembers).where(eq(projectMembers.projectId, project.id));
    assert.deepEqual([member.userId, member.role], [userId, 'owner']);
    assert.deepEqual(await events(kernelId), ['queued', 'provisioning', 'starting', 'idle']);
    const [row] = await t.db.select().from(kernels).where(eq(kernels.id, kernelId));
    assert.equal(row.environment.slug, 'default');
    assert.ok(row.startedAt);
  });

  test('GET /api/kernels lists it and GET /api/kernels/{id} returns it', async () => {
    const list = await gatewayFetch(gw, '/api/kernels', { token });
    assert.deepEqual(list.body.map((k: { id: string }) => k.id), [kernelId]);
    const one = await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token });
    assert.equal(one.status, 200);
    assert.equal(one.body.id, kernelId);
  });

  test('code runs and state persists between executions', async () => {
    const ch = await openChannels(gw, kernelId, { token });
    try {
      assert.equal((await ch.execute('x = 41')).reply.content.status, 'ok');
      const { iopub } = await ch.execute('x + 1');
      const result = iopub.find((m) => m.header.msg_type === 'execute_result');
      assert.equal((result?.content.data as Record<string, string>)['text/plain'], '42');
    } finally {
      await ch.close();
    }
    await until('busy ⇄ idle in kernel_events', async () => (await events(kernelId)).includes('busy'));
  });

  test("a client claiming the gateway's username still counts as activity (busy is seen)", async () => {
    const ch = await openChannels(gw, kernelId, { token, username: 'lattice-gateway' });
    try {
      const running = ch.execute('import time; time.sleep(1.5)');
      await until('busy in the API', async () => (await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token })).body.execution_state === 'busy');
      assert.equal((await running).reply.content.status, 'ok');
    } finally {
      await ch.close();
    }
  });

  test('interrupt stops time.sleep(30) with KeyboardInterrupt', async () => {
    const ch = await openChannels(gw, kernelId, { token });
    try {
      const started = Date.now();
      const running = ch.execute('import time; time.sleep(30)');
      await ch.waitFor((m) => m.header.msg_type === 'execute_input' && String(m.content.code).includes('sleep(30)'));
      await new Promise((r) => setTimeout(r, 300));
      const res = await gatewayFetch(gw, `/api/kernels/${kernelId}/interrupt`, { token, method: 'POST' });
      assert.equal(res.status, 204);
      const { reply } = await running;
      assert.equal(reply.content.status, 'error');
      assert.equal(reply.content.ename, 'KeyboardInterrupt');
      assert.ok(Date.now() - started < 15_000);
      assert.equal((await ch.execute('x')).reply.content.status, 'ok', 'the kernel survives an interrupt');
    } finally {
      await ch.close();
    }
  });

  test('restart keeps the id, returns idle, and the variables are gone', async () => {
    const pidBefore = await pidOf(kernelId);
    const res = await gatewayFetch(gw, `/api/kernels/${kernelId}/restart`, { token, method: 'POST' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.id, kernelId);
    assert.equal(res.body.execution_state, 'idle');
    assert.notEqual(await pidOf(kernelId), pidBefore);
    assert.equal(alive(pidBefore), false);
    const ch = await openChannels(gw, kernelId, { token });
    try {
      const { reply } = await ch.execute('x');
      assert.equal(reply.content.status, 'error');
      assert.equal(reply.content.ename, 'NameError');
    } finally {
      await ch.close();
    }
    const history = await events(kernelId);
    const at = history.lastIndexOf('restarting');
    assert.deepEqual(history.slice(at, at + 2), ['restarting', 'idle']);
  });

  test('DELETE stops it: process group gone, connection file removed, stopped in Postgres', async () => {
    const pid = await pidOf(kernelId);
    // Sandboxed kernels read their connection file from their private dir (mounted at /run/lattice).
    const connectionFile = path.join(gw.dataDir, 'sandbox', kernelId, 'connection.json');
    assert.ok(existsSync(connectionFile));
    const ch = await openChannels(gw, kernelId, { token });
    const closed = new Promise<number>((resolve) => ch.ws.once('close', (code) => resolve(code)));
    const res = await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token, method: 'DELETE' });
    assert.equal(res.status, 204);
    assert.equal(await closed, 1000, 'open websockets are closed');
    assert.equal(alive(pid), false);
    assert.throws(() => process.kill(-pid, 0), { code: 'ESRCH' });
    assert.equal(existsSync(connectionFile), false);
    const [row] = await t.db.select().from(kernels).where(eq(kernels.id, kernelId));
    assert.deepEqual([row.state, row.reason], ['stopped', 'user-request']);
    assert.ok(row.stoppedAt);
    const history = await events(kernelId);
    assert.deepEqual(history.slice(-2), ['stopping', 'stopped']);
    assert.deepEqual((await gatewayFetch(gw, '/api/kernels', { token })).body, []);
  });

  test('a stopped kernel is gone for Jupyter clients (404 everywhere, as jupyter_server) and its end stays on Lattice’s route', async () => {
    for (const [method, route] of [['GET', ''], ['POST', '/interrupt'], ['POST', '/restart'], ['DELETE', '']]) {
      const res = await gatewayFetch(gw, `/api/kernels/${kernelId}${route}`, { token, method });
      assert.equal(res.status, 404, `${method} /api/kernels/{id}${route}`);
      assert.equal(res.body.code, 'NOT_FOUND');
    }
    await assert.rejects(openChannels(gw, kernelId, { token }), { status: 404 });
    const ended = await gatewayFetch(gw, `/api/lattice/kernels/${kernelId}`, { token });
    assert.equal(ended.status, 200);
    assert.deepEqual([ended.body.id, ended.body.execution_state, ended.body.lattice.state, ended.body.lattice.reason], [kernelId, 'dead', 'stopped', 'user-request']);
  });
});

describe('launch options and failures', () => {
  test('KERNEL_PROJECT (slug) and KERNEL_NOTEBOOK place the kernel; a foreign notebook is refused', async () => {
    const project = await createProject(t.db, { ownerId: userId });
    const other = await createProject(t.db, { ownerId: userId });
    const [nb] = await t.db.insert(notebooks).values({ projectId: project.id, name: 'a.ipynb', content: {} }).returning();
    const bad = await gatewayFetch(gw, '/api/kernels', {
      token,
      method: 'POST',
      body: { name: 'default', env: { KERNEL_PROJECT: other.id, KERNEL_NOTEBOOK: nb.id } },
    });
    assert.equal(bad.status, 404);
    assert.equal(bad.body.code, 'NOT_FOUND');

    const res = await gatewayFetch(gw, '/api/kernels', {
      token,
      method: 'POST',
      body: { name: 'default', env: { KERNEL_PROJECT: project.slug, KERNEL_NOTEBOOK: nb.id, KERNEL_USERNAME: 'someone-else' } },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.lattice.projectId, project.id);
    assert.equal(res.body.lattice.notebookId, nb.id);
    assert.equal(res.body.lattice.userId, userId, 'identity comes from the token, not KERNEL_USERNAME');
    assert.equal((await gatewayFetch(gw, `/api/kernels?project=${other.id}`, { token })).body.length, 0);
    assert.equal((await gatewayFetch(gw, `/api/kernels?project=${project.id}`, { token })).body.length, 1);
    assert.equal((await gatewayFetch(gw, `/api/kernels/${res.body.id}`, { token, method: 'DELETE' })).status, 204);
  });

  test('a JSON body without Content-Type starts a kernel (Enterprise Gateway’s client); one that is not JSON is a 400 saying so', async () => {
    // A byte body: fetch adds no Content-Type for it (a string would get text/plain).
    const post = (body: string) => fetch(`${gw.url}/api/kernels`, { method: 'POST', headers: { authorization: `token ${token}` }, body: Buffer.from(body) });
    const started = await post(JSON.stringify({ name: 'python3', env: { KERNEL_USERNAME: 'bob' } }));
    const model = await started.json();
    assert.equal(started.status, 201, JSON.stringify(model));
    assert.equal(model.lattice.userId, userId);
    assert.equal((await gatewayFetch(gw, `/api/kernels/${model.id}`, { token, method: 'DELETE' })).status, 204);
    const refused = await post('name=python3');
    assert.equal(refused.status, 400);
    const error = await refused.json();
    assert.equal(error.code, 'BAD_REQUEST');
    assert.match(error.message, /^The request body is not valid JSON/);
  });

  test('bad requests get a JSON error with a code, never a stack', async () => {
    const unknown = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: 'nope' } });
    assert.equal(unknown.status, 404);
    assert.deepEqual(Object.keys(unknown.body).sort(), ['code', 'message', 'reason']);
    const invalid = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: 7 } });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.code, 'BAD_REQUEST');
    const res = await fetch(`${gw.url}/api/kernels`, { method: 'POST', headers: { authorization: `token ${token}`, 'content-type': 'application/json' }, body: '{oops' });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).code, 'BAD_REQUEST');
    assert.equal((await gatewayFetch(gw, '/api/kernels/not-a-uuid', { token })).status, 404);
  });

  test('a kernel process that dies becomes dead: crashed', async () => {
    const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: {} });
    assert.equal(res.status, 201);
    const pid = await pidOf(res.body.id);
    process.kill(-pid, 'SIGKILL');
    await until('dead in Postgres', async () => {
      const [row] = await t.db.select().from(kernels).where(eq(kernels.id, res.body.id));
      return row.state === 'dead';
    });
    const [row] = await t.db.select().from(kernels).where(eq(kernels.id, res.body.id));
    assert.equal(row.reason, 'crashed');
    const model = await gatewayFetch(gw, `/api/lattice/kernels/${res.body.id}`, { token });
    assert.deepEqual([model.body.execution_state, model.body.reason], ['dead', 'crashed']);
    const gone = await gatewayFetch(gw, `/api/kernels/${res.body.id}`, { token });
    assert.equal(gone.status, 404, 'gone for Jupyter clients, as in jupyter_server');
    assert.match(gone.body.message, /is gone \(dead: crashed\); GET \/api\/lattice\/kernels\/.+ tells why it ended\./);
  });

  test('a kernel that never answers fails with reason timeout and leaves no process', async () => {
    const [env] = await t.db
      .insert(environments)
      .values({
        slug: 'mute',
        name: 'Mute',
        argv: [testPython(), '-c', 'import sys, time; time.sleep(120)', '{connection_file}'],
        cpuRequestM: 100,
        cpuLimitM: 100,
        memoryRequestMib: 128,
        memoryLimitMib: 128,
      })
      .returning();
    const quick = await startTestGateway({ db: t.db, config: { kernelStartTimeoutMs: 1500 } });
    try {
      const res = await gatewayFetch(quick, '/api/kernels', { token, method: 'POST', body: { name: env.slug } });
      assert.equal(res.status, 503);
      assert.equal(res.body.code, 'KERNEL_UNAVAILABLE');
      const [row] = await t.db.select().from(kernels).where(eq(kernels.environmentId, env.id));
      assert.deepEqual([row.state, row.reason], ['failed', 'timeout']);
      assert.equal(alive((row.provisionerState as { pid: number }).pid), false);
      assert.deepEqual((await events(row.id)).slice(-1), ['failed']);
    } finally {
      await quick.close();
    }
  });
});

describe('gateway restart', () => {
  test('a kernel left running (LATTICE_KERNELS_ON_EXIT=keep) is reattached by the next gateway, state intact', async () => {
    const first = await startTestGateway({ db: t.db, config: { kernelsOnExit: 'keep' } });
    let second: TTestGateway | null = null;
    try {
      const res = await gatewayFetch(first, '/api/kernels', { token, method: 'POST', body: {} });
      assert.equal(res.status, 201);
      const ch = await openChannels(first, res.body.id, { token });
      await ch.execute('kept = "still here"');
      await ch.close();
      await first.app.close();

      second = await startTestGateway({ db: t.db, config: { dataDir: first.dataDir } });
      const model = await gatewayFetch(second, `/api/kernels/${res.body.id}`, { token });
      assert.equal(model.body.execution_state, 'idle');
      const again = await openChannels(second, res.body.id, { token });
      const { iopub } = await again.execute('kept');
      await again.close();
      assert.equal((iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data as Record<string, string>)['text/plain'], "'still here'");
    } finally {
      await second?.close();
      await first.close();
    }
  });
});
