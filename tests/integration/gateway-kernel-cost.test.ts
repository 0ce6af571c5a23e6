/**
 * Cost you can see and control (issue 12 §5, §6), against a real gateway, Postgres and
 * ipykernel: a kernel nobody is connected to is culled after its environment's no-client
 * timeout, announced first by a `cull-warning` event; "Keep running" postpones a cull;
 * `DELETE` records who stopped a kernel and from where; a launch refused by a kernel-count
 * quota names the kernels holding the slots, and never another project's.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { notebooks, quotas } from '../../db/schema';
import { openEventStream, type TEventStream } from '../helpers/event-stream';
import { addMember, createProject, createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { alive, createEnvironment, kernelRow, killGroup, localState, until } from '../helpers/kernels';

let t: TTestDatabase;
let gw: TTestGateway;
const pids: number[] = [];
const streams: TEventStream[] = [];

before(async () => {
  t = await createTestDatabase();
  // Warnings 1 s ahead, culling checked every 200 ms: a 3 s no-client timeout is warned at 2 s.
  gw = await startTestGateway({ db: t.db, config: { cullIntervalMs: 200, cullWarnLeadS: 1 } });
  await createEnvironment(t.db, { slug: 'unwatched', name: 'Unwatched', noClientTimeoutS: 3 });
  await createEnvironment(t.db, { slug: 'drowsy', name: 'Drowsy', idleTimeoutS: 4 });
});

after(async () => {
  for (const s of streams) s.close();
  await gw?.close();
  for (const pid of pids) killGroup(pid);
  await t?.drop();
});

async function launch(token: string, projectId: string, name = 'default', notebookId?: string): Promise<{ status: number; body: any }> {
  const env: Record<string, string> = { KERNEL_PROJECT: projectId, ...(notebookId ? { KERNEL_NOTEBOOK: notebookId } : {}) };
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name, env } });
  if (res.status === 201) pids.push((await localState(t.db, res.body.id)).pid);
  return res;
}

async function events(token: string, projectId: string): Promise<TEventStream> {
  const s = await openEventStream(`${gw.url}/api/events?project=${projectId}`, { Authorization: `token ${token}` });
  streams.push(s);
  assert.equal(s.status, 200);
  return s;
}

describe('no-client culling', () => {
  test('a kernel started by REST that nobody connects to is warned about, then culled with a detail saying why', async () => {
    const { user, token } = await createUserWithToken(t.db);
    const project = await createProject(t.db, { ownerId: user.id });
    const stream = await events(token, project.id);
    const started = await launch(token, project.id, 'unwatched');
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const kernelId = started.body.id;
    const { pid } = await localState(t.db, kernelId);
    const startedAt = Date.now();

    const warning = await stream.waitFor((e) => e.type === 'cull-warning' && e.kernelId === kernelId, 10_000);
    assert.equal(warning.cause, 'no-client');
    assert.deepEqual([warning.projectId, warning.userId], [project.id, user.id]);
    const cullAt = Date.parse(warning.cullAt);
    assert.ok(cullAt > Date.now() - 500, 'announced ahead of the cull');
    assert.ok(cullAt - startedAt < 4000, `counted from the start: culled at +${cullAt - startedAt} ms`);

    const dead = await stream.waitFor((e) => e.type === 'state' && e.kernelId === kernelId && e.state === 'dead', 10_000);
    assert.equal(dead.reason, 'culled');
    assert.ok(stream.events.indexOf(warning) < stream.events.indexOf(dead), 'the warning came first');
    assert.equal(stream.events.filter((e) => e.type === 'cull-warning' && e.kernelId === kernelId).length, 1, 'warned once');
    assert.equal(
      (await kernelRow(t.db, kernelId)).detail,
      "No notebook or client was connected for 3 s (the environment's no-client timeout), so the kernel was stopped; the notebook is unchanged.",
    );
    await until('the process is gone', () => !alive(pid));
  });

  test('a connected kernel is not culled for want of clients; once its client leaves, the no-client timeout counts', async () => {
    const { user, token } = await createUserWithToken(t.db);
    const project = await createProject(t.db, { ownerId: user.id });
    const kernelId = (await launch(token, project.id, 'unwatched')).body.id;
    const ch = await openChannels(gw, kernelId, { token });
    await new Promise((r) => setTimeout(r, 4500));
    assert.equal((await kernelRow(t.db, kernelId)).state, 'idle', 'a client is connected: not culled');
    await ch.close();
    const left = Date.now();
    await until('culled', async () => (await kernelRow(t.db, kernelId)).state === 'dead', 10_000);
    assert.ok(Date.now() - left >= 2500, `culled ${Date.now() - left} ms after the client left`);
  });
});

describe('keep running', () => {
  test('"Keep running" postpones an announced idle cull; viewers may not; the next quiet spell is announced again', async () => {
    const { user, token } = await createUserWithToken(t.db);
    const { user: viewer, token: viewerToken } = await createUserWithToken(t.db);
    const project = await createProject(t.db, { ownerId: user.id });
    await addMember(t.db, project.id, viewer.id, 'viewer');
    const stream = await events(token, project.id);
    const kernelId = (await launch(token, project.id, 'drowsy')).body.id;
    const ch = await openChannels(gw, kernelId, { token });
    try {
      const first = await stream.waitFor((e) => e.type === 'cull-warning' && e.kernelId === kernelId, 10_000);
      assert.equal(first.cause, 'idle');
      assert.equal((await gatewayFetch(gw, `/api/kernels/${kernelId}/activity`, { token: viewerToken, method: 'POST' })).status, 403);
      const kept = await gatewayFetch(gw, `/api/kernels/${kernelId}/activity`, { token, method: 'POST' });
      assert.equal(kept.status, 204, JSON.stringify(kept.body));
      await stream.waitFor((e) => e.type === 'kept' && e.kernelId === kernelId);
      const keptAt = Date.now();

      // Past the first deadline, still running.
      await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(first.cullAt) - Date.now()) + 1000));
      assert.equal((await kernelRow(t.db, kernelId)).state, 'idle', 'kept past the announced cull');
      const second = await stream.waitFor((e) => e.type === 'cull-warning' && e.kernelId === kernelId && e !== first, 10_000);
      assert.ok(Date.parse(second.cullAt) - keptAt >= 3500, 'the idle clock started again when kept');
      await until('culled after the second quiet spell', async () => (await kernelRow(t.db, kernelId)).state === 'dead', 10_000);
      assert.equal((await kernelRow(t.db, kernelId)).reason, 'culled');
    } finally {
      await ch.close();
    }
  });

  test('keeping a kernel one may not see is a 404', async () => {
    const { user, token } = await createUserWithToken(t.db);
    const { token: stranger } = await createUserWithToken(t.db);
    const project = await createProject(t.db, { ownerId: user.id });
    const kernelId = (await launch(token, project.id)).body.id;
    assert.equal((await gatewayFetch(gw, `/api/kernels/${kernelId}/activity`, { token: stranger, method: 'POST' })).status, 404);
    assert.equal((await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token, method: 'DELETE' })).status, 204);
  });
});

describe('who stopped it', () => {
  test('DELETE records the stopper by name and where from; the kernel model carries it', async () => {
    const { user: owner, token } = await createUserWithToken(t.db, { name: 'Ada Lovelace' });
    const { user: editor, token: editorToken } = await createUserWithToken(t.db, { name: 'Charles Babbage' });
    const project = await createProject(t.db, { ownerId: owner.id });
    await addMember(t.db, project.id, editor.id, 'editor');

    const fromDashboard = (await launch(editorToken, project.id)).body.id;
    assert.equal((await gatewayFetch(gw, `/api/kernels/${fromDashboard}?from=dashboard`, { token, method: 'DELETE' })).status, 204);
    const model = await gatewayFetch(gw, `/api/lattice/kernels/${fromDashboard}`, { token: editorToken });
    assert.deepEqual([model.body.lattice.state, model.body.lattice.reason, model.body.lattice.detail], ['stopped', 'user-request', 'Stopped by Ada Lovelace from the dashboard']);

    const fromNotebook = (await launch(editorToken, project.id)).body.id;
    assert.equal((await gatewayFetch(gw, `/api/kernels/${fromNotebook}?from=notebook`, { token: editorToken, method: 'DELETE' })).status, 204);
    assert.equal((await kernelRow(t.db, fromNotebook)).detail, 'Stopped by Charles Babbage from a notebook');

    const fromClient = (await launch(editorToken, project.id)).body.id;
    assert.equal((await gatewayFetch(gw, `/api/kernels/${fromClient}?from=somewhere`, { token, method: 'DELETE' })).status, 400, 'an unknown origin is refused');
    assert.equal((await gatewayFetch(gw, `/api/kernels/${fromClient}`, { token, method: 'DELETE' })).status, 204);
    assert.equal((await kernelRow(t.db, fromClient)).detail, 'Stopped by Ada Lovelace from a Jupyter client');
  });
});

describe('quota refusal names the holders', () => {
  test("a kernel-count refusal lists the project's kernels that hold the slots, with who may stop them, and no other project's", async () => {
    const { user: owner, token: ownerToken } = await createUserWithToken(t.db, { name: 'Grace Hopper' });
    const { user: editor, token: editorToken } = await createUserWithToken(t.db, { name: 'Alan Turing' });
    const project = await createProject(t.db, { ownerId: owner.id });
    await addMember(t.db, project.id, editor.id, 'editor');
    const elsewhere = await createProject(t.db, { ownerId: owner.id });
    await t.db.insert(quotas).values({ scope: 'project', projectId: project.id, kernels: 1 });
    const [nb] = await t.db.insert(notebooks).values({ projectId: project.id, name: 'analysis.ipynb', content: { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] } }).returning();

    const holder = await launch(ownerToken, project.id, 'default', nb.id);
    assert.equal(holder.status, 201);
    const other = await launch(ownerToken, elsewhere.id);
    assert.equal(other.status, 201);

    const refused = await launch(editorToken, project.id);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 'QUOTA_EXCEEDED');
    assert.match(refused.body.message, /concurrent kernel quota/);
    assert.equal(refused.body.holders.length, 1, JSON.stringify(refused.body.holders));
    const [h] = refused.body.holders;
    assert.deepEqual(
      { ...h, startedAt: typeof h.startedAt },
      {
        kernelId: holder.body.id,
        projectId: project.id,
        notebookId: nb.id,
        notebookName: 'analysis.ipynb',
        environmentName: 'Python 3',
        userName: 'Grace Hopper',
        startedAt: 'string',
        canStop: false,
      },
    );
    assert.ok(Math.abs(Date.parse(h.startedAt) - Date.parse(holder.body.lattice.startedAt)) < 1000);

    // The owner, refused the same way, may stop it; once stopped, the launch goes through.
    const ownerRefused = await launch(ownerToken, project.id);
    assert.deepEqual(ownerRefused.body.holders.map((x: any) => [x.kernelId, x.canStop]), [[holder.body.id, true]]);
    assert.equal((await gatewayFetch(gw, `/api/kernels/${holder.body.id}?from=notebook`, { token: ownerToken, method: 'DELETE' })).status, 204);
    const next = await launch(editorToken, project.id);
    assert.equal(next.status, 201, JSON.stringify(next.body));
    for (const id of [next.body.id, other.body.id]) await gatewayFetch(gw, `/api/kernels/${id}`, { token: ownerToken, method: 'DELETE' });
  });

  test('a refusal for CPU or memory names no holders (stopping one kernel is not the only way out)', async () => {
    const { user, token } = await createUserWithToken(t.db);
    const project = await createProject(t.db, { ownerId: user.id });
    await t.db.insert(quotas).values({ scope: 'project', projectId: project.id, cpuM: 100 });
    const refused = await launch(token, project.id);
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body.holders, []);
  });
});
