/**
 * Revocation reaches what is already open (issue 14 §1): a kernel websocket outlives the
 * check at its upgrade, and a kernel outlives the request that started it. A revoked token,
 * a disabled or deleted user, a lost role, an archived or deleted project must end them
 * within a few seconds — against a real gateway, real kernels and Postgres.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { apiTokens, kernels, notebooks, projectMembers, projects, users, webSessions } from '../../db/schema';
import { hashToken } from '../../db/tokens';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import {
  addMember,
  createProject,
  createToken,
  createUserWithToken,
  gatewayFetch,
  openChannels,
  startTestGateway,
  type TChannelsClient,
  type TTestGateway,
} from '../helpers/gateway';
import { alive, kernelRow, killGroup, localState, until } from '../helpers/kernels';
import { captureLog, type TCapturedLog } from '../helpers/log-capture';

let t: TTestDatabase;
let gw: TTestGateway;
let log: TCapturedLog;
const pids: number[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (err: unknown) => void unhandled.push(err);

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  t = await createTestDatabase();
  log = captureLog();
  gw = await startTestGateway({ db: t.db, logger: log.logger, config: { revocationCheckMs: 200 } });
});

after(async () => {
  await gw?.close();
  for (const pid of pids) killGroup(pid);
  await t?.drop();
  process.off('unhandledRejection', onUnhandled);
});

/** A project with `owner` as its owner. */
async function project(ownerId: string): Promise<string> {
  return (await createProject(t.db, { ownerId })).id;
}

async function launch(token: string, projectId: string): Promise<{ id: string; pid: number }> {
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { env: { KERNEL_PROJECT: projectId } } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const { pid } = await localState(t.db, res.body.id);
  pids.push(pid);
  return { id: res.body.id, pid };
}

/** Channels to a kernel, with how the gateway closed them (registered at once, so no close is missed). */
async function connect(kernelId: string, token: string): Promise<{ client: TChannelsClient; closed: Promise<{ code: number; reason: string; after: number }> }> {
  const client = await openChannels(gw, kernelId, { token });
  const since = Date.now();
  const closed = new Promise<{ code: number; reason: string; after: number }>((resolve) =>
    client.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString(), after: Date.now() - since })),
  );
  return { client, closed };
}

/** Resolves with the close, or fails if the socket is still open after `ms`. */
async function closedWithin(closed: Promise<{ code: number; reason: string; after: number }>, ms = 5000) {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms).unref());
  return Promise.race([closed, timeout]);
}

async function stoppedRow(kernelId: string) {
  await until('the kernel is stopped in Postgres', async () => (await kernelRow(t.db, kernelId))?.state === 'stopped', 20_000);
  return kernelRow(t.db, kernelId);
}

const shutdownReplyTo = (client: TChannelsClient, id: string) =>
  client.waitFor((m) => m.parent_header.msg_id === id && m.header.msg_type === 'shutdown_reply');

