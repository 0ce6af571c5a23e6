/**
 * `GET /api/events`: every state change of a kernel, as written to Postgres, reaches the
 * streams of people who may see its project — and only theirs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { asc, eq } from 'drizzle-orm';
import { ZKernelEvent } from '../../common/kernel-model';
import { kernelEvents } from '../../db/schema';
import { openEventStream, type TEventStream } from '../helpers/event-stream';
import { addMember, createProject, createUserWithToken, gatewayFetch, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';

let t: TTestDatabase;
let gw: TTestGateway;
let owner: { token: string; id: string };
let viewer: { token: string; id: string };
let outsider: { token: string; id: string };
let admin: { token: string; id: string };
let projectId: string;
let otherProjectId: string;
const streams: TEventStream[] = [];

async function person(role: 'member' | 'admin' = 'member') {
  const { user, token } = await createUserWithToken(t.db, { role });
  return { token, id: user.id };
}

async function stream(path: string, headers: Record<string, string> = {}): Promise<TEventStream> {
  const s = await openEventStream(`${gw.url}${path}`, headers);
  streams.push(s);
  return s;
}

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db, config: { eventsHeartbeatMs: 300 } });
  [owner, viewer, outsider, admin] = [await person(), await person(), await person(), await person('admin')];
  projectId = (await createProject(t.db, { ownerId: owner.id })).id;
  await addMember(t.db, projectId, viewer.id, 'viewer');
  otherProjectId = (await createProject(t.db, { ownerId: outsider.id })).id;
});

after(async () => {
  for (const s of streams) s.close();
  await gw?.close();
  await t?.drop();
});

test('a stream needs a token: none is 401', async () => {
  const s = await stream('/api/events');
  assert.equal(s.status, 401);
});

test('state changes reach members (token in the query, as EventSource sends it), not outsiders; admins see all', async () => {
  const ownerStream = await stream(`/api/events?token=${encodeURIComponent(owner.token)}&project=${projectId}`, { origin: 'http://localhost:3000' });
  assert.equal(ownerStream.status, 200);
  assert.match(ownerStream.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.equal(ownerStream.headers.get('access-control-allow-origin'), 'http://localhost:3000');
  const viewerStream = await stream('/api/events', { authorization: `token ${viewer.token}` });
  const outsiderStream = await stream('/api/events', { authorization: `token ${outsider.token}` });
  const adminStream = await stream('/api/events', { authorization: `token ${admin.token}` });
  const ownerOtherFilter = await stream(`/api/events?project=${otherProjectId}`, { authorization: `token ${owner.token}` });

  const start = await gatewayFetch(gw, '/api/kernels', { token: owner.token, method: 'POST', body: { name: 'python3', env: { KERNEL_PROJECT: projectId } } });
  assert.equal(start.status, 201, JSON.stringify(start.body));
  const kernelId = start.body.id;
  const other = await gatewayFetch(gw, '/api/kernels', { token: outsider.token, method: 'POST', body: { env: { KERNEL_PROJECT: otherProjectId } } });
  assert.equal(other.status, 201, JSON.stringify(other.body));
  assert.equal((await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token: owner.token, method: 'DELETE' })).status, 204);

  const stopped = await ownerStream.waitFor((e) => e.kernelId === kernelId && e.state === 'stopped');
  assert.equal(stopped.reason, 'user-request');
  await viewerStream.waitFor((e) => e.kernelId === kernelId && e.state === 'stopped');
  await adminStream.waitFor((e) => e.kernelId === other.body.id && e.state === 'idle');
  await adminStream.waitFor((e) => e.kernelId === kernelId && e.state === 'stopped');
  await outsiderStream.waitFor((e) => e.kernelId === other.body.id && e.state === 'idle');

  const all = ownerStream.events.filter((e) => e.kernelId === kernelId);
  for (const e of all) ZKernelEvent.parse(e);
  // Launch steps come as their own events between the state changes.
  assert.deepEqual(
    all.filter((e) => e.type === 'progress').map((e) => e.progress.step),
    ['scheduled', 'starting'],
  );
  const mine = all.filter((e) => e.type === 'state');
  assert.deepEqual(
    mine.map((e) => e.state),
    ['queued', 'provisioning', 'starting', 'idle', 'stopping', 'stopped'],
  );
  assert.deepEqual(
    mine.map((e) => e.executionState),
    ['starting', 'starting', 'starting', 'idle', 'terminating', 'dead'],
  );
  assert.deepEqual(
    { projectId: mine[0].projectId, userId: mine[0].userId, notebookId: mine[0].notebookId },
    { projectId, userId: owner.id, notebookId: null },
  );
  // What the stream said is what Postgres recorded, in the same order.
  const rows = await t.db.select().from(kernelEvents).where(eq(kernelEvents.kernelId, kernelId)).orderBy(asc(kernelEvents.id));
  assert.deepEqual(rows.map((r) => r.toState), mine.map((e) => e.state));

  assert.equal(ownerStream.events.some((e) => e.kernelId === other.body.id), false, 'the project filter and membership hide the other project');
  assert.equal(outsiderStream.events.some((e) => e.kernelId === kernelId), false, 'an outsider hears nothing of this project');
  assert.equal(ownerOtherFilter.events.length, 0, 'filtering on a project one is not in yields nothing');
  assert.equal(viewerStream.events.some((e) => e.kernelId === other.body.id), false);
});

test('heartbeat comments keep the stream alive', async () => {
  const s = await stream('/api/events', { authorization: `token ${owner.token}` });
  const deadline = Date.now() + 5000;
  while (!s.comments.includes(': heartbeat') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(s.comments.includes(': heartbeat'));
});

test('a closed stream unsubscribes; a revoked token ends the stream at the next heartbeat', async () => {
  const before = gw.app.kernels.events.subscriberCount;
  const s = await stream('/api/events', { authorization: `token ${owner.token}` });
  const until = async (what: string, f: () => boolean) => {
    const deadline = Date.now() + 5000;
    while (!f()) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await until('subscribed', () => gw.app.kernels.events.subscriberCount === before + 1);
  s.close();
  await until('unsubscribed', () => gw.app.kernels.events.subscriberCount === before);

  const revokable = await person();
  await addMember(t.db, projectId, revokable.id, 'editor');
  const r = await stream('/api/events', { authorization: `token ${revokable.token}` });
  await until('subscribed', () => gw.app.kernels.events.subscriberCount === before + 1);
  const { apiTokens } = await import('../../db/schema');
  await t.db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.userId, revokable.id));
  await until('revoked stream ended', () => gw.app.kernels.events.subscriberCount === before);
  assert.equal(r.status, 200);
});