describe('revocation of open connections', () => {
  test('a revoked token: its websocket is closed within seconds (4401, "revoked"), and HTTP says 401', async () => {
    const owner = await createUserWithToken(t.db);
    const kernel = await launch(owner.token, await project(owner.user.id));
    const { client, closed } = await connect(kernel.id, owner.token);
    assert.equal((await client.execute('1 + 1')).reply.content.status, 'ok');

    await t.db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.tokenHash, hashToken(owner.token)));
    const close = await closedWithin(closed);
    assert.equal(close.code, 4401);
    assert.match(close.reason, /Signed out: this token was revoked/);
    assert.equal((await gatewayFetch(gw, `/api/kernels/${kernel.id}`, { token: owner.token })).status, 401);
    await assert.rejects(openChannels(gw, kernel.id, { token: owner.token }), { status: 401 });
  });

  test('a browser token dies with its sign-in: the session revoked → socket closed, 401', async () => {
    const owner = await createUserWithToken(t.db);
    const projectId = await project(owner.user.id);
    const [session] = await t.db.insert(webSessions).values({ userId: owner.user.id, expiresAt: new Date(Date.now() + 3600_000) }).returning();
    const browserToken = await createToken(t.db, owner.user.id, { kind: 'browser' });
    await t.db.update(apiTokens).set({ sessionId: session.id }).where(eq(apiTokens.tokenHash, hashToken(browserToken)));
    const kernel = await launch(browserToken, projectId);
    const { closed } = await connect(kernel.id, browserToken);

    await t.db.update(webSessions).set({ revokedAt: new Date() }).where(eq(webSessions.id, session.id));
    const close = await closedWithin(closed);
    assert.deepEqual([close.code, close.reason], [4401, 'Signed out: your sign-in session ended.']);
    assert.equal((await gatewayFetch(gw, '/api/kernels', { token: browserToken })).status, 401);
  });

  test('a disabled user: socket closed and their kernel stopped (row, event detail, process gone)', async () => {
    const owner = await createUserWithToken(t.db);
    const kernel = await launch(owner.token, await project(owner.user.id));
    const { closed } = await connect(kernel.id, owner.token);

    await t.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, owner.user.id));
    const close = await closedWithin(closed);
    assert.deepEqual([close.code, close.reason], [4401, 'Signed out: your account was disabled.']);
    const row = await stoppedRow(kernel.id);
    assert.deepEqual([row.reason, row.detail], ['revoked', 'Stopped: its owner was disabled.']);
    await until('the kernel process is gone', () => !alive(kernel.pid));
  });

  test('a deleted user: their token is refused (401) and their kernel stopped', async () => {
    const owner = await createUserWithToken(t.db);
    const kernel = await launch(owner.token, await project(owner.user.id));
    await t.db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, owner.user.id));
    assert.equal((await gatewayFetch(gw, '/api/kernels', { token: owner.token })).status, 401);
    await assert.rejects(openChannels(gw, kernel.id, { token: owner.token }), { status: 401 });
    const row = await stoppedRow(kernel.id);
    assert.equal(row.detail, "Stopped: its owner's account was deleted.");
    await until('the kernel process is gone', () => !alive(kernel.pid));
  });

  test('roles are read when used: a demoted owner may not stop others’ kernels; a viewer or non-member is disconnected', async () => {
    const owner = await createUserWithToken(t.db);
    const colleague = await createUserWithToken(t.db);
    const projectId = await project(owner.user.id);
    await addMember(t.db, projectId, colleague.user.id, 'owner');
    const ownersKernel = await launch(owner.token, projectId);
    const { client, closed } = await connect(ownersKernel.id, colleague.token);

    // Owner → editor: still runs code on the socket, but its stop right is gone at once.
    await addMember(t.db, projectId, colleague.user.id, 'editor');
    const stopId = client.send('control', 'shutdown_request', { restart: false });
    const refused = await shutdownReplyTo(client, stopId);
    assert.deepEqual([refused.content.status, refused.content.ename], ['error', 'Forbidden']);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal((await client.execute('y = 2')).reply.content.status, 'ok', 'an editor still runs code');
    assert.equal((await kernelRow(t.db, ownersKernel.id)).state, 'idle', 'the kernel was not stopped');

    // Editor → viewer: viewers have no channel, so the socket is closed.
    await addMember(t.db, projectId, colleague.user.id, 'viewer');
    const close = await closedWithin(closed);
    assert.equal(close.code, 4403);
    assert.match(close.reason, /role in this project changed/);
    await assert.rejects(openChannels(gw, ownersKernel.id, { token: colleague.token }), { status: 403 });

    // Removed from the project: the same, for their own kernel too.
    const editor = await createUserWithToken(t.db);
    await addMember(t.db, projectId, editor.user.id, 'editor');
    const editorsKernel = await launch(editor.token, projectId);
    const own = await connect(editorsKernel.id, editor.token);
    await t.db.delete(projectMembers).where(eq(projectMembers.userId, editor.user.id));
    assert.equal((await closedWithin(own.closed)).code, 4403);
    await assert.rejects(openChannels(gw, editorsKernel.id, { token: editor.token }), { status: 404 });
  });

  test('an archived project: its kernels stop, its sockets close, and launches are refused with 409', async () => {
    const owner = await createUserWithToken(t.db);
    const projectId = await project(owner.user.id);
    const kernel = await launch(owner.token, projectId);
    const { closed } = await connect(kernel.id, owner.token);

    await t.db.update(projects).set({ archivedAt: new Date() }).where(eq(projects.id, projectId));
    const close = await closedWithin(closed);
    assert.deepEqual([close.code, close.reason], [4403, 'This project was archived: restore it to run kernels.']);
    const row = await stoppedRow(kernel.id);
    assert.deepEqual([row.reason, row.detail], ['revoked', 'Stopped: the project was archived.']);
    await until('the kernel process is gone', () => !alive(kernel.pid));

    const refused = await gatewayFetch(gw, '/api/kernels', { token: owner.token, method: 'POST', body: { env: { KERNEL_PROJECT: projectId } } });
    assert.equal(refused.status, 409);
    assert.deepEqual([refused.body.code, refused.body.message], ['CONFLICT', 'This project is archived: restore it to run kernels.']);
    const outsider = await createUserWithToken(t.db);
    const hidden = await gatewayFetch(gw, '/api/kernels', { token: outsider.token, method: 'POST', body: { env: { KERNEL_PROJECT: projectId } } });
    assert.equal(hidden.status, 404, 'a non-member learns nothing about the project');
  });

  test('a deleted project: its kernels stop, then its rows are removed (notebooks with it)', async () => {
    const owner = await createUserWithToken(t.db);
    const editor = await createUserWithToken(t.db);
    const projectId = await project(owner.user.id);
    await addMember(t.db, projectId, editor.user.id, 'editor');
    await t.db.insert(notebooks).values({ projectId, name: 'analysis.ipynb', content: { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 } });
    const kernelsOfIt = [await launch(owner.token, projectId), await launch(editor.token, projectId)];

    await t.db.update(projects).set({ deletedAt: new Date() }).where(eq(projects.id, projectId));
    const refused = await gatewayFetch(gw, '/api/kernels', { token: owner.token, method: 'POST', body: { env: { KERNEL_PROJECT: projectId } } });
    assert.deepEqual([refused.status, refused.body.code], [409, 'CONFLICT']);
    await until('the project row is gone', async () => (await t.db.select().from(projects).where(eq(projects.id, projectId))).length === 0, 20_000);
    for (const k of kernelsOfIt) await until('its kernel processes end', () => !alive(k.pid), 5000);
    assert.deepEqual(await t.db.select().from(notebooks).where(eq(notebooks.projectId, projectId)), []);
    assert.deepEqual(await t.db.select().from(kernels).where(eq(kernels.projectId, projectId)), []);
  });

  test('kernel rows vanishing under a running kernel (its project removed at once): the kernel is stopped, nothing crashes', async () => {
    const owner = await createUserWithToken(t.db);
    const projectId = await project(owner.user.id);
    const kernel = await launch(owner.token, projectId);
    const { closed } = await connect(kernel.id, owner.token);

    await t.db.delete(projects).where(eq(projects.id, projectId));
    assert.equal((await closedWithin(closed)).code, 4403);
    await until('the kernel process is gone', () => !alive(kernel.pid), 20_000);
    await until('the gateway let go of it', async () => (await gatewayFetch(gw, `/api/kernels/${kernel.id}`, { token: owner.token })).status === 404);
    assert.deepEqual(log.find('write failed'), [], 'no failed writes for the vanished row');
    assert.deepEqual(unhandled, []);
    assert.equal((await gatewayFetch(gw, '/healthz')).status, 200, 'the gateway still serves');
  });
});
